//! What only a Distributed Map does: its map run (ARN and events), its `ItemReader` (answered
//! by the mock configuration), `ItemBatcher` and `ResultWriter`.

use serde_json::{json, Value};

use crate::definition::{MapInnerFields, State};
use crate::errors::{names, StatesError};
use crate::history::Event;
use crate::jsonpath::{Path, Scope};
use crate::runner::frame::{FrameId, PendingItems, ResultWriterPlan};
use crate::runner::io::{self, int_like};
use crate::runner::Execution;
use crate::tasks::Outcome;

/// What a Distributed Map's `ResultWriter` (with its `Parameters` / `Arguments` resolved)
/// asks for.
pub(in crate::runner) fn result_writer_plan(writer: &Value) -> ResultWriterPlan {
    let params = writer.get("Parameters").or_else(|| writer.get("Arguments"));
    let text = |key: &str| params.and_then(|p| p.get(key)).and_then(Value::as_str);
    let export = match (writer.get("Resource"), text("Bucket")) {
        (Some(_), Some(bucket)) => {
            Some((bucket.to_string(), text("Prefix").unwrap_or_default().to_string()))
        }
        _ => None,
    };
    let transformation =
        writer.get("WriterConfig").and_then(|c| c.get("Transformation")).and_then(Value::as_str);
    ResultWriterPlan { export, flatten: transformation == Some("FLATTEN") }
}

/// The Map state's result under a `ResultWriter`: exported results are replaced by where they
/// went (`{MapRunArn, ResultWriterDetails: {Bucket, Key}}`, the key being
/// `<Prefix>/<map run id>/manifest.json`), as AWS's output shows; kept results are flattened
/// when the writer says `FLATTEN`.
pub(in crate::runner) fn written_results(
    plan: &ResultWriterPlan,
    map_run_arn: &str,
    results: Vec<Value>,
) -> Value {
    if let Some((bucket, prefix)) = &plan.export {
        let run_id = map_run_arn.rsplit(':').next().unwrap_or_default();
        let key = if prefix.is_empty() {
            format!("{run_id}/manifest.json")
        } else {
            format!("{}/{run_id}/manifest.json", prefix.trim_end_matches('/'))
        };
        return json!({
            "MapRunArn": map_run_arn,
            "ResultWriterDetails": {"Bucket": bucket, "Key": key},
        });
    }
    if plan.flatten {
        let mut flat = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Value::Array(items) => flat.extend(items),
                other => flat.push(other),
            }
        }
        return Value::Array(flat);
    }
    Value::Array(results)
}

/// The ARN of a Distributed Map's map run.
pub(in crate::runner) fn map_run_arn(exec: &mut Execution, state: &str) -> String {
    let machine = exec.config.state_machine_arn().replace(":stateMachine:", ":mapRun:");
    format!("{machine}/{state}:{}", exec.random.uuid_v4())
}

/// A Distributed Map whose reader fails still starts (length 0) and records the map run's
/// failure, as AWS does; the error then goes through the state's Retry / Catch.
pub(in crate::runner) fn reader_failed(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    read: Result<Value, StatesError>,
) -> Result<Value, StatesError> {
    let e = match read {
        Ok(items) => return Ok(items),
        Err(e) => e,
    };
    if exec.frames[fid].at_distributed_map() {
        exec.emit(fid, Event::MapStateStarted { length: 0 });
        let map_run_arn = map_run_arn(exec, &state.name);
        exec.emit(fid, Event::MapRunStarted { map_run_arn });
        exec.emit(fid, Event::MapRunFailed(Some((e.error.clone(), e.cause.clone()))));
        exec.emit(fid, Event::MapStateFailed);
    }
    Err(e)
}

/// `ItemBatcher`: groups iteration inputs into `{"Items": [...], "BatchInput": ...}` of at most
/// `MaxItemsPerBatch` items (default: all in one batch).
pub(in crate::runner) fn batch_items(
    pending: PendingItems,
    batcher: &Value,
    inner: &MapInnerFields,
    scope: &Scope,
) -> Result<PendingItems, StatesError> {
    let max = match (batcher.get("MaxItemsPerBatch"), &inner.batcher_max_items) {
        (Some(v), _) => v.as_u64(),
        (None, Some(p)) => io::select(scope, p)?.and_then(|v| v.as_u64()),
        _ => None,
    }
    .filter(|n| *n > 0)
    .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    // JSONPath: the compiled `BatchInput`; JSONata: the value `ItemBatcher` evaluated to.
    let batch_input = match (&inner.batch_input, batcher.get("BatchInput")) {
        (Some(t), _) => Some(t.resolve_jsonpath(scope, &mut crate::random::Random::new(0))?),
        (None, Some(v)) => Some(v.clone()),
        (None, None) => None,
    };
    let items: Vec<Value> = pending.into_iter().map(|(_, (input, _))| input).collect();
    let mut out = std::collections::VecDeque::new();
    for (index, chunk) in items.chunks(max.min(items.len().max(1))).enumerate() {
        let mut batch = serde_json::Map::new();
        if let Some(b) = &batch_input {
            batch.insert("BatchInput".into(), b.clone());
        }
        batch.insert("Items".into(), Value::Array(chunk.to_vec()));
        out.push_back((index, (Value::Object(batch), None)));
    }
    Ok(out)
}

/// Items of a Map state's `ItemReader`: the mock configuration answers for the Map state itself
/// (as the conformance recordings do for S3 reads) with `{"Body": "<object text>"}`, which is
/// parsed per `ReaderConfig` (`InputType` JSON or CSV, `MaxItems` / `MaxItemsPath`).
pub(in crate::runner) fn item_reader_items(
    exec: &mut Execution,
    state: &str,
    reader: &Value,
    max_items_path: Option<&Path>,
    scope: &Scope,
) -> Result<Value, StatesError> {
    let failed = |m: &str| StatesError::new(names::ITEM_READER_FAILED, m.to_string());
    let answer = exec.test_case.as_ref().and_then(|tc| tc.answer(state, 0));
    let body = match answer {
        Some(Ok(Outcome::Success(v))) => v.get("Body").cloned().unwrap_or(v),
        Some(Ok(Outcome::Failure(e))) => return Err(e),
        Some(Err(m)) => return Err(failed(&m)),
        None => {
            return Err(failed(&format!(
                "Stepwise has no items for the ItemReader of state '{state}': mock the Map state '{state}' in the mock configuration with a Return of {{\"Body\": \"<the object's text>\"}}"
            )))
        }
    };
    let config = reader.get("ReaderConfig").cloned().unwrap_or(Value::Null);
    let max_items = match (config.get("MaxItems"), max_items_path) {
        (Some(v), _) => v.as_u64(),
        (None, Some(p)) => {
            io::select(scope, p)?.and_then(|v| int_like(&v)).and_then(|n| u64::try_from(n).ok())
        }
        _ => None,
    }
    .filter(|n| *n > 0)
    .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let items = match config.get("InputType").and_then(Value::as_str) {
        Some("CSV") => {
            let text = body.as_str().unwrap_or_default();
            crate::tasks::csv::items(text, &config).map_err(|m| failed(&m))?
        }
        _ => {
            let parsed = match body {
                Value::String(text) => serde_json::from_str(&text)
                    .map_err(|_| failed("Attempting to map over non-iterable node."))?,
                other => other,
            };
            match parsed {
                Value::Array(items) => items,
                _ => return Err(failed("Attempting to map over non-iterable node.")),
            }
        }
    };
    Ok(Value::Array(items.into_iter().take(max_items).collect()))
}
