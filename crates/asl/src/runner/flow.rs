//! Leaving a state and ending a frame: result processing, `…StateExited`, the transition to
//! the next state, and a frame's outcome reported to the execution or its parent.

use std::sync::Arc;

use serde_json::Value;

use crate::definition::{Program, State, StateKind, Transition};
use crate::errors::{names, StatesError};
use crate::history::{Event, Payload};
use crate::jsonpath::Scope;
use crate::runner::children::child_finished;
use crate::runner::frame::{Failure, FrameId, Phase, Role};
use crate::runner::io::{self};
use crate::runner::lang::{eval, is_jsonata, prepare_assign, states_value, var_lookup};
use crate::runner::trace::{TraceOutcome, TracedError};
use crate::runner::{Execution, MAX_PAYLOAD_BYTES};
use crate::template::budget::{deeper_than, too_deep, MAX_PAYLOAD_DEPTH};

/// The current state of a frame (programs are shared, so this borrows nothing from `exec`).
pub(in crate::runner) fn current(exec: &Execution, fid: FrameId) -> (Arc<Program>, Arc<str>) {
    let f = &exec.frames[fid];
    (f.program.clone(), f.state.clone())
}

/// JSONPath: `ResultSelector` → `Assign` → `ResultPath` → `OutputPath`; JSONata: `Assign` and
/// `Output` (absent: the result) with `$states.result`. Then leave the state.
pub(in crate::runner) fn finish_with_result(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    result: Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let input = exec.frames[fid].input.clone();
    exec.record(fid, |t| t.result = Some(result.clone()));
    if is_jsonata(state) {
        let states = states_value(&input, &ctx, Some(&result), None);
        prepare_assign(exec, fid, state.assign.as_ref(), true, &result, &states)?;
        let out = match &state.output {
            Some(o) => eval(exec, fid, o, "Output", &states)?,
            None => result,
        };
        leave(exec, fid, Payload::new(out), None);
        return Ok(());
    }
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let result = match &state.result_selector {
        Some(sel) => {
            let scope = Scope { input: &result, context: &ctx, variables: Some(&lookup) };
            let selected = io::template(sel, &scope, &mut exec.random)?;
            exec.record(fid, |t| t.after_result_selector = Some(selected.clone()));
            selected
        }
        None => result,
    };
    prepare_assign(exec, fid, state.assign.as_ref(), false, &result, &ctx)?;
    let combined = io::apply_result_path(&state.result_path, &input, result)?;
    exec.record(fid, |t| t.after_result_path = Some(combined.clone()));
    let out = io::apply_output_path(&state.output_path, combined, &ctx, &lookup)?;
    leave(exec, fid, Payload::new(out), None);
    Ok(())
}

/// Emits `<Type>StateExited` and moves on: to `next` (Choice, Catch), the state's `Next`, or
/// the end of the frame.
pub(in crate::runner) fn leave(
    exec: &mut Execution,
    fid: FrameId,
    output: Payload,
    next: Option<String>,
) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state_at(exec.frames[fid].index) else { return };
    if deeper_than(output.value(), MAX_PAYLOAD_DEPTH) {
        // Checked before anything walks the value recursively (measuring, copying, writing).
        let e = too_deep(&format!("The state/task '{name}' returned a result"));
        crate::template::budget::dismantle(output.into_value());
        finish(exec, fid, Err(e.into()));
        return;
    }
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
    let assigns = exec.traced(fid) && exec.frames[fid].pending_assign.is_some();
    let assigned_variables = crate::runner::lang::apply_assign(exec, fid);
    let target = next.or_else(|| match &state.transition {
        Transition::Next(n) => Some(n.clone()),
        _ => None,
    });
    if exec.traced(fid) {
        let variables = (*exec.frames[fid].variables).clone();
        exec.record(fid, |t| {
            t.assigned = assigns;
            t.variables = Some(variables);
            t.output = Some(output.value().clone());
            t.outcome.get_or_insert(TraceOutcome::Left { next: target.clone() });
        });
        exec.keep_visit(fid, false);
    }
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
    match target {
        Some(n) => {
            let f = &mut exec.frames[fid];
            (f.state, f.index) = program.locate(&n);
            f.input = output;
            f.phase = Phase::Enter;
            f.entered_event = 0;
            // `$$.Task` belongs to the Task state that got the token, not to the next state.
            f.task_token = None;
            exec.schedule(fid, exec.clock);
        }
        None => finish(exec, fid, Ok(output)),
    }
}

/// A frame has ended: report to the execution or to the parent state.
pub(in crate::runner) fn finish(
    exec: &mut Execution,
    fid: FrameId,
    result: Result<Payload, Failure>,
) {
    exec.frames[fid].phase = Phase::Done;
    exec.frames[fid].succeeded = result.is_ok();
    if let Err(f) = &result {
        exec.record(fid, |t| {
            let failed = TracedError { error: f.error.clone(), cause: f.cause.clone() };
            t.outcome = Some(TraceOutcome::Failed(failed));
        });
        exec.keep_visit(fid, false);
    }
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
            if !exec.frames[parent].at_distributed_map() {
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
