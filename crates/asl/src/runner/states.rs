//! What each state type does when its frame is woken, and the Retry / Catch machinery.

use std::sync::Arc;

use serde_json::{json, Value};

use super::io::{self, located};
use super::lang::{
    eval, eval_typed, is_jsonata, prepare_assign, query_error, states_value, var_lookup,
};
use super::{
    Children, Execution, Failure, Frame, FrameId, PendingItems, Phase, Role, MAX_PAYLOAD_BYTES,
};
use crate::definition::{
    ChoiceCondition, Jitter, MapMode, NumberSpec, PathSpec, Program, State, StateKind, TextSpec,
    TimestampSpec, Transition, Wait,
};
use crate::errors::{error_equals_matches, names, StatesError};
use crate::history::{json_text, Event, Payload, TaskFamily};
use crate::jsonpath::{Path, Scope, VariableLookup};
use crate::tasks::{self, mock_api, Outcome, Pattern, ResourceKind};
use crate::template::{resolve_template, Template};

/// Advances frame `fid` by one scheduler step.
pub(super) fn advance(exec: &mut Execution, fid: FrameId) {
    let Some(frame) = exec.frames.get(fid) else { return };
    match frame.phase {
        Phase::Enter => enter(exec, fid),
        Phase::Invoke => rerun(exec, fid),
        Phase::WaitOver => {
            let output = std::mem::take(&mut exec.frames[fid].effective);
            leave(exec, fid, output, None);
        }
        Phase::Children => children_progress(exec, fid),
        Phase::Callback => super::callbacks::wake(exec, fid),
        Phase::Done => {}
    }
}

/// The current state of a frame (programs are shared, so this borrows nothing from `exec`).
fn current(exec: &Execution, fid: FrameId) -> (Arc<Program>, Arc<str>) {
    let f = &exec.frames[fid];
    (f.program.clone(), f.state.clone())
}

fn enter(exec: &mut Execution, fid: FrameId) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state(&name) else {
        let e = StatesError::runtime(format!("State '{name}' does not exist"));
        finish(exec, fid, Err(e.into()));
        return;
    };
    let input = exec.frames[fid].input.clone();
    {
        let f = &mut exec.frames[fid];
        f.retry_counts = vec![0; state.retry.len()];
        f.retry_total = 0;
        f.entered_ms = exec.clock;
        f.pending_assign = None;
        f.failed_field = None;
    }
    let entered = Event::StateEntered {
        state_type: state.state_type(),
        name: state.name.clone(),
        input: input.clone(),
    };
    let id = exec.emit(fid, entered);
    exec.frames[fid].entered_event = id;
    if exec.frames[fid].phase_is_done() {
        return;
    }
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let jsonata = is_jsonata(state);
    let result = match &state.kind {
        StateKind::Pass { result } if jsonata => {
            let _ = result;
            simple_jsonata(exec, fid, state, &input).map(|out| leave(exec, fid, out, None))
        }
        StateKind::Pass { result } => pass(exec, fid, state, result.as_ref(), &input),
        StateKind::Succeed if jsonata => {
            simple_jsonata(exec, fid, state, &input).map(|out| leave(exec, fid, out, None))
        }
        StateKind::Succeed => {
            let ctx = exec.context(fid);
            simple_io(state, &input, &ctx, &lookup).map(|out| {
                leave(exec, fid, out, None);
            })
        }
        StateKind::Fail(fail) => {
            let ctx = exec.context(fid);
            let states = states_value(&input, &ctx, None, None);
            let scope = Scope { input: &input, context: &ctx, variables: Some(&lookup) };
            let text = |spec: &Option<TextSpec>, field: &str, exec: &mut Execution| match spec {
                None => Ok(None),
                Some(TextSpec::Literal(s)) => Ok(Some(s.clone())),
                Some(TextSpec::Path(p)) => fail_path(p, field, &scope, exec).map(Some),
                Some(TextSpec::Expression(e)) => {
                    let v = eval_typed(exec, fid, e, field, &states, "string", |v| v.is_string())?;
                    Ok(Some(display_plain(&v)))
                }
            };
            let (error_field, cause_field) =
                if jsonata { ("Error", "Cause") } else { ("ErrorPath", "CausePath") };
            match text(&fail.error, error_field, exec) {
                Err(e) => Err(e),
                Ok(error) => match text(&fail.cause, cause_field, exec) {
                    Err(e) => Err(e),
                    Ok(cause) => {
                        finish(exec, fid, Err(Failure { error, cause }));
                        Ok(())
                    }
                },
            }
        }
        StateKind::Choice(choice) if jsonata => choice_jsonata(exec, fid, state, choice, &input),
        StateKind::Choice(choice) => {
            let ctx = exec.context(fid);
            let chosen = (|| {
                let scope = Scope { input: &input, context: &ctx, variables: Some(&lookup) };
                let effective = io::apply_path(&state.input_path, &scope)?;
                let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
                let mut next = None;
                for branch in &choice.choices {
                    let matched = match &branch.rule {
                        ChoiceCondition::Rule(rule) => {
                            crate::choice::evaluate(rule, &mut |p| io::select(&scope, p))?
                        }
                        ChoiceCondition::Condition(t) => *t.source() == Value::Bool(true),
                    };
                    if matched {
                        next = Some((branch.next.clone(), branch.assign.as_ref()));
                        break;
                    }
                }
                let (next, assign) = match next {
                    Some(n) => n,
                    None => match &choice.default {
                        Some(d) => (d.clone(), state.assign.as_ref()),
                        None => {
                            return Err(StatesError::new(
                                names::NO_CHOICE_MATCHED,
                                "No Matching Rule in Choice State".to_string(),
                            ))
                        }
                    },
                };
                let out = io::apply_path(&state.output_path, &scope)?;
                Ok((out, next, assign, effective))
            })();
            chosen.and_then(|(out, next, assign, effective)| {
                prepare_assign(exec, fid, assign, false, &effective, &json!({"context": ctx}))?;
                leave(exec, fid, out, Some(next));
                Ok(())
            })
        }
        StateKind::Wait(wait) => {
            let ctx = exec.context(fid);
            wait_until(exec, fid, state, wait, &input, &ctx, &lookup).map(|(until, out)| {
                let f = &mut exec.frames[fid];
                f.effective = out;
                f.phase = Phase::WaitOver;
                exec.schedule(fid, until);
            })
        }
        StateKind::Task(_) => prepare_task(exec, fid, state, &input),
        StateKind::Parallel { branches } => start_parallel(exec, fid, state, branches, &input),
        StateKind::Map(_) => start_map(exec, fid, state, &input),
    };
    if let Err(e) = result {
        state_error(exec, fid, e, false);
    }
}

