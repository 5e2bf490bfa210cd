//! The files a Distributed Map's `ResultWriter` writes to S3 (the writer half of decision
//! 0019): `manifest.json` and `SUCCEEDED_0.json` / `FAILED_0.json` / `PENDING_0.json` under
//! `<Prefix>/<map run id>/`, with the contents the developer guide documents. Stepwise has
//! no S3, so the files are kept on the execution as *virtual files*
//! ([`Execution::result_files`]): the CLI writes them out (`asl run --result-files DIR`), the
//! page lists them for download.
//!
//! While the map run runs, [`ResultLog`] keeps what each child execution was given, when it
//! started and how it ended (only for a writer that exports: nothing is kept otherwise).

use serde_json::{json, Value};

use crate::history::{json_text, Payload};
use crate::runner::frame::{Failure, ResultWriterPlan};
use crate::runner::Execution;

/// One file a `ResultWriter` wrote: its `s3://bucket/key` and its text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResultFile {
    pub uri: String,
    pub contents: String,
}

impl ResultFile {
    /// The key below the bucket (`prefix/<map run id>/manifest.json`).
    pub fn key(&self) -> &str {
        crate::tasks::s3_objects::split_uri(&self.uri).map_or("", |(_, k)| k)
    }
}

impl Execution {
    /// Every file the execution's Distributed Map `ResultWriter`s wrote so far, in the order
    /// written (each map run: its result files, then its `manifest.json`).
    pub fn result_files(&self) -> &[ResultFile] {
        &self.result_files
    }
}

/// What one child execution of a map run did.
#[derive(Debug, Clone)]
struct ChildRecord {
    input: Value,
    start_ms: i64,
    end: Option<(i64, Result<Payload, Failure>)>,
}

/// The child executions of one map run, by item index (kept only when the results are
/// exported).
#[derive(Debug, Clone, Default)]
pub(crate) struct ResultLog {
    children: Vec<Option<ChildRecord>>,
}

impl ResultLog {
    pub(crate) fn started(&mut self, index: usize, input: &Value, now_ms: i64) {
        if self.children.len() <= index {
            self.children.resize(index.saturating_add(1), None);
        }
        if let Some(slot) = self.children.get_mut(index) {
            *slot = Some(ChildRecord { input: input.clone(), start_ms: now_ms, end: None });
        }
    }

    pub(crate) fn finished(
        &mut self,
        index: usize,
        result: &Result<Payload, Failure>,
        now_ms: i64,
    ) {
        if let Some(Some(record)) = self.children.get_mut(index) {
            record.end = Some((now_ms, result.clone()));
        }
    }
}

