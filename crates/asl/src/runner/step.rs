//! What a frame does when the scheduler wakes it: enter its state (dispatching on the state's
//! type), run a Task / Parallel / Map body again after a retry interval, leave a Wait, check
//! on its children, or check a callback's deadlines. The top of the runner's layers: it calls
//! the state types (`states/`), which call the shared machinery below them (`flow`,
//! `retry_catch`, `children`), never the other way round.

use serde_json::Value;

use crate::definition::StateKind;
use crate::errors::{names, StatesError};
use crate::history::Event;
use crate::history::Payload;
use crate::runner::children::{abort_children, record_aborted_children};
use crate::runner::flow::{current, finish, finish_with_result, leave};
use crate::runner::frame::{Failure, FrameId, Phase};
use crate::runner::retry_catch::{handle_failure, state_error, will_retry};
use crate::runner::states::{
    choice, distributed_map, map, parallel, pass, succeed_fail, task, wait,
};
use crate::runner::trace::StateTrace;
use crate::runner::Execution;

/// Advances frame `fid` by one scheduler step.
pub(in crate::runner) fn advance(exec: &mut Execution, fid: FrameId) {
    let Some(frame) = exec.frames.get(fid) else { return };
    match frame.phase {
        Phase::Enter => enter(exec, fid),
        Phase::Invoke => rerun(exec, fid),
        Phase::WaitOver => {
            let output = std::mem::take(&mut exec.frames[fid].effective);
            leave(exec, fid, Payload::new(output), None);
        }
        Phase::Children => children_progress(exec, fid),
        Phase::Callback => task::callback_due(exec, fid),
        Phase::Done => {}
    }
}

/// Enters the frame's current state: records `…StateEntered` and runs the state's type.
fn enter(exec: &mut Execution, fid: FrameId) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state_at(exec.frames[fid].index) else {
        let e = StatesError::runtime(format!("State '{name}' does not exist"));
        finish(exec, fid, Err(e.into()));
        return;
    };
    let input = exec.frames[fid].input.clone();
    exec.visit_entered(fid, &name);
    {
        let f = &mut exec.frames[fid];
        f.retry_counts = vec![0; state.retry.len()];
        f.retry_total = 0;
        f.entered_ms = exec.clock;
        f.pending_assign = None;
        f.failed_field = None;
        f.redrive_memo = None;
        if let Some(t) = f.trace.as_deref_mut() {
            *t = StateTrace {
                state: name.to_string(),
                input: Some(input.value().clone()),
                ..StateTrace::default()
            };
        }
    }
    if fid == 0 {
        if let Some(n) = exec.one_state.as_ref().map(|o| o.retry_count) {
            exec.frames[fid].retry_counts.fill(n);
        }
    }
    let entered = Event::StateEntered {
        state_type: state.state_type(),
        name: state.name.clone(),
        input: input.clone(),
    };
    let id = exec.emit(fid, entered);
    exec.frames[fid].entered_event = id;
    exec.decide(|| crate::runner::Decision::Entered { state: state.pointer.clone() });
    if exec.frames[fid].phase_is_done() {
        return;
    }
    let result = match &state.kind {
        StateKind::Pass { result } => pass::run(exec, fid, state, result.as_ref(), &input),
        StateKind::Succeed => succeed_fail::succeed(exec, fid, state, &input),
        StateKind::Fail(fail) => succeed_fail::fail(exec, fid, state, fail, &input),
        StateKind::Choice(choice) => choice::run(exec, fid, state, choice, &input),
        StateKind::Wait(wait) => wait::start(exec, fid, state, wait, &input),
        StateKind::Task(_) => task::prepare_task(exec, fid, state, &input),
        StateKind::Parallel { branches } => {
            parallel::start_parallel(exec, fid, state, branches, &input)
        }
        StateKind::Map(_) => map::start_map(exec, fid, state, &input),
    };
    if let Err(e) = result {
        state_error(exec, fid, e, false);
    }
}

/// Runs a Task / Parallel / Map state's body again after a retry interval.
pub(in crate::runner) fn rerun(exec: &mut Execution, fid: FrameId) {
    let (program, _) = current(exec, fid);
    let Some(state) = program.state_at(exec.frames[fid].index) else { return };
    let input = exec.frames[fid].input.clone();
    let result = match &state.kind {
        // Parameters are evaluated again: `$$.State.RetryCount` has changed.
        StateKind::Task(_) => task::prepare_task(exec, fid, state, &input),
        StateKind::Parallel { branches } => {
            parallel::start_parallel(exec, fid, state, branches, &input)
        }
        StateKind::Map(_) => map::start_map(exec, fid, state, &input),
        _ => Ok(()),
    };
    if let Err(e) = result {
        state_error(exec, fid, e, false);
    }
}

/// A Parallel / Map state checks on its children.
pub(in crate::runner) fn children_progress(exec: &mut Execution, fid: FrameId) {
    let (program, name) = current(exec, fid);
    let Some(state) = program.state_at(exec.frames[fid].index) else { return };
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
        record_aborted_children(exec, fid);
        abort_children(exec, fid);
        let distributed = exec.frames[fid].at_distributed_map();
        if distributed {
            exec.emit(fid, Event::MapRunFailed(None));
            distributed_map::write_result_files(exec, fid);
        }
        if !will_retry(exec, fid, state, failure.error.as_deref().unwrap_or_default()) {
            exec.emit(fid, if is_map { Event::MapStateFailed } else { Event::ParallelStateFailed });
        }
        if exec.frames[fid].phase_is_done() {
            // The execution ended here: keep the children's bookkeeping for a redrive.
            let memo = exec.frames[fid].children.take().map(Box::new);
            exec.frames[fid].redrive_memo = memo;
            return;
        }
        let memo = exec.frames[fid].children.take().map(Box::new);
        exec.frames[fid].redrive_memo = memo;
        handle_failure(exec, fid, failure, true, &program, &name);
        return;
    }
    // Start pending iterations up to MaxConcurrency.
    loop {
        let Some(ch) = exec.frames[fid].children.as_mut() else { return };
        let limit = if ch.max_concurrency == 0 { usize::MAX } else { ch.max_concurrency };
        if ch.running >= limit {
            break;
        }
        let Some((index, (input, item))) = ch.pending.pop_front() else { break };
        map::start_iteration(exec, fid, index, input, item);
    }
    let Some(ch) = exec.frames[fid].children.as_mut() else { return };
    if ch.finished < ch.total {
        return;
    }
    let results: Vec<Value> = std::mem::take(&mut ch.results)
        .into_iter()
        .map(|r| r.map_or(Value::Null, Payload::into_value))
        .collect();
    let succeeded = if is_map { Event::MapStateSucceeded } else { Event::ParallelStateSucceeded };
    let results = match (&ch.result_writer, &ch.map_run_arn) {
        (Some(plan), Some(arn)) => distributed_map::written_results(plan, arn, results),
        _ => Value::Array(results),
    };
    if exec.frames[fid].at_distributed_map() {
        distributed_map::write_result_files(exec, fid);
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