/// A JSONata Pass or Succeed state: `Assign`, then `Output` (absent: the input).
fn simple_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<Value, StatesError> {
    let ctx = exec.context(fid);
    let states = states_value(input, &ctx, None, None);
    prepare_assign(exec, fid, state.assign.as_ref(), true, input, &states)?;
    match &state.output {
        Some(o) => eval(exec, fid, o, "Output", &states),
        None => Ok(input.clone()),
    }
}

/// A JSONata Choice state: the first rule whose `Condition` is true (or the Default), with
/// that rule's `Assign` / `Output` (the state's own for the Default; absent Output: the input).
fn choice_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    choice: &crate::definition::ChoiceState,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let states = states_value(input, &ctx, None, None);
    let mut chosen = None;
    for branch in &choice.choices {
        let matched = match &branch.rule {
            ChoiceCondition::Condition(c) => {
                eval_typed(exec, fid, c, "Condition", &states, "boolean", Value::is_boolean)?
                    == Value::Bool(true)
            }
            ChoiceCondition::Rule(rule) => {
                let vars = exec.frames[fid].variables.clone();
                let lookup = var_lookup(&vars);
                let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
                crate::choice::evaluate(rule, &mut |p| io::select(&scope, p))?
            }
        };
        if matched {
            chosen = Some((branch.next.clone(), branch.assign.as_ref(), branch.output.as_ref()));
            break;
        }
    }
    let (next, assign, output) = match chosen {
        Some(c) => c,
        None => match &choice.default {
            Some(d) => (d.clone(), state.assign.as_ref(), state.output.as_ref()),
            None => {
                return Err(StatesError::new(
                    names::NO_CHOICE_MATCHED,
                    "No Matching Rule in Choice State".to_string(),
                ))
            }
        },
    };
    prepare_assign(exec, fid, assign, true, input, &states)?;
    let out = match output {
        Some(o) => eval(exec, fid, o, "Output", &states)?,
        None => input.clone(),
    };
    leave(exec, fid, out, Some(next));
    Ok(())
}

impl Frame {
    fn phase_is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }
}

/// `InputPath` then `OutputPath` (Succeed, and the output of Wait).
fn simple_io(
    state: &State,
    input: &Value,
    ctx: &Value,
    lookup: &VariableLookup,
) -> Result<Value, StatesError> {
    let lookup = |n: &str| lookup(n);
    let scope = Scope { input, context: ctx, variables: Some(&lookup) };
    let effective = io::apply_path(&state.input_path, &scope)?;
    let scope = Scope { input: &effective, context: ctx, variables: Some(&lookup) };
    io::apply_path(&state.output_path, &scope)
}

fn fail_path(
    path: &Path,
    field: &str,
    scope: &Scope,
    exec: &mut Execution,
) -> Result<String, StatesError> {
    if crate::intrinsics::is_intrinsic(path) {
        let call = crate::intrinsics::parse_intrinsic(path)
            .map_err(|e| StatesError::intrinsic(e.message))?;
        let v =
            crate::intrinsics::evaluate_intrinsic_in_field(&call, field, scope, &mut exec.random)?;
        return Ok(match v {
            Value::String(s) => s,
            other => json_text(&other),
        });
    }
    match io::select(scope, path)? {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Ok(json_text(&other)),
        None => Err(StatesError::runtime(format!(
            "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
            json_text(scope.input)
        ))),
    }
}

fn pass(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    result: Option<&Value>,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective = io::apply_path(&state.input_path, &scope)?;
    let result = match (result, &state.parameters) {
        (Some(r), _) => r.clone(),
        (None, Some(p)) => {
            let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
            io::template(p, &scope, &mut exec.random)?
        }
        (None, None) => effective,
    };
    prepare_assign(exec, fid, state.assign.as_ref(), false, &result, &json!({"context": ctx}))?;
    let combined = io::apply_result_path(&state.result_path, input, result)?;
    let scope = Scope { input: &combined, context: &ctx, variables: Some(&lookup) };
    let out = io::apply_path(&state.output_path, &scope)?;
    leave(exec, fid, out, None);
    Ok(())
}

