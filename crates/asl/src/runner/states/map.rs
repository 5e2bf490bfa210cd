//! Map (inline and the shared part of distributed): items from `ItemsPath` / `Items` or an
//! `ItemReader`, `ItemSelector`, `ItemBatcher`, `MaxConcurrency` and tolerated failures; one
//! child frame per iteration.

use serde_json::{json, Value};

use crate::definition::{MapMode, NumberSpec, PathSpec, State, StateKind};
use crate::errors::StatesError;
use crate::history::{json_text, Event};
use crate::jsonpath::Scope;
use crate::runner::children::new_child;
use crate::runner::flow::current;
use crate::runner::frame::{Children, FrameId, Phase, Role};
use crate::runner::io::{self, display_plain, int_like};
use crate::runner::lang::{eval, eval_typed, is_jsonata, query_error, states_value, var_lookup};
use crate::runner::retry_catch::complete_body;
use crate::runner::states::distributed_map::{
    self, batch_items, item_reader_items, map_run_arn, reader_failed, resolve_reader,
    result_writer_plan,
};
use crate::runner::Execution;
use crate::template::Template;

/// The most bytes (approximate compact JSON) the `ItemSelector` results of one Map state may
/// add up to: they are all built when the state starts, so an `ItemSelector` copying a large
/// input into each of many items would otherwise exhaust memory (decision 0010).
pub const MAX_SELECTED_BYTES: usize = 64 * 1_048_576;

/// A Map parameter (MaxConcurrency, ToleratedFailure…) given directly, by path (JSONPath) or
/// by expression (JSONata, which must give a number).
pub(in crate::runner) fn map_number(
    exec: &mut Execution,
    fid: FrameId,
    spec: &Option<NumberSpec>,
    field: &str,
    scope: &Scope,
    states: &Value,
) -> Result<Option<Value>, StatesError> {
    match spec {
        None => Ok(None),
        Some(NumberSpec::Literal(v)) => Ok(Some(v.clone())),
        Some(NumberSpec::Path(p)) => {
            let v = io::select(scope, p)?.ok_or_else(|| {
                StatesError::runtime(format!(
                    "The {field}Path field refers to a path that does not exist: {p}"
                ))
            })?;
            Ok(Some(v))
        }
        Some(NumberSpec::Expression(e)) => {
            eval_typed(exec, fid, e, field, states, "number", Value::is_number).map(Some)
        }
    }
}

/// A JSONata Map state's items: `Items` (an expression giving an array, or an array whose
/// elements may hold expressions), else the input, which must be an array.
pub(in crate::runner) fn jsonata_items(
    exec: &mut Execution,
    fid: FrameId,
    items: Option<&Template>,
    input: &Value,
    states: &Value,
) -> Result<Value, StatesError> {
    match items {
        Some(t) if t.source().is_string() => {
            eval_typed(exec, fid, t, "Items", states, "array", Value::is_array)
        }
        Some(t) => eval(exec, fid, t, "Items", states),
        None if input.is_array() => Ok(input.clone()),
        None => {
            let message = format!("Map state input must be an array but was: {}", json_text(input));
            Err(query_error(exec, fid, None, message))
        }
    }
}

