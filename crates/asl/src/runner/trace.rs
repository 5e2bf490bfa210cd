//! A state's data flow as the runner computes it: the recorder behind TestState's
//! `inspectionData` and, kept per visit by `runner::visits`, the app's "Data flow" view of
//! every state of an execution.
//!
//! A frame carries an optional [`StateTrace`]; when it has none (the default) recording costs
//! one branch. The runner fills it at the exact points where it computes each value: `enter`
//! (the input), the state types (`InputPath`, `Parameters` / `Arguments`, a Pass result),
//! `flow::finish_with_result` (a Task / Parallel / Map result, `ResultSelector`,
//! `ResultPath`), `flow::leave` (variables after `Assign`, the output, the next state),
//! `retry_catch::handle_failure` (the retrier or catcher that matched) and `flow::finish` (a
//! failure). Nothing here recomputes a value.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::errors::StatesError;
use crate::runner::frame::FrameId;
use crate::runner::Execution;
use crate::tasks::Outcome;

/// One state's data flow, each stage as the runner computed it (`None`: the stage did not run).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StateTrace {
    /// The state's name.
    pub state: String,
    /// The state's raw input.
    pub input: Option<Value>,
    /// After `InputPath` (JSONPath states).
    pub after_input_path: Option<Value>,
    /// After `Parameters` (JSONPath Task, Pass, Parallel; the effective input without it).
    pub after_parameters: Option<Value>,
    /// After `Arguments` (JSONata Task, Parallel; the input without it).
    pub after_arguments: Option<Value>,
    /// The task's, branches' or Pass state's result.
    pub result: Option<Value>,
    /// After `ResultSelector`, when the state has one.
    pub after_result_selector: Option<Value>,
    /// After `ResultPath` (JSONPath).
    pub after_result_path: Option<Value>,
    /// A Map state's items after `ItemsPath` (JSONPath, without an `ItemReader`).
    pub after_items_path: Option<Value>,
    /// A Map state's iteration inputs after `ItemSelector`, when it has one.
    pub after_item_selector: Option<Value>,
    /// A Map state's batches after `ItemBatcher`, when it has one.
    pub after_item_batcher: Option<Value>,
    /// A Map state's effective `MaxConcurrency` (0: no limit).
    pub max_concurrency: Option<u64>,
    /// A Map state's effective `ToleratedFailureCount`, when it has one.
    pub tolerated_failure_count: Option<u64>,
    /// A Map state's effective `ToleratedFailurePercentage`, when it has one.
    pub tolerated_failure_percentage: Option<f64>,
    /// Whether the `Assign` that ran (the state's, a Choice rule's or a catcher's) exists.
    pub assigned: bool,
    /// The frame's workflow variables once the state exits (after its `Assign`).
    pub variables: Option<Map<String, Value>>,
    /// The state's output.
    pub output: Option<Value>,
    /// The error the state raised (or its task returned), before Retry and Catch.
    pub error: Option<TracedError>,
    /// How the state ended, once it has.
    pub outcome: Option<TraceOutcome>,
}

/// An error and cause, each of which a Fail state may leave out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedError {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// How a traced state ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TraceOutcome {
    /// It left for `next` (`None`: the end of its frame).
    Left { next: Option<String> },
    /// Retrier `retry_index` matched its error: it runs again after `backoff_seconds`
    /// (`IntervalSeconds` × `BackoffRate`^attempt, capped by `MaxDelaySeconds`), or
    /// `delay_seconds` once `JitterStrategy` is applied.
    Retried { retry_index: usize, backoff_seconds: f64, delay_seconds: f64 },
    /// Catcher `catch_index` matched its error: it left for `next`.
    Caught { catch_index: usize, next: String },
    /// Its frame failed with this error.
    Failed(TracedError),
}