/// A Wait state's wake-up time and output (its `Assign` is prepared for the exit).
fn wait_until(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    wait: &Wait,
    input: &Value,
    ctx: &Value,
    lookup: &VariableLookup,
) -> Result<(i64, Value), StatesError> {
    if is_jsonata(state) {
        return wait_until_jsonata(exec, fid, state, wait, input, ctx);
    }
    let lookup = |n: &str| lookup(n);
    let scope = Scope { input, context: ctx, variables: Some(&lookup) };
    let effective = io::apply_path(&state.input_path, &scope)?;
    let scope = Scope { input: &effective, context: ctx, variables: Some(&lookup) };
    let until = match wait {
        Wait::Seconds(NumberSpec::Literal(v)) => {
            crate::time::after_seconds(exec.clock, v.as_u64().unwrap_or(0))
        }
        Wait::Seconds(NumberSpec::Path(p)) => {
            let v = io::select(&scope, p)?.ok_or_else(|| {
                StatesError::runtime(format!(
                    "The SecondsPath parameter does not reference an input value: {p}"
                ))
            })?;
            match v.as_i64() {
                Some(n) if n < 0 => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {p} == {v}"
                    )))
                }
                Some(n) => crate::time::after_seconds(exec.clock, n.unsigned_abs()),
                None => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {}",
                        display_plain(&v)
                    )))
                }
            }
        }
        Wait::Timestamp(TimestampSpec::Literal(s)) => {
            crate::time::parse_timestamp(s).unwrap_or(exec.clock)
        }
        Wait::Timestamp(TimestampSpec::Path(p)) => {
            let v = io::select(&scope, p)?.ok_or_else(|| {
                StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference an input value: {p}"
                ))
            })?;
            match v.as_str().and_then(crate::time::parse_timestamp) {
                Some(t) => t,
                None => {
                    return Err(StatesError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {}",
                        display_plain(&v)
                    )))
                }
            }
        }
        Wait::Seconds(NumberSpec::Expression(_))
        | Wait::Timestamp(TimestampSpec::Expression(_)) => exec.clock,
    };
    prepare_assign(exec, fid, state.assign.as_ref(), false, &effective, &json!({"context": ctx}))?;
    let out = io::apply_path(&state.output_path, &scope)?;
    Ok((until.max(exec.clock), out))
}

fn wait_until_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    wait: &Wait,
    input: &Value,
    ctx: &Value,
) -> Result<(i64, Value), StatesError> {
    let states = states_value(input, ctx, None, None);
    let until = match wait {
        Wait::Seconds(NumberSpec::Literal(v)) => {
            crate::time::after_seconds(exec.clock, v.as_u64().unwrap_or(0))
        }
        Wait::Seconds(NumberSpec::Expression(e)) => {
            let v = eval_typed(exec, fid, e, "Seconds", &states, "number", |v| v.is_number())?;
            match v.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                    crate::time::after_fractional_seconds(exec.clock, n)
                }
                _ => {
                    let message = format!(
                        "The Seconds field must be a non-negative integer, but was: {}",
                        json_text(&v)
                    );
                    return Err(query_error(exec, fid, Some("Seconds"), message));
                }
            }
        }
        Wait::Timestamp(TimestampSpec::Literal(s)) => {
            crate::time::parse_timestamp(s).unwrap_or(exec.clock)
        }
        // The parser allows no `…Path` fields in JSONata states.
        Wait::Seconds(NumberSpec::Path(_)) | Wait::Timestamp(TimestampSpec::Path(_)) => exec.clock,
        Wait::Timestamp(TimestampSpec::Expression(e)) => {
            let v = eval(exec, fid, e, "Timestamp", &states)?;
            match v.as_str().and_then(crate::time::parse_timestamp) {
                Some(t) => t,
                None => {
                    let message = format!(
                        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                        display_plain(&v)
                    );
                    return Err(query_error(exec, fid, Some("Timestamp"), message));
                }
            }
        }
    };
    prepare_assign(exec, fid, state.assign.as_ref(), true, input, &states)?;
    let out = match &state.output {
        Some(o) => eval(exec, fid, o, "Output", &states)?,
        None => input.clone(),
    };
    Ok((until.max(exec.clock), out))
}

/// An integer given as a JSON number or as a string holding one (AWS reads `…Path` values
/// such as `"1"` as numbers).
fn int_like(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_i64(),
    }
}

/// A non-negative [`int_like`], up to `u64::MAX` (a JSON integer past `i64::MAX` included).
fn whole_count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| int_like(v).and_then(|n| u64::try_from(n).ok()))
}

/// A value as Java's `toString` shows it in AWS messages: strings unquoted.
fn display_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}

fn prepare_task(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let jsonata = is_jsonata(state);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective =
        if jsonata { input.clone() } else { io::apply_path(&state.input_path, &scope)? };
    let wait_for_token = matches!(
        &state.kind,
        StateKind::Task(t) if matches!(
            ResourceKind::of(&t.resource),
            ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. }
        )
    );
    let ctx = if wait_for_token {
        let token = exec.task_token();
        exec.frames[fid].task_token = Some(token);
        exec.context(fid)
    } else {
        ctx
    };
    let params = match (&state.parameters, &state.arguments) {
        (_, Some(a)) if jsonata => {
            let states = states_value(input, &ctx, None, None);
            eval(exec, fid, a, "Arguments", &states)?
        }
        (Some(p), _) if !jsonata => {
            let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
            io::template(p, &scope, &mut exec.random)?
        }
        _ => effective,
    };
    exec.frames[fid].effective = params;
    invoke(exec, fid, state);
    Ok(())
}

/// Runs a Task / Parallel / Map state's body again after a retry interval.
fn rerun(exec: &mut Execution, fid: FrameId) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state(&name) else { return };
    let input = exec.frames[fid].input.clone();
    let result = match &state.kind {
        // Parameters are evaluated again: `$$.State.RetryCount` has changed.
        StateKind::Task(_) => prepare_task(exec, fid, state, &input),
        StateKind::Parallel { branches } => start_parallel(exec, fid, state, branches, &input),
        StateKind::Map(_) => start_map(exec, fid, state, &input),
        _ => Ok(()),
    };
    if let Err(e) = result {
        state_error(exec, fid, e, false);
    }
}

/// A number from a `…Seconds` / `…SecondsPath` field, read from the effective input (JSONPath)
/// or computed from `$states` (JSONata).
fn task_seconds(
    exec: &mut Execution,
    fid: FrameId,
    spec: &Option<NumberSpec>,
    field: &str,
    scope: &Scope,
    states: &Value,
) -> Result<Option<u64>, StatesError> {
    match spec {
        None => Ok(None),
        Some(NumberSpec::Literal(v)) => Ok(v.as_u64()),
        Some(NumberSpec::Path(p)) => {
            let target = crate::jsonpath::parse_target(p)
                .map_err(|e| StatesError::runtime(format!("Invalid path '{p}' : {}", e.message)))?;
            let v = scope
                .evaluate(&target)
                .map_err(|e| StatesError::runtime(format!("Invalid path '{p}' : {}", e.message)))?;
            v.as_u64().filter(|n| *n > 0).map(Some).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The value of the path '{p}' must be a positive integer, but was {}",
                    json_text(&v)
                ))
            })
        }
        Some(NumberSpec::Expression(e)) => {
            let v = eval_typed(exec, fid, e, field, states, "number", Value::is_number)?;
            match v.as_f64() {
                Some(n) if n > 0.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
                _ => {
                    let message = format!(
                        "The {field} field must be a positive integer, but was: {}",
                        json_text(&v)
                    );
                    Err(query_error(exec, fid, Some(field), message))
                }
            }
        }
    }
}