/// Builds the files of a map run that ended at `now_ms`: `pending` are the inputs of the
/// items never started. Children still running are recorded as `ABORTED` (the map run
/// failed and stopped them).
pub(crate) fn build(
    plan: &ResultWriterPlan,
    map_run_arn: &str,
    log: &ResultLog,
    pending: &[Value],
    now_ms: i64,
) -> Vec<ResultFile> {
    let Some((bucket, prefix)) = &plan.export else { return Vec::new() };
    let run_id = map_run_arn.rsplit(':').next().unwrap_or_default();
    let dir = if prefix.is_empty() {
        run_id.to_string()
    } else {
        format!("{}/{run_id}", prefix.trim_end_matches('/'))
    };
    // `arn:…:mapRun:Machine/Map:<run id>` → the child state machine and execution ARNs.
    let base = map_run_arn.strip_suffix(&format!(":{run_id}")).unwrap_or(map_run_arn);
    let state_machine_arn = base.replacen(":mapRun:", ":stateMachine:", 1);
    let execution_base = map_run_arn.replacen(":mapRun:", ":execution:", 1);
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    for (index, record) in log.children.iter().enumerate() {
        let Some(record) = record else { continue };
        let name = child_name(map_run_arn, index);
        let mut entry = serde_json::Map::new();
        let (stop_ms, status) = match &record.end {
            Some((at, Ok(_))) => (*at, "SUCCEEDED"),
            Some((at, Err(_))) => (*at, "FAILED"),
            None => (now_ms, "ABORTED"),
        };
        if let Some((_, Err(f))) = &record.end {
            entry.insert("Cause".into(), f.cause.clone().map_or(Value::Null, Value::String));
            entry.insert("Error".into(), f.error.clone().map_or(Value::Null, Value::String));
        }
        entry.insert("ExecutionArn".into(), Value::String(format!("{execution_base}:{name}")));
        entry.insert("Input".into(), Value::String(json_text(&record.input)));
        entry.insert("InputDetails".into(), json!({"Included": true}));
        entry.insert("Name".into(), Value::String(name));
        if let Some((_, Ok(output))) = &record.end {
            entry.insert("Output".into(), Value::String(output.text().to_string()));
            entry.insert("OutputDetails".into(), json!({"Included": true}));
        }
        entry.insert("RedriveCount".into(), json!(0));
        entry.insert(
            "RedriveStatus".into(),
            json!(if status == "SUCCEEDED" { "NOT_REDRIVABLE" } else { "REDRIVABLE" }),
        );
        entry
            .insert("StartDate".into(), Value::String(crate::time::format_millis(record.start_ms)));
        entry.insert("StateMachineArn".into(), Value::String(state_machine_arn.clone()));
        entry.insert("Status".into(), json!(status));
        entry.insert("StopDate".into(), Value::String(crate::time::format_millis(stop_ms)));
        match &record.end {
            Some((_, Ok(output))) => succeeded.push((Value::Object(entry), output.value().clone())),
            _ => failed.push(Value::Object(entry)),
        }
    }
    let pending: Vec<Value> = pending
        .iter()
        .map(|input| {
            json!({
                "Input": json_text(input),
                "InputDetails": {"Included": true},
                "Status": "PENDING",
            })
        })
        .collect();
    // WriterConfig: NONE keeps each child's metadata; COMPACT keeps only the outputs, FLATTEN
    // also flattens array outputs one level. OutputType JSONL writes one entry per line.
    let succeeded: Vec<Value> = match plan.transformation.as_deref() {
        Some("COMPACT") => succeeded.into_iter().map(|(_, output)| output).collect(),
        Some("FLATTEN") => {
            let mut flat = Vec::new();
            for (_, output) in succeeded {
                match output {
                    Value::Array(items) => flat.extend(items),
                    other => flat.push(other),
                }
            }
            flat
        }
        _ => succeeded.into_iter().map(|(entry, _)| entry).collect(),
    };
    let extension = if plan.jsonl { "jsonl" } else { "json" };
    let mut files = Vec::new();
    let mut listed = serde_json::Map::new();
    for (status, entries) in [("FAILED", failed), ("PENDING", pending), ("SUCCEEDED", succeeded)] {
        let mut keys = Vec::new();
        if !entries.is_empty() {
            let key = format!("{dir}/{status}_0.{extension}");
            let contents = if plan.jsonl {
                let mut text = String::new();
                for e in &entries {
                    text.push_str(&json_text(e));
                    text.push('\n');
                }
                text
            } else {
                json_text(&Value::Array(entries))
            };
            keys.push(json!({"Key": key, "Size": contents.len()}));
            files.push(ResultFile { uri: format!("s3://{bucket}/{key}"), contents });
        }
        listed.insert(status.into(), Value::Array(keys));
    }
    let manifest = json!({
        "DestinationBucket": bucket,
        "MapRunArn": map_run_arn,
        "ResultFiles": Value::Object(listed),
    });
    files.push(ResultFile {
        uri: format!("s3://{bucket}/{dir}/manifest.json"),
        contents: json_text(&manifest),
    });
    files
}

/// A child execution's name: a UUID derived from the map run and the item index (AWS names
/// child executions with UUIDs; deriving it keeps runs reproducible without drawing from the
/// execution's random source).
fn child_name(map_run_arn: &str, index: usize) -> String {
    let h = crate::tasks::submitted::md5_hex(&format!("{map_run_arn}#{index}"));
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or_default();
    format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32))
}
