//! What an execution's history says about each state: the status the graph colours it with
//! (the AWS console's legend) — derived from the event rows only, so it is the same live and
//! after the run.

use std::collections::BTreeMap;

use crate::run::{EventRow, Status};

/// A state's status in the console's legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateStatus {
    /// Entered and not yet left while the execution runs.
    InProgress,
    /// Left normally (its last attempt succeeded).
    Succeeded,
    /// Its error ended the execution, or it is a Fail state that was entered.
    Failed,
    /// Its error was caught by a Catch and the execution went on.
    CaughtError,
    /// Entered but the execution was stopped or timed out before it left.
    Cancelled,
}

impl StateStatus {
    pub fn label(self) -> &'static str {
        match self {
            StateStatus::InProgress => "In progress",
            StateStatus::Succeeded => "Succeeded",
            StateStatus::Failed => "Failed",
            StateStatus::CaughtError => "Caught error",
            StateStatus::Cancelled => "Cancelled",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            StateStatus::InProgress => "in-progress",
            StateStatus::Succeeded => "succeeded",
            StateStatus::Failed => "failed",
            StateStatus::CaughtError => "caught-error",
            StateStatus::Cancelled => "cancelled",
        }
    }
}

/// Does this event report that the current attempt of its state failed?
pub fn is_failure_event(event_type: &str) -> bool {
    !event_type.starts_with("Execution")
        && !event_type.starts_with("MapIteration")
        && !event_type.starts_with("MapRun")
        && (event_type.ends_with("Failed") || event_type.ends_with("TimedOut"))
}

/// Does this event report that the current attempt of its state succeeded?
fn is_success_event(event_type: &str) -> bool {
    !event_type.starts_with("Execution")
        && !event_type.starts_with("MapIteration")
        && !event_type.starts_with("MapRun")
        && event_type.ends_with("Succeeded")
}

/// The status of every state the execution entered (states never entered are absent: "not
/// run"). A state entered several times (a loop, Map iterations) shows its latest run;
/// a failure anywhere in a run that reached its exit is a caught error.
pub fn statuses(events: &[EventRow], execution: Status) -> BTreeMap<String, StateStatus> {
    #[derive(Default)]
    struct Run {
        open: usize,
        failed: bool,
        exited: bool,
    }
    let mut runs: BTreeMap<&str, Run> = BTreeMap::new();
    let mut fail_states: Vec<&str> = Vec::new();
    // The state whose failure event came last: when the execution fails, it is the culprit.
    let mut last_failure: Option<&str> = None;
    for event in events {
        let Some(step) = event.step.as_deref() else {
            continue;
        };
        let t = event.event_type.as_str();
        let run = runs.entry(step).or_default();
        if t.ends_with("StateEntered") {
            if run.open == 0 {
                *run = Run::default();
            }
            run.open += 1;
            if t == "FailStateEntered" {
                fail_states.push(step);
            }
        } else if t.ends_with("StateExited") {
            run.open = run.open.saturating_sub(1);
            run.exited = true;
        } else if is_failure_event(t) {
            run.failed = true;
            last_failure = Some(step);
        } else if is_success_event(t) {
            run.failed = false;
        }
    }
    let culprit = if execution == Status::Failed { last_failure } else { None };
    runs.into_iter()
        .map(|(name, run)| {
            let status = if fail_states.contains(&name) || (culprit == Some(name) && run.open > 0) {
                StateStatus::Failed
            } else if run.open > 0 {
                match execution {
                    Status::Running => StateStatus::InProgress,
                    Status::Failed => StateStatus::Failed,
                    Status::Succeeded | Status::TimedOut | Status::Aborted => {
                        StateStatus::Cancelled
                    }
                }
            } else if run.failed && run.exited {
                StateStatus::CaughtError
            } else {
                StateStatus::Succeeded
            };
            (name.to_string(), status)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{start, RunView};
    use serde_json::json;

    const TUTORIAL: &str = include_str!("../examples/tutorial.asl.json");

    fn run(code: &str) -> RunView {
        match start(TUTORIAL, &json!({ "statuscode": code }), "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        }
    }

    fn status_of(view: &RunView, state: &str) -> Option<StateStatus> {
        statuses(&view.events, view.status).get(state).copied()
    }

    #[test]
    fn succeeded_run_colours_the_path_it_took() {
        let view = run("200");
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "OK"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "Wait and Try Later"), None);
    }

    #[test]
    fn caught_error_then_fail_state() {
        let view = run("503");
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::CaughtError));
        assert_eq!(status_of(&view, "Server Unavailable"), Some(StateStatus::Failed));
    }

    #[test]
    fn a_retried_and_caught_task_that_later_succeeds_shows_its_latest_run() {
        let view = run("429");
        // Call API ran twice: caught (after retries), then succeeded.
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "Wait and Try Later"), Some(StateStatus::Succeeded));
    }

    #[test]
    fn an_uncaught_failure_marks_the_state_failed() {
        let definition = r#"{"StartAt":"T","States":{"T":{"Type":"Task",
            "Resource":"arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction","End":true}}}"#;
        let view = match start(definition, &json!({ "statuscode": "503" }), "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        };
        assert_eq!(view.status, Status::Failed);
        assert_eq!(status_of(&view, "T"), Some(StateStatus::Failed));
    }

    #[test]
    fn failure_events_exclude_execution_and_iteration_events() {
        assert!(is_failure_event("LambdaFunctionFailed"));
        assert!(is_failure_event("TaskTimedOut"));
        assert!(!is_failure_event("ExecutionFailed"));
        assert!(!is_failure_event("MapIterationFailed"));
    }
}