fn invoke(exec: &mut Execution, fid: FrameId, state: &State) {
    let StateKind::Task(task) = &state.kind else { return };
    let params = exec.frames[fid].effective.clone();
    let input = exec.frames[fid].input.clone();
    let ctx = exec.context(fid);
    let timeouts = {
        let vars = exec.frames[fid].variables.clone();
        let lookup = var_lookup(&vars);
        let states = states_value(&input, &ctx, None, None);
        let scope = Scope { input: &input, context: &ctx, variables: Some(&lookup) };
        let effective = io::apply_path(&state.input_path, &scope).unwrap_or(Value::Null);
        let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
        task_seconds(exec, fid, &task.timeout_seconds, "TimeoutSeconds", &scope, &states).and_then(
            |t| {
                task_seconds(
                    exec,
                    fid,
                    &task.heartbeat_seconds,
                    "HeartbeatSeconds",
                    &scope,
                    &states,
                )
                .map(|h| (t, h))
            },
        )
    };
    let (timeout, heartbeat) = match timeouts {
        Ok(pair) => pair,
        Err(e) => {
            state_error(exec, fid, e, false);
            return;
        }
    };
    let (kind, family) = task_identity(&task.resource);
    let resource = task.resource.clone();
    let scheduled = Event::TaskScheduled {
        family,
        resource: resource.clone(),
        region: exec.region.clone(),
        input: Payload::new(params.clone()),
        timeout_seconds: timeout,
        heartbeat_seconds: heartbeat,
    };
    exec.emit(fid, scheduled);
    exec.emit(fid, Event::TaskStarted { family, resource: resource.clone() });
    if exec.frames[fid].phase_is_done() {
        return;
    }
    let waits_for_token =
        matches!(kind, ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. });
    let outcome = match call_resource(exec, &state.name, &kind, &params) {
        Some(outcome) => outcome,
        None if waits_for_token => {
            // Nobody answers now: the task waits for SendTaskSuccess / Failure / Heartbeat.
            let output = Payload::new(json!({}));
            exec.emit(fid, Event::TaskSubmitted { resource, output });
            super::callbacks::await_callback(exec, fid, timeout, heartbeat);
            return;
        }
        None => unanswered(&task.resource, &state.name),
    };
    let outcome = match outcome {
        Outcome::Success(v) if json_text(&v).len() > MAX_PAYLOAD_BYTES => {
            Outcome::Failure(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            ))
        }
        other => other,
    };
    let submits = matches!(
        kind,
        ResourceKind::Service { pattern: Pattern::Sync | Pattern::WaitForTaskToken, .. }
    );
    if submits {
        // The service accepted the request; a mock gives only the final answer, so the
        // submission's own response is not known (docs/compatibility.md).
        let output = Payload::new(json!({}));
        exec.emit(fid, Event::TaskSubmitted { resource, output });
    }
    complete_task(exec, fid, state, outcome);
}

/// Records a task's answer and moves on: result processing, or Retry / Catch.
pub(super) fn complete_task(exec: &mut Execution, fid: FrameId, state: &State, outcome: Outcome) {
    let StateKind::Task(task) = &state.kind else { return };
    let (_, family) = task_identity(&task.resource);
    let resource = task.resource.clone();
    match outcome {
        Outcome::Success(result) => {
            let output = Payload::new(result);
            exec.emit(fid, Event::TaskSucceeded { family, resource, output: output.clone() });
            if exec.frames[fid].phase_is_done() {
                return;
            }
            if let Err(e) = finish_with_result(exec, fid, state, output.into_value()) {
                state_error(exec, fid, e, false);
            }
        }
        Outcome::Failure(e) => {
            let timed_out = e.error == names::TIMEOUT || e.error == names::HEARTBEAT_TIMEOUT;
            let failed = Event::TaskFailed {
                family,
                resource,
                error: e.error.clone(),
                cause: e.cause.clone(),
                timed_out,
            };
            exec.emit(fid, failed);
            if exec.frames[fid].phase_is_done() {
                return;
            }
            state_error(exec, fid, e, true);
        }
    }
}

/// What a Task resource is and which family of history events it uses.
fn task_identity(resource: &str) -> (ResourceKind, TaskFamily) {
    let kind = ResourceKind::of(resource);
    let family = match &kind {
        ResourceKind::LambdaFunction { .. } => TaskFamily::Lambda,
        ResourceKind::Activity { .. } => TaskFamily::Activity,
        _ => TaskFamily::Service,
    };
    (kind, family)
}

/// Who answers a task: the test case's mock, the built-in MockAPIFunction, or nobody (`None`).
fn call_resource(
    exec: &mut Execution,
    state: &str,
    kind: &ResourceKind,
    params: &Value,
) -> Option<Outcome> {
    let counter = exec.invocations.entry(state.to_string()).or_insert(0);
    let index = *counter;
    *counter += 1;
    if let Some(answer) = exec.test_case.as_ref().and_then(|tc| tc.answer(state, index)) {
        return Some(match answer {
            Ok(Outcome::Success(v)) => match kind {
                // A bare Lambda ARN's mock holds the Invoke response: the result is its Payload.
                ResourceKind::LambdaFunction { .. } => match v {
                    Value::Object(ref m) if m.contains_key("Payload") => {
                        Outcome::Success(m.get("Payload").cloned().unwrap_or(Value::Null))
                    }
                    other => Outcome::Success(other),
                },
                _ => Outcome::Success(v),
            },
            Ok(failure) => failure,
            Err(message) => Outcome::Failure(StatesError::new(names::TASK_FAILED, message)),
        });
    }
    if tasks::lambda_function_name(kind, params).as_deref() == Some(mock_api::FUNCTION_NAME) {
        let request_id = exec.request_id();
        return Some(match kind {
            ResourceKind::LambdaFunction { .. } => mock_api::invoke(params, &request_id),
            _ => {
                let payload = params.get("Payload").cloned().unwrap_or(Value::Null);
                match mock_api::invoke(&payload, &request_id) {
                    Outcome::Success(v) => {
                        Outcome::Success(mock_api::invoke_response(v, &request_id))
                    }
                    failure => failure,
                }
            }
        });
    }
    None
}

