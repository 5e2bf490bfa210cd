//! An error in a state: `Retry` (Task, Parallel, Map), then `Catch`, else the frame fails.
//! The one place where errors meet a state's retriers and catchers.

use serde_json::{json, Value};

use crate::definition::{Jitter, Program, State, StateKind};
use crate::errors::{error_equals_matches, names, StatesError};
use crate::history::Event;
use crate::history::Payload;
use crate::runner::flow::{current, finish, finish_with_result, leave};
use crate::runner::frame::{Failure, FrameId, Phase};
use crate::runner::io::{self, located};
use crate::runner::lang::{eval, is_jsonata, prepare_assign, states_value};
use crate::runner::trace::{TraceOutcome, TracedError};
use crate::runner::Execution;

/// An error in the current state: retry (Task / Parallel / Map, when `retriable`), catch, or
/// fail the frame.
pub(in crate::runner) fn state_error(
    exec: &mut Execution,
    fid: FrameId,
    e: StatesError,
    retriable: bool,
) {
    let (program, name) = current(exec, fid);
    let entered = exec.frames[fid].entered_event;
    let e = if retriable { e } else { locate(exec, e, &name, entered) };
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
        if let Some(state) = program.state_at(exec.frames[fid].index) {
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
    let failure = if retriable {
        // A task reported it. An empty error is one the task did not give (SendTaskFailure
        // without `error`, a mock Throw without Error): AWS records no error and, without a
        // cause either, `{"Error": null, "Cause": null}` in a Catch's output. A named error
        // keeps an empty cause as "" (recorded: a States.Timeout caught with `"Cause": ""`).
        if e.error.is_empty() {
            let cause = if e.cause.is_empty() { None } else { Some(e.cause) };
            Failure { error: None, cause }
        } else {
            Failure::from(e)
        }
    } else {
        Failure::from(e)
    };
    handle_failure(exec, fid, failure, retriable, &program, &name);
}

pub(in crate::runner) fn handle_failure(
    exec: &mut Execution,
    fid: FrameId,
    failure: Failure,
    retriable: bool,
    program: &Program,
    name: &str,
) {
    let Some(state) = program.state(name) else { return };
    exec.record(fid, |t| {
        t.error = Some(TracedError { error: failure.error.clone(), cause: failure.cause.clone() })
    });
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
                let backoff = delay;
                if r.jitter == Jitter::Full {
                    delay *= exec.random.next_f64();
                }
                exec.record(fid, |t| {
                    t.outcome = Some(TraceOutcome::Retried {
                        retry_index: i,
                        backoff_seconds: backoff,
                        delay_seconds: delay,
                    })
                });
                exec.decide(|| crate::runner::Decision::Retried {
                    state: state.pointer.clone(),
                    retrier: i,
                });
                exec.keep_visit(fid, true);
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
    if let Some((i, c)) =
        state.catch.iter().enumerate().find(|(_, c)| error_equals_matches(&c.error_equals, &error))
    {
        let next = c.next.clone();
        exec.record(fid, |t| t.outcome = Some(TraceOutcome::Caught { catch_index: i, next }));
        exec.decide(|| crate::runner::Decision::Caught {
            state: state.pointer.clone(),
            catcher: i,
        });
        let mut err_output = serde_json::Map::new();
        err_output.insert("Error".into(), json!(failure.error));
        err_output.insert("Cause".into(), json!(failure.cause));
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
            prepare_assign(exec, fid, c.assign.as_ref(), false, &err_output, &ctx)
                .and_then(|()| io::apply_result_path(&c.result_path, &input, err_output.clone()))
        };
        match caught {
            Ok(out) => leave(exec, fid, Payload::new(out), Some(c.next.clone())),
            Err(e) => {
                let entered = exec.frames[fid].entered_event;
                finish(exec, fid, Err(locate(exec, e, name, entered).into()));
            }
        }
        return;
    }
    finish(exec, fid, Err(failure));
}

/// A Parallel or Map state's body answered as a whole (TestState's mock): its result goes
/// through result processing, its error through Retry and Catch, as a task's would.
pub(in crate::runner) fn complete_body(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    outcome: crate::tasks::Outcome,
) {
    match outcome {
        crate::tasks::Outcome::Success(result) => {
            if let Err(e) = finish_with_result(exec, fid, state, result) {
                state_error(exec, fid, e, false);
            }
        }
        crate::tasks::Outcome::Failure(e) => state_error(exec, fid, e, true),
    }
}

/// AWS's location prefix for an error raised while the state ran; a one-state run (TestState)
/// has no history to point into, so its errors stay as raised.
fn locate(exec: &Execution, e: StatesError, name: &str, entered: u64) -> StatesError {
    if exec.one_state.is_some() {
        e
    } else {
        located(e, name, entered)
    }
}

/// Whether `handle_failure` would retry this error now.
pub(in crate::runner) fn will_retry(
    exec: &Execution,
    fid: FrameId,
    state: &State,
    error: &str,
) -> bool {
    state
        .retry
        .iter()
        .enumerate()
        .find(|(_, r)| error_equals_matches(&r.error_equals, error))
        .is_some_and(|(i, r)| {
            exec.frames[fid].retry_counts.get(i).copied().unwrap_or(0) < r.max_attempts
        })
}
