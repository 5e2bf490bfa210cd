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
    // Each entry is serialized as soon as it is built: a map run of 100,000 items writes
    // tens of MB, which a tree of every entry would multiply several times.
    let mut succeeded = FileText::new(plan.jsonl);
    // About 500 bytes of metadata per entry, plus its input and output: reserving once keeps
    // a large map run from growing (and copying) its text many times.
    succeeded.text.reserve(log.children.len().saturating_mul(512));
    let mut failed = FileText::new(plan.jsonl);
    let mut pending_file = FileText::new(plan.jsonl);
    for (index, record) in log.children.iter().enumerate() {
        let Some(record) = record else { continue };
        let output = match &record.end {
            Some((_, Ok(output))) => Some(output),
            _ => None,
        };
        // WriterConfig: NONE (the default when exporting) keeps each child's metadata;
        // COMPACT keeps only the outputs, FLATTEN also flattens array outputs one level.
        match (output, plan.transformation.as_deref()) {
            (Some(output), Some("COMPACT")) => {
                succeeded.push(output.text());
                continue;
            }
            (Some(output), Some("FLATTEN")) => {
                match output.value() {
                    Value::Array(items) => {
                        for item in items {
                            succeeded.push(&json_text(item));
                        }
                    }
                    _ => succeeded.push(output.text()),
                }
                continue;
            }
            _ => {}
        }
        let name = child_name(map_run_arn, index);
        let (stop_ms, status) = match &record.end {
            Some((at, Ok(_))) => (*at, "SUCCEEDED"),
            Some((at, Err(_))) => (*at, "FAILED"),
            None => (now_ms, "ABORTED"),
        };
        let file = if output.is_some() { &mut succeeded } else { &mut failed };
        let mut entry = file.entry();
        if let Some((_, Err(f))) = &record.end {
            entry.opt_str("Cause", f.cause.as_deref());
            entry.opt_str("Error", f.error.as_deref());
        }
        entry.str("ExecutionArn", &format!("{execution_base}:{name}"));
        entry.str("Input", &json_text(&record.input));
        entry.raw("InputDetails", r#"{"Included":true}"#);
        entry.str("Name", &name);
        if let Some(output) = output {
            entry.str("Output", output.text());
            entry.raw("OutputDetails", r#"{"Included":true}"#);
        }
        entry.raw("RedriveCount", "0");
        entry.str(
            "RedriveStatus",
            if status == "SUCCEEDED" { "NOT_REDRIVABLE" } else { "REDRIVABLE" },
        );
        entry.str("StartDate", &crate::time::format_millis(record.start_ms));
        entry.str("StateMachineArn", &state_machine_arn);
        entry.str("Status", status);
        entry.str("StopDate", &crate::time::format_millis(stop_ms));
        entry.end();
    }
    for input in pending {
        let entry = json!({
            "Input": json_text(input),
            "InputDetails": {"Included": true},
            "Status": "PENDING",
        });
        pending_file.push(&json_text(&entry));
    }
    let extension = if plan.jsonl { "jsonl" } else { "json" };
    let mut files = Vec::new();
    let mut listed = serde_json::Map::new();
    for (status, file) in [("FAILED", failed), ("PENDING", pending_file), ("SUCCEEDED", succeeded)]
    {
        let mut keys = Vec::new();
        if let Some(contents) = file.finish() {
            let key = format!("{dir}/{status}_0.{extension}");
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

/// One result file's text, built entry by entry: a JSON array, or JSON Lines. Entries are
/// written straight into the text (no JSON tree per entry: building and freeing 100,000 small
/// maps cost more than the rest of the map run).
struct FileText {
    jsonl: bool,
    text: Vec<u8>,
    entries: usize,
}

impl FileText {
    fn new(jsonl: bool) -> FileText {
        FileText { jsonl, text: Vec::new(), entries: 0 }
    }

    fn separator(&mut self) {
        if !self.jsonl {
            self.text.push(if self.entries == 0 { b'[' } else { b',' });
        }
        self.entries += 1;
    }

    /// Appends one entry given as compact JSON text.
    fn push(&mut self, entry: &str) {
        self.separator();
        self.text.extend_from_slice(entry.as_bytes());
        if self.jsonl {
            self.text.push(b'\n');
        }
    }

    /// Starts an object entry; its fields are written in the order given.
    fn entry(&mut self) -> EntryWriter<'_> {
        self.separator();
        self.text.push(b'{');
        EntryWriter { file: self, fields: 0 }
    }

    /// The file's text, `None` when it has no entry (no file is written).
    fn finish(mut self) -> Option<String> {
        if self.entries == 0 {
            return None;
        }
        if !self.jsonl {
            self.text.push(b']');
        }
        // Only UTF-8 text and JSON escapes were written.
        Some(
            String::from_utf8(self.text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }
}

/// Writes one `{…}` entry of a [`FileText`].
struct EntryWriter<'a> {
    file: &'a mut FileText,
    fields: usize,
}

impl EntryWriter<'_> {
    fn key(&mut self, key: &str) {
        if self.fields > 0 {
            self.file.text.push(b',');
        }
        self.fields += 1;
        self.file.text.push(b'"');
        self.file.text.extend_from_slice(key.as_bytes());
        self.file.text.extend_from_slice(b"\":");
    }

    /// A string field, escaped as JSON.
    fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        // Writing a `&str` into a `Vec<u8>` cannot fail.
        let _ = serde_json::to_writer(&mut self.file.text, value);
    }

    /// A string field, or `null`.
    fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// A field whose value is already JSON text.
    fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.file.text.extend_from_slice(json.as_bytes());
    }

    fn end(self) {
        self.file.text.push(b'}');
        if self.file.jsonl {
            self.file.text.push(b'\n');
        }
    }
}

/// A child execution's name: a UUID-shaped name derived from the map run and the item index
/// (AWS names child executions with UUIDs; deriving it keeps runs reproducible without drawing
/// from the execution's random source). SplitMix64 of an FNV-1a hash of the ARN and the index.
fn child_name(map_run_arn: &str, index: usize) -> String {
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    for b in map_run_arn.bytes() {
        seed = (seed ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mix = |x: u64| {
        let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let a = mix(seed ^ index as u64);
    let b = mix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::child_name;

    #[test]
    fn child_names_are_uuid_shaped_distinct_and_reproducible() {
        let arn = "arn:aws:states:us-east-1:1:mapRun:M/Map:run";
        let a = child_name(arn, 0);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_eq!(a, child_name(arn, 0));
        assert_ne!(a, child_name(arn, 1));
    }
}