/// The failure of a task nobody answers, saying how to answer it.
fn unanswered(resource: &str, state: &str) -> Outcome {
    Outcome::Failure(StatesError::new(
        names::TASK_FAILED,
        format!(
            "Stepwise has no answer for the resource '{resource}' called by state '{state}'. Mock it with a mock configuration (AWS Step Functions Local MockConfigFile format) whose test case maps '{state}' to a mocked response, or call the built-in {} ({}).",
            mock_api::FUNCTION_NAME,
            crate::validate::MOCK_API_FUNCTION_ARN
        ),
    ))
}

/// JSONPath: `ResultSelector` → `Assign` → `ResultPath` → `OutputPath`; JSONata: `Assign` and
/// `Output` (absent: the result) with `$states.result`. Then leave the state.
fn finish_with_result(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    result: Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let input = exec.frames[fid].input.clone();
    if is_jsonata(state) {
        let states = states_value(&input, &ctx, Some(&result), None);
        prepare_assign(exec, fid, state.assign.as_ref(), true, &result, &states)?;
        let out = match &state.output {
            Some(o) => eval(exec, fid, o, "Output", &states)?,
            None => result,
        };
        leave(exec, fid, out, None);
        return Ok(());
    }
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let result = match &state.result_selector {
        Some(sel) => {
            let scope = Scope { input: &result, context: &ctx, variables: Some(&lookup) };
            io::template(sel, &scope, &mut exec.random)?
        }
        None => result,
    };
    prepare_assign(exec, fid, state.assign.as_ref(), false, &result, &json!({"context": ctx}))?;
    let combined = io::apply_result_path(&state.result_path, &input, result)?;
    let scope = Scope { input: &combined, context: &ctx, variables: Some(&lookup) };
    let out = io::apply_path(&state.output_path, &scope)?;
    leave(exec, fid, out, None);
    Ok(())
}

/// Emits `<Type>StateExited` and moves on: to `next` (Choice, Catch), the state's `Next`, or
/// the end of the frame.
fn leave(exec: &mut Execution, fid: FrameId, output: Value, next: Option<String>) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state(&name) else { return };
    let output = Payload::new(output);
    if output.byte_len() > MAX_PAYLOAD_BYTES {
        // The engine's own size check is terminal: no Retry or Catch applies.
        let e = StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."
            ),
        );
        finish(exec, fid, Err(e.into()));
        return;
    }
    let assigned_variables = super::lang::apply_assign(exec, fid);
    if !matches!(state.kind, StateKind::Fail(_)) {
        let exited = Event::StateExited {
            state_type: state.state_type(),
            name: state.name.clone(),
            output: output.clone(),
            assigned_variables,
        };
        exec.emit(fid, exited);
    }
    if exec.frames[fid].phase_is_done() {
        return;
    }
    let target = next.or_else(|| match &state.transition {
        Transition::Next(n) => Some(n.clone()),
        _ => None,
    });
    match target {
        Some(n) => {
            let f = &mut exec.frames[fid];
            f.state = program.name_of(&n);
            f.input = output;
            f.phase = Phase::Enter;
            f.entered_event = 0;
            exec.schedule(fid, exec.clock);
        }
        None => finish(exec, fid, Ok(output)),
    }
}

/// An error in the current state: retry (Task / Parallel / Map, when `retriable`), catch, or
/// fail the frame.
fn state_error(exec: &mut Execution, fid: FrameId, e: StatesError, retriable: bool) {
    let (program, name) = current(exec, fid);
    let entered = exec.frames[fid].entered_event;
    let e = if retriable { e } else { located(e, &name, entered) };
    if !retriable && e.error == names::QUERY_EVALUATION_ERROR {
        // AWS records where an expression failed before handling the error.
        let location = exec.frames[fid].failed_field.take();
        let failed = Event::EvaluationFailed {
            error: e.error.clone(),
            cause: e.cause.clone(),
            location,
            state: name.clone(),
        };
        exec.emit(fid, failed);
        if exec.frames[fid].phase_is_done() {
            return;
        }
        // A Map state that fails before it starts its iterations is recorded as failed.
        if let Some(state) = program.state(&name) {
            let starting = !matches!(exec.frames[fid].phase, Phase::Children);
            if matches!(state.kind, StateKind::Map(_))
                && starting
                && exec.frames[fid].children.is_none()
                && !will_retry(exec, fid, state, &e.error)
                && !state.catch.iter().any(|c| error_equals_matches(&c.error_equals, &e.error))
            {
                exec.emit(fid, Event::MapStateFailed);
                if exec.frames[fid].phase_is_done() {
                    return;
                }
            }
        }
    }
    handle_failure(exec, fid, Failure::from(e), retriable, &program, &name);
}