/// What a one-state run (TestState) gives the runner beyond an ordinary execution.
#[derive(Debug, Clone)]
pub(crate) struct OneState {
    /// The tested Task's (or Parallel's / Map's) answer: it replaces the resource (or the
    /// branches / iterations).
    pub answer: Option<Outcome>,
    /// The error of a Task nobody answers (no mock, not the built-in mock function).
    pub unanswered: StatesError,
    /// `$$` as the caller gave it.
    pub context: Option<Value>,
    /// Attempts each retrier has already made (`retrierRetryCount`).
    pub retry_count: u64,
    /// How many of a mocked Map state's iterations failed (`mapIterationFailureCount`).
    pub map_iteration_failure_count: Option<u64>,
}

thread_local! {
    static CONTEXT_AS_GIVEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While alive, `$states.context` is `$$` unchanged (TestState's context object, given or
/// its own, shows exactly as AWS's TestState shows it: no `RedriveCount` added, `RetryCount`
/// kept). One-state runs set it around their steps; the flag is per thread, and a run steps
/// on one thread.
pub(crate) struct ContextAsGiven(bool);

impl ContextAsGiven {
    pub(crate) fn set() -> ContextAsGiven {
        ContextAsGiven(CONTEXT_AS_GIVEN.with(|c| c.replace(true)))
    }
}

impl Drop for ContextAsGiven {
    fn drop(&mut self) {
        CONTEXT_AS_GIVEN.with(|c| c.set(self.0));
    }
}

/// Whether a [`ContextAsGiven`] is alive on this thread.
pub(crate) fn context_as_given() -> bool {
    CONTEXT_AS_GIVEN.with(std::cell::Cell::get)
}

impl Execution {
    /// Records into frame `fid`'s trace, if it keeps one (`f` runs only then).
    #[inline]
    pub(crate) fn record(&mut self, fid: FrameId, f: impl FnOnce(&mut StateTrace)) {
        if let Some(t) = self.frames.get_mut(fid).and_then(|fr| fr.trace.as_deref_mut()) {
            f(t);
        }
    }

    /// Whether frame `fid` keeps a trace.
    #[inline]
    pub(crate) fn traced(&self, fid: FrameId) -> bool {
        self.frames.get(fid).is_some_and(|f| f.trace.is_some())
    }

    /// The trace of the top-level frame's current (or last) state, when it keeps one.
    pub fn root_trace(&self) -> Option<&StateTrace> {
        self.frames.first().and_then(|f| f.trace.as_deref())
    }

    /// The tested state's answer in a one-state run (only the top-level frame's state).
    pub(crate) fn one_state_answer(&self, fid: FrameId) -> Option<Outcome> {
        if fid != 0 {
            return None;
        }
        self.one_state.as_ref().and_then(|o| o.answer.clone())
    }

    /// A mocked Map state's answer once `mapIterationFailureCount` is weighed against its
    /// tolerated failures (`count` iterations): past the threshold it fails with
    /// `States.ExceedToleratedFailureThreshold`, as an execution's Map would.
    pub(crate) fn one_state_map_outcome(
        &self,
        answer: Outcome,
        count: usize,
        tolerated_count: Option<u64>,
        tolerated_percentage: Option<f64>,
    ) -> Outcome {
        let failed = self.one_state.as_ref().and_then(|o| o.map_iteration_failure_count);
        let (Outcome::Success(result), Some(failed)) = (&answer, failed) else { return answer };
        let total = match result {
            Value::Array(items) if count == 0 => items.len(),
            _ => count,
        };
        // As an execution's Map: tolerated when within either threshold.
        let by_count = tolerated_count.is_some_and(|c| failed <= c);
        let by_percentage = tolerated_percentage
            .is_some_and(|p| total > 0 && (failed as f64) * 100.0 / (total as f64) <= p);
        let exceeded = failed > 0 && !by_count && !by_percentage;
        if exceeded {
            Outcome::Failure(StatesError::new(
                crate::errors::names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            ))
        } else {
            answer
        }
    }

    /// In a one-state run, the failure of the tested Task when nobody answers it.
    pub(crate) fn one_state_unanswered(&self, fid: FrameId) -> Option<StatesError> {
        if fid != 0 {
            return None;
        }
        self.one_state.as_ref().map(|o| o.unanswered.clone())
    }
}