pub(in crate::runner) fn start_map(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<(), StatesError> {
    let StateKind::Map(map) = &state.kind else { return Ok(()) };
    let ctx = exec.context(fid);
    let jsonata = is_jsonata(state);
    let states = states_value(input, &ctx, None, None);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective = if jsonata {
        input.clone()
    } else {
        let effective = io::apply_path(&state.input_path, &scope)?;
        exec.record(fid, |t| t.after_input_path = Some(effective.clone()));
        effective
    };
    let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
    let items_value = match &map.item_reader {
        Some(reader) if jsonata => {
            let reader = eval(exec, fid, reader, "ItemReader", &states)?;
            let read = item_reader_items(exec, &state.name, &reader, None, &scope);
            reader_failed(exec, fid, state, read)?
        }
        Some(reader) => {
            let max_items = map.inner.reader_max_items.as_ref();
            let read = resolve_reader(exec, reader, &scope)
                .and_then(|r| item_reader_items(exec, &state.name, &r, max_items, &scope));
            reader_failed(exec, fid, state, read)?
        }
        None if jsonata => jsonata_items(exec, fid, map.items.as_ref(), input, &states)?,
        None => match &map.items_path {
            PathSpec::Path(p) if p != "$" => {
                io::apply_path(&map.items_path, &scope).map_err(|_| {
                    StatesError::runtime(format!("Invalid path '{p}' : No results for path: {p}"))
                })?
            }
            _ => effective.clone(),
        },
    };
    if !jsonata && map.item_reader.is_none() {
        exec.record(fid, |t| t.after_items_path = Some(items_value.clone()));
    }
    let Value::Array(items) = items_value else {
        return Err(StatesError::runtime(format!(
            "Item path {} evaluated to a non-array value: {}",
            match &map.items_path {
                PathSpec::Path(p) => p.as_str(),
                _ => "$",
            },
            json_text(&items_value)
        )));
    };
    let max_concurrency =
        match map_number(exec, fid, &map.max_concurrency, "MaxConcurrency", &scope, &states)? {
            None => 0,
            Some(v) => match whole_count(&v) {
                Some(n) => {
                    crate::validate::run_guardrails::note_max_concurrency(exec, fid, n);
                    usize::try_from(n).unwrap_or(usize::MAX)
                }
                None => match int_like(&v) {
                    Some(n) if n < 0 => {
                        return Err(StatesError::runtime(format!(
                            "Expected non-negative integer for MaxConcurrency, got '{n}' instead."
                        )))
                    }
                    _ => {
                        return Err(not_valid(
                            "MaxConcurrency",
                            &v,
                            &map.max_concurrency,
                            "integer",
                        ))
                    }
                },
            },
        };
    let tolerated = (|| -> Result<(Option<u64>, Option<f64>), StatesError> {
        let tolerated_count = match map_number(
            exec,
            fid,
            &map.tolerated_failure_count,
            "ToleratedFailureCount",
            &scope,
            &states,
        )? {
            None => None,
            Some(v) => match whole_count(&v) {
                Some(n) => Some(n),
                None => match int_like(&v) {
                    Some(n) if n < 0 => {
                        return Err(StatesError::runtime(
                            "ToleratedFailureCount cannot be negative.",
                        ))
                    }
                    _ => {
                        let spec = &map.tolerated_failure_count;
                        return Err(not_valid("ToleratedFailureCount", &v, spec, "integer"));
                    }
                },
            },
        };
        let tolerated_percentage = match map_number(
            exec,
            fid,
            &map.tolerated_failure_percentage,
            "ToleratedFailurePercentage",
            &scope,
            &states,
        )? {
            None => None,
            Some(v) => {
                match v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())) {
                    Some(p) if (0.0..=100.0).contains(&p) => Some(p),
                    None => {
                        let spec = &map.tolerated_failure_percentage;
                        return Err(not_valid("ToleratedFailurePercentage", &v, spec, "float"));
                    }
                    Some(_) => {
                        return Err(StatesError::runtime(
                            "ToleratedFailurePercentage must be between 0 and 100.",
                        ))
                    }
                }
            }
        };
        Ok((tolerated_count, tolerated_percentage))
    })();
    // Iteration inputs (ItemSelector sees the item through $$.Map.Item).
    // One copy of `$$` for all items (it may hold a large execution input); only its `Map`
    // member changes from item to item.
    let mut pending = std::collections::VecDeque::with_capacity(items.len());
    let mut selected_bytes: usize = 0;
    let mut item_ctx = if map.item_selector.is_some() { ctx.clone() } else { Value::Null };
    let mut item_states = if map.item_selector.is_some() && jsonata {
        states_value(&effective, &ctx, None, None)
    } else {
        Value::Null
    };
    for (index, item) in items.into_iter().enumerate() {
        let (iteration_input, item) = match &map.item_selector {
            Some(sel) => {
                let map_item = json!({"Item": {"Index": index, "Value": &item}});
                let selected = if jsonata {
                    item_states["context"]["Map"] = map_item;
                    eval(exec, fid, sel, "ItemSelector", &item_states)?
                } else {
                    item_ctx["Map"] = map_item;
                    let ctx: &Value = &item_ctx;
                    let scope = Scope { input: &effective, context: ctx, variables: Some(&lookup) };
                    io::template(sel, &scope, &mut exec.random)?
                };
                selected_bytes = selected_bytes.saturating_add(
                    crate::template::budget::approximate_bytes(&selected, MAX_SELECTED_BYTES),
                );
                if selected_bytes > MAX_SELECTED_BYTES {
                    return Err(StatesError::new(
                        crate::errors::names::DATA_LIMIT_EXCEEDED,
                        format!(
                            "The iteration inputs ItemSelector built for the Map state '{}' \
                             exceed Stepwise's limit of {MAX_SELECTED_BYTES} bytes per Map \
                             state.",
                            state.name
                        ),
                    ));
                }
                (selected, Some(item))
            }
            None => (item, None),
        };
        pending.push_back((index, (iteration_input, item)));
    }
    // Every listed iteration counts as engine work (a runaway fan-out is stopped before it
    // has listed more items than the step ceiling).
    exec.charge_steps(pending.len());
    if map.item_selector.is_some() && exec.traced(fid) {
        let selected: Vec<Value> = pending.iter().map(|(_, (input, _))| input.clone()).collect();
        exec.record(fid, |t| t.after_item_selector = Some(Value::Array(selected)));
    }
    if let Some(batcher) = &map.item_batcher {
        let batcher = if jsonata {
            eval(exec, fid, batcher, "ItemBatcher", &states)?
        } else {
            batcher.source().clone()
        };
        pending = batch_items(pending, &batcher, &map.inner, &scope)?;
    }
    if map.item_batcher.is_some() && exec.traced(fid) {
        let batched: Vec<Value> = pending.iter().map(|(_, (input, _))| input.clone()).collect();
        exec.record(fid, |t| t.after_item_batcher = Some(Value::Array(batched)));
    }
    let count = pending.len();
    let distributed = map.mode == MapMode::Distributed;
    let result_writer = match &map.result_writer {
        Some(writer) if distributed => {
            let writer = if jsonata {
                eval(exec, fid, writer, "ResultWriter", &states)?
            } else {
                let writer = writer.source();
                let params = match &map.inner.writer_parameters {
                    Some(t) => Some(t.resolve_jsonpath(&scope, &mut exec.random)?),
                    None => None,
                };
                let mut resolved = writer.clone();
                if let (Some(p), Some(obj)) = (params, resolved.as_object_mut()) {
                    obj.insert("Parameters".into(), p);
                }
                resolved
            };
            Some(result_writer_plan(&writer))
        }
        _ => None,
    };
    if let Some(answer) = exec.one_state_answer(fid) {
        // TestState's mock answers for the iterations, once the Map's own fields are known.
        let (tolerated_count, tolerated_percentage) = tolerated?;
        exec.record(fid, |t| {
            t.max_concurrency = Some(u64::try_from(max_concurrency).unwrap_or(u64::MAX));
            t.tolerated_failure_count = tolerated_count;
            t.tolerated_failure_percentage = tolerated_percentage;
        });
        let answer =
            exec.one_state_map_outcome(answer, count, tolerated_count, tolerated_percentage);
        complete_body(exec, fid, state, answer);
        return Ok(());
    }
    exec.emit(fid, Event::MapStateStarted { length: count });
    // AWS checks the tolerated-failure settings after MapStateStarted (recorded).
    let (tolerated_count, tolerated_percentage) = tolerated?;
    let mut run_arn = None;
    if distributed {
        let arn = map_run_arn(exec, &state.name);
        exec.emit(fid, Event::MapRunStarted { map_run_arn: arn.clone() });
        run_arn = Some(arn);
    }
    if exec.frames[fid].phase_is_done() {
        return Ok(());
    }
    exec.frames[fid].children = Some(Children {
        results: vec![None; count],
        total: count,
        pending,
        max_concurrency,
        tolerated_count,
        tolerated_percentage,
        map_run_arn: run_arn,
        result_log: distributed_map::result_log(result_writer.as_ref()),
        result_writer,
        ..Children::default()
    });
    exec.frames[fid].phase = Phase::Children;
    exec.schedule(fid, exec.clock);
    Ok(())
}