fn handle_failure(
    exec: &mut Execution,
    fid: FrameId,
    failure: Failure,
    retriable: bool,
    program: &Program,
    name: &str,
) {
    let Some(state) = program.state(name) else { return };
    let error = failure.error.clone().unwrap_or_default();
    let can_retry =
        matches!(state.kind, StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_));
    if can_retry {
        let _ = retriable;
        if let Some((i, r)) = state
            .retry
            .iter()
            .enumerate()
            .find(|(_, r)| error_equals_matches(&r.error_equals, &error))
        {
            let attempt = exec.frames[fid].retry_counts.get(i).copied().unwrap_or(0);
            if attempt < r.max_attempts {
                let mut delay =
                    crate::time::backoff_seconds(r.interval_seconds, r.backoff_rate, attempt);
                if let Some(max) = r.max_delay_seconds {
                    delay = delay.min(max as f64);
                }
                if r.jitter == Jitter::Full {
                    delay *= exec.random.next_f64();
                }
                let f = &mut exec.frames[fid];
                if let Some(c) = f.retry_counts.get_mut(i) {
                    *c += 1;
                }
                f.retry_total += 1;
                f.phase = Phase::Invoke;
                let at = crate::time::after_fractional_seconds(exec.clock, delay);
                exec.schedule(fid, at);
                return;
            }
        }
    }
    if let Some(c) = state.catch.iter().find(|c| error_equals_matches(&c.error_equals, &error)) {
        let mut err_output = serde_json::Map::new();
        if let Some(e) = &failure.error {
            err_output.insert("Error".into(), json!(e));
        }
        if let Some(cause) = &failure.cause {
            err_output.insert("Cause".into(), json!(cause));
        }
        let err_output = Value::Object(err_output);
        let input = exec.frames[fid].input.clone();
        let caught = if is_jsonata(state) {
            let ctx = exec.context(fid);
            let states = states_value(&input, &ctx, None, Some(&err_output));
            prepare_assign(exec, fid, c.assign.as_ref(), true, &err_output, &states).and_then(
                |()| match &c.output {
                    Some(o) => eval(exec, fid, o, "Output", &states),
                    None => Ok(err_output.clone()),
                },
            )
        } else {
            let ctx = exec.context(fid);
            prepare_assign(
                exec,
                fid,
                c.assign.as_ref(),
                false,
                &err_output,
                &json!({"context": ctx}),
            )
            .and_then(|()| io::apply_result_path(&c.result_path, &input, err_output.clone()))
        };
        match caught {
            Ok(out) => leave(exec, fid, out, Some(c.next.clone())),
            Err(e) => {
                let entered = exec.frames[fid].entered_event;
                finish(exec, fid, Err(located(e, name, entered).into()));
            }
        }
        return;
    }
    finish(exec, fid, Err(failure));
}

/// Whether `handle_failure` would retry this error now.
fn will_retry(exec: &Execution, fid: FrameId, state: &State, error: &str) -> bool {
    state
        .retry
        .iter()
        .enumerate()
        .find(|(_, r)| error_equals_matches(&r.error_equals, error))
        .is_some_and(|(i, r)| {
            exec.frames[fid].retry_counts.get(i).copied().unwrap_or(0) < r.max_attempts
        })
}

/// A frame has ended: report to the execution or to the parent state.
fn finish(exec: &mut Execution, fid: FrameId, result: Result<Payload, Failure>) {
    exec.frames[fid].phase = Phase::Done;
    match exec.frames[fid].role {
        Role::Root => match result {
            Ok(out) => exec.end_succeeded(fid, out),
            Err(f) => exec.end_failed(fid, f),
        },
        Role::Branch { parent, index } => child_finished(exec, parent, fid, index, result),
        Role::Iteration { parent, index } => {
            let name = exec.frames[parent].state.clone();
            let last = exec.frames[fid].last_event;
            exec.frames[parent].last_event = last;
            if !is_distributed(&exec.frames[parent]) {
                let ended = if result.is_ok() {
                    Event::MapIterationSucceeded { index, name }
                } else {
                    Event::MapIterationFailed { index, name }
                };
                exec.emit(parent, ended);
            }
            exec.frames[parent].last_event = last;
            child_finished(exec, parent, fid, index, result)
        }
    }
}

fn child_finished(
    exec: &mut Execution,
    parent: FrameId,
    child: FrameId,
    index: usize,
    result: Result<Payload, Failure>,
) {
    if exec.frames[parent].phase_is_done() {
        return;
    }
    let last = exec.frames[child].last_event;
    exec.frames[parent].last_event = last;
    let Some(ch) = exec.frames[parent].children.as_mut() else { return };
    ch.running.retain(|&f| f != child);
    ch.finished += 1;
    match result {
        Ok(v) => {
            if let Some(slot) = ch.results.get_mut(index) {
                *slot = Some(v.into_value());
            }
        }
        Err(f) => {
            ch.failed += 1;
            ch.first_failure.get_or_insert(f);
        }
    }
    exec.schedule(parent, exec.clock);
}

impl Children {
    fn tolerates(&self) -> bool {
        if self.failed == 0 {
            return true;
        }
        let by_count = self.tolerated_count.is_some_and(|c| self.failed as u64 <= c);
        let by_pct = self.tolerated_percentage.is_some_and(|p| {
            self.total > 0 && (self.failed as f64) * 100.0 / (self.total as f64) <= p
        });
        by_count || by_pct
    }
}

