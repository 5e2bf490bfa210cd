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
    let config =
        |key: &str| writer.get("WriterConfig").and_then(|c| c.get(key)).and_then(Value::as_str);
    let transformation = config("Transformation");
    ResultWriterPlan {
        export,
        flatten: transformation == Some("FLATTEN"),
        transformation: transformation.map(str::to_string),
        jsonl: config("OutputType") == Some("JSONL"),
    }
}

/// Starts keeping the child executions' records when the map run's results are exported.
pub(in crate::runner) fn result_log(
    plan: Option<&ResultWriterPlan>,
) -> Option<Box<crate::runner::result_files::ResultLog>> {
    plan.filter(|p| p.export.is_some()).map(|_| Box::default())
}

/// Records that iteration `index` of Distributed Map `fid` starts with `input` (for its
/// `ResultWriter` files).
pub(in crate::runner) fn log_started(
    exec: &mut Execution,
    fid: FrameId,
    index: usize,
    input: &Value,
) {
    let now = exec.clock;
    if let Some(log) = exec.frames[fid].children.as_mut().and_then(|c| c.result_log.as_mut()) {
        log.started(index, input, now);
    }
}

/// Records how iteration `index` of Distributed Map `fid` ended.
pub(in crate::runner) fn log_finished(
    exec: &mut Execution,
    fid: FrameId,
    index: usize,
    result: &Result<crate::history::Payload, crate::runner::frame::Failure>,
) {
    let now = exec.clock;
    if let Some(log) = exec.frames[fid].children.as_mut().and_then(|c| c.result_log.as_mut()) {
        log.finished(index, result, now);
    }
}

/// Writes the `ResultWriter` files of Distributed Map `fid`'s map run, which has ended
/// (succeeded, or failed: the items not started go to `PENDING`).
pub(in crate::runner) fn write_result_files(exec: &mut Execution, fid: FrameId) {
    let now = exec.clock;
    let Some(ch) = exec.frames[fid].children.as_mut() else { return };
    let Some(log) = ch.result_log.take() else { return };
    let (Some(plan), Some(arn)) = (&ch.result_writer, &ch.map_run_arn) else { return };
    let pending: Vec<Value> = ch.pending.iter().map(|(_, (input, _))| input.clone()).collect();
    let files = crate::runner::result_files::build(plan, arn, &log, &pending, now);
    exec.result_files.extend(files);
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

/// A JSONPath `ItemReader` with its `Parameters` resolved against the state's effective
/// input (`"Bucket.$": "$.bucket"`); the rest is kept as written.
pub(in crate::runner) fn resolve_reader(
    exec: &mut Execution,
    reader: &crate::template::Template,
    scope: &Scope,
) -> Result<Value, StatesError> {
    // The whole field is compiled as one JSONPath template (decision 0007): only the
    // `….$` keys of its `Parameters` evaluate.
    reader.resolve_jsonpath(scope, &mut exec.random)
}

/// Items of a Map state's `ItemReader` (`tasks::item_reader`, decision 0019). The mock
/// configuration answers the object the reader names when it mocks the Map state itself
/// (as the conformance recordings do for S3 reads: `{"Body": "<object text>"}`, or a
/// ListObjectsV2 response); every other object comes from its `S3Objects`. Then
/// `MaxItems` / `MaxItemsPath` apply.
pub(in crate::runner) fn item_reader_items(
    exec: &mut Execution,
    state: &str,
    reader: &Value,
    max_items_path: Option<&Path>,
    scope: &Scope,
) -> Result<Value, StatesError> {
    let failed = |m: String| StatesError::new(names::ITEM_READER_FAILED, m);
    let answer = match exec.test_case.as_ref().and_then(|tc| tc.answer(state, 0)) {
        Some(Ok(Outcome::Success(v))) => Some(v),
        Some(Ok(Outcome::Failure(e))) => return Err(e),
        Some(Err(m)) => return Err(failed(m)),
        None => None,
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
    let parameters = reader
        .get("Parameters")
        .or_else(|| reader.get("Arguments"))
        .cloned()
        .unwrap_or(Value::Null);
    let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or_default();
    let empty = crate::tasks::s3_objects::S3Objects::default();
    let objects = exec.config.mock_config.as_ref().map_or(&empty, |m| &m.s3_objects);
    let read =
        crate::tasks::item_reader::Reader { resource, parameters: &parameters, config: &config };
    let sources = crate::tasks::item_reader::Sources {
        answer,
        objects,
        now_ms: exec.config.start_time_ms,
        state,
    };
    let mut items = crate::tasks::item_reader::read_items(&read, sources).map_err(failed)?;
    items.truncate(max_items);
    Ok(Value::Array(items))
}