pub(in crate::runner) fn start_iteration(
    exec: &mut Execution,
    fid: FrameId,
    index: usize,
    input: Value,
    item: Option<Value>,
) {
    let item = item.unwrap_or_else(|| input.clone());
    let (program, name) = current(exec, fid);
    let Some(StateKind::Map(map)) = program.state_at(exec.frames[fid].index).map(|s| &s.kind)
    else {
        return;
    };
    if map.mode != MapMode::Distributed {
        exec.emit(fid, Event::MapIterationStarted { index, name: name.clone() });
    }
    if exec.frames[fid].phase_is_done() {
        return;
    }
    distributed_map::log_started(exec, fid, index, &input);
    new_child(
        exec,
        fid,
        map.processor.clone(),
        input.into(),
        Role::Iteration { parent: fid, index },
        Some((index, item)),
    );
    if let Some(ch) = exec.frames[fid].children.as_mut() {
        ch.running += 1;
    }
}

/// A non-negative [`int_like`], up to `u64::MAX` (a JSON integer past `i64::MAX` included).
/// AWS's cause when a `…Path` field selects a value of the wrong kind:
/// `The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid
/// integer: $.ToleratedFailureCount` (a string shown as is, anything else as JSON).
fn not_valid(field: &str, value: &Value, spec: &Option<NumberSpec>, kind: &str) -> StatesError {
    let path = match spec {
        Some(NumberSpec::Path(p)) => p.to_string(),
        _ => String::new(),
    };
    StatesError::runtime(format!(
        "The {field}Path field refers to value \"{}\" which is not a valid {kind}: {path}",
        display_plain(value)
    ))
}

pub(in crate::runner) fn whole_count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| int_like(v).and_then(|n| u64::try_from(n).ok()))
}