/// A Parallel / Map state checks on its children.
fn children_progress(exec: &mut Execution, fid: FrameId) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state(&name) else { return };
    let is_map = matches!(state.kind, StateKind::Map(_));
    let Some(ch) = exec.frames[fid].children.as_ref() else { return };
    if !ch.tolerates() {
        let failure =
            if is_map && (ch.tolerated_count.is_some() || ch.tolerated_percentage.is_some()) {
                Failure {
                    error: Some(names::EXCEED_TOLERATED_FAILURE_THRESHOLD.into()),
                    cause: Some("The specified tolerated failure threshold was exceeded".into()),
                }
            } else {
                ch.first_failure.clone().unwrap_or(Failure { error: None, cause: None })
            };
        abort_children(exec, fid);
        let distributed = is_distributed(&exec.frames[fid]);
        if distributed {
            exec.emit(fid, Event::MapRunFailed(None));
        }
        if !will_retry(exec, fid, state, failure.error.as_deref().unwrap_or_default()) {
            exec.emit(fid, if is_map { Event::MapStateFailed } else { Event::ParallelStateFailed });
        }
        if exec.frames[fid].phase_is_done() {
            return;
        }
        exec.frames[fid].children = None;
        handle_failure(exec, fid, failure, true, &program, &name);
        return;
    }
    // Start pending iterations up to MaxConcurrency.
    loop {
        let Some(ch) = exec.frames[fid].children.as_mut() else { return };
        let limit = if ch.max_concurrency == 0 { usize::MAX } else { ch.max_concurrency };
        if ch.running.len() >= limit {
            break;
        }
        let Some((index, (input, item))) = ch.pending.pop_front() else { break };
        start_iteration(exec, fid, index, input, item);
    }
    let Some(ch) = exec.frames[fid].children.as_ref() else { return };
    if ch.finished < ch.total {
        return;
    }
    let results: Vec<Value> = ch.results.iter().map(|r| r.clone().unwrap_or(Value::Null)).collect();
    let succeeded = if is_map { Event::MapStateSucceeded } else { Event::ParallelStateSucceeded };
    let results = match (&ch.result_writer, &ch.map_run_arn) {
        (Some(plan), Some(arn)) => written_results(plan, arn, results),
        _ => Value::Array(results),
    };
    if is_distributed(&exec.frames[fid]) {
        exec.emit(fid, Event::MapRunSucceeded);
    }
    exec.frames[fid].children = None;
    exec.emit(fid, succeeded);
    if exec.frames[fid].phase_is_done() {
        return;
    }
    exec.frames[fid].phase = Phase::Enter;
    if let Err(e) = finish_with_result(exec, fid, state, results) {
        state_error(exec, fid, e, false);
    }
}

/// What a Distributed Map's `ResultWriter` (with its `Parameters` / `Arguments` resolved)
/// asks for.
fn result_writer_plan(writer: &Value) -> super::ResultWriterPlan {
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
    super::ResultWriterPlan { export, flatten: transformation == Some("FLATTEN") }
}

/// The Map state's result under a `ResultWriter`: exported results are replaced by where they
/// went (`{MapRunArn, ResultWriterDetails: {Bucket, Key}}`, the key being
/// `<Prefix>/<map run id>/manifest.json`), as AWS's output shows; kept results are flattened
/// when the writer says `FLATTEN`.
fn written_results(
    plan: &super::ResultWriterPlan,
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

/// Marks every descendant frame of `fid` as done (their queued wake-ups become no-ops).
fn abort_children(exec: &mut Execution, fid: FrameId) {
    let mut stack = vec![fid];
    while let Some(p) = stack.pop() {
        for (i, f) in exec.frames.iter_mut().enumerate() {
            let parent = match f.role {
                Role::Branch { parent, .. } | Role::Iteration { parent, .. } => Some(parent),
                Role::Root => None,
            };
            if parent == Some(p) && !matches!(f.phase, Phase::Done) {
                f.phase = Phase::Done;
                stack.push(i);
            }
        }
    }
}

fn new_child(
    exec: &mut Execution,
    parent: FrameId,
    program: Arc<Program>,
    input: Value,
    role: Role,
    map_item: Option<(usize, Value)>,
) -> FrameId {
    let last_event = exec.frames[parent].last_event;
    let silent = exec.frames[parent].silent || is_distributed(&exec.frames[parent]);
    let inherited_item = map_item.or_else(|| exec.frames[parent].map_item.clone());
    let variables = exec.frames[parent].variables.clone();
    let child = Frame {
        state: program.start_name(),
        program,
        phase: Phase::Enter,
        input: input.into(),
        effective: Value::Null,
        role,
        last_event,
        entered_event: 0,
        entered_ms: exec.clock,
        map_item: inherited_item,
        retry_counts: Vec::new(),
        retry_total: 0,
        children: None,
        task_token: None,
        waiting: None,
        silent,
        variables,
        pending_assign: None,
        failed_field: None,
    };
    exec.frames.push(child);
    let id = exec.frames.len() - 1;
    exec.schedule(id, exec.clock);
    id
}

fn is_distributed(frame: &Frame) -> bool {
    matches!(
        frame.program.state(&frame.state).map(|s| &s.kind),
        Some(StateKind::Map(m)) if m.mode == MapMode::Distributed
    )
}

fn start_parallel(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    branches: &[Arc<Program>],
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let effective = if is_jsonata(state) {
        match &state.arguments {
            Some(a) => {
                let states = states_value(input, &ctx, None, None);
                eval(exec, fid, a, "Arguments", &states)?
            }
            None => input.clone(),
        }
    } else {
        let vars = exec.frames[fid].variables.clone();
        let lookup = var_lookup(&vars);
        let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
        let effective = io::apply_path(&state.input_path, &scope)?;
        match &state.parameters {
            Some(p) => {
                let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
                io::template(p, &scope, &mut exec.random)?
            }
            None => effective,
        }
    };
    exec.emit(fid, Event::ParallelStateStarted);
    if exec.frames[fid].phase_is_done() {
        return Ok(());
    }
    exec.frames[fid].children = Some(Children {
        results: vec![None; branches.len()],
        total: branches.len(),
        ..Children::default()
    });
    exec.frames[fid].phase = Phase::Children;
    let mut running = Vec::new();
    for (i, b) in branches.iter().enumerate() {
        let id = new_child(
            exec,
            fid,
            b.clone(),
            effective.clone(),
            Role::Branch { parent: fid, index: i },
            None,
        );
        running.push(id);
    }
    if let Some(ch) = exec.frames[fid].children.as_mut() {
        ch.running = running;
    }
    Ok(())
}

/// A Map parameter (MaxConcurrency, ToleratedFailure…) given directly, by path (JSONPath) or
/// by expression (JSONata, which must give a number).
fn map_number(
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
fn jsonata_items(
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

fn start_map(
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
    let effective =
        if jsonata { input.clone() } else { io::apply_path(&state.input_path, &scope)? };
    let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
    let items_value = match &map.item_reader {
        Some(reader) if jsonata => {
            let reader = eval(exec, fid, reader, "ItemReader", &states)?;
            let read = item_reader_items(exec, &state.name, &reader, &scope);
            reader_failed(exec, fid, state, read)?
        }
        Some(reader) => {
            let read = item_reader_items(exec, &state.name, reader.source(), &scope);
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
    let max_concurrency = match map_number(
        exec,
        fid,
        &map.max_concurrency,
        "MaxConcurrency",
        &scope,
        &states,
    )? {
        None => 0,
        Some(v) => match whole_count(&v) {
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => {
                let p = match &map.max_concurrency {
                    Some(NumberSpec::Path(p)) => p.as_str(),
                    _ => "",
                };
                return Err(StatesError::runtime(format!(
                    "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: {p}",
                    json_text(&v)
                )));
            }
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
                None => {
                    return Err(StatesError::runtime("ToleratedFailureCount cannot be negative."))
                }
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
                    _ => {
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
    let mut pending = std::collections::VecDeque::new();
    for (index, item) in items.iter().enumerate() {
        let iteration_input = match &map.item_selector {
            Some(sel) => {
                let mut ctx = ctx.clone();
                ctx["Map"] = json!({"Item": {"Index": index, "Value": item}});
                if jsonata {
                    let states = states_value(&effective, &ctx, None, None);
                    eval(exec, fid, sel, "ItemSelector", &states)?
                } else {
                    let scope =
                        Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
                    io::template(sel, &scope, &mut exec.random)?
                }
            }
            None => item.clone(),
        };
        pending.push_back((index, (iteration_input, item.clone())));
    }
    if let Some(batcher) = &map.item_batcher {
        let batcher = if jsonata {
            eval(exec, fid, batcher, "ItemBatcher", &states)?
        } else {
            batcher.source().clone()
        };
        pending = batch_items(pending, &batcher, &scope)?;
    }
    let count = pending.len();
    let distributed = map.mode == MapMode::Distributed;
    let result_writer = match &map.result_writer {
        Some(writer) if distributed => {
            let writer = if jsonata {
                eval(exec, fid, writer, "ResultWriter", &states)?
            } else {
                let writer = writer.source();
                let params = match writer.get("Parameters") {
                    Some(t) => Some(resolve_template(t, &scope, &mut exec.random)?),
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
        result_writer,
        ..Children::default()
    });
    exec.frames[fid].phase = Phase::Children;
    exec.schedule(fid, exec.clock);
    Ok(())
}

/// The ARN of a Distributed Map's map run.
fn map_run_arn(exec: &mut Execution, state: &str) -> String {
    let machine = exec.config.state_machine_arn().replace(":stateMachine:", ":mapRun:");
    format!("{machine}/{state}:{}", exec.random.uuid_v4())
}

/// A Distributed Map whose reader fails still starts (length 0) and records the map run's
/// failure, as AWS does; the error then goes through the state's Retry / Catch.
fn reader_failed(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    read: Result<Value, StatesError>,
) -> Result<Value, StatesError> {
    let e = match read {
        Ok(items) => return Ok(items),
        Err(e) => e,
    };
    if is_distributed(&exec.frames[fid]) {
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
fn batch_items(
    pending: PendingItems,
    batcher: &Value,
    scope: &Scope,
) -> Result<PendingItems, StatesError> {
    let max = match (batcher.get("MaxItemsPerBatch"), batcher.get("MaxItemsPerBatchPath")) {
        (Some(v), _) => v.as_u64(),
        (None, Some(Value::String(p))) => {
            io::select(scope, &Path::compile(p))?.and_then(|v| v.as_u64())
        }
        _ => None,
    }
    .filter(|n| *n > 0)
    .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let batch_input = match batcher.get("BatchInput") {
        Some(t) => Some(resolve_template(t, scope, &mut crate::random::Random::new(0))?),
        None => None,
    };
    let items: Vec<Value> = pending.into_iter().map(|(_, (input, _))| input).collect();
    let mut out = std::collections::VecDeque::new();
    for (index, chunk) in items.chunks(max.min(items.len().max(1))).enumerate() {
        let mut batch = serde_json::Map::new();
        if let Some(b) = &batch_input {
            batch.insert("BatchInput".into(), b.clone());
        }
        batch.insert("Items".into(), Value::Array(chunk.to_vec()));
        let batch = Value::Object(batch);
        out.push_back((index, (batch.clone(), batch)));
    }
    Ok(out)
}

/// Items of a Map state's `ItemReader`: the mock configuration answers for the Map state itself
/// (as the conformance recordings do for S3 reads) with `{"Body": "<object text>"}`, which is
/// parsed per `ReaderConfig` (`InputType` JSON or CSV, `MaxItems` / `MaxItemsPath`).
fn item_reader_items(
    exec: &mut Execution,
    state: &str,
    reader: &Value,
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
    let max_items = match (config.get("MaxItems"), config.get("MaxItemsPath")) {
        (Some(v), _) => v.as_u64(),
        (None, Some(Value::String(p))) => io::select(scope, &Path::compile(p))?
            .and_then(|v| int_like(&v))
            .and_then(|n| u64::try_from(n).ok()),
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

fn start_iteration(exec: &mut Execution, fid: FrameId, index: usize, input: Value, item: Value) {
    let (program, name) = current(exec, fid);
    let Some(StateKind::Map(map)) = program.state(&name).map(|s| &s.kind) else { return };
    if map.mode != MapMode::Distributed {
        exec.emit(fid, Event::MapIterationStarted { index, name: name.clone() });
    }
    if exec.frames[fid].phase_is_done() {
        return;
    }
    let id = new_child(
        exec,
        fid,
        map.processor.clone(),
        input,
        Role::Iteration { parent: fid, index },
        Some((index, item)),
    );
    if let Some(ch) = exec.frames[fid].children.as_mut() {
        ch.running.push(id);
    }
}
