//! The debugger's part of the worker protocol (issue 11; docs/decisions/0021-debugger.md):
//! the commands the page sends (breakpoints, Pause, Continue, Step) and the pause the worker
//! reports, a serde mirror of the engine's `asl::runner::Pause`. Kept apart from the rest of
//! `wire.rs`: `ToWorker::Debug` and `FromWorker::Paused` carry these.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Page → worker, for the run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DebugCommand {
    /// Replaces the breakpoints (state names).
    Breakpoints(Vec<String>),
    /// "Pause": stop before the next scheduler step, wherever the run is.
    Pause,
    /// "Continue": run to the next breakpoint.
    Continue,
    /// "Step": run until the next state is about to be entered (the engine's stepping rule).
    Step,
}

/// Why the run paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PauseReason {
    Breakpoint,
    Step,
    Requested,
}

/// Where a run is paused and what the state will see (`asl::runner::Pause`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseView {
    pub reason: PauseReason,
    pub state: String,
    /// Before the state's `…StateEntered` (false: a Pause found the run inside the state).
    pub entering: bool,
    pub input: Value,
    /// The workflow variables in scope (a JSON object).
    pub variables: Value,
    /// `$$`.
    pub context: Value,
    /// `$states` for a JSONata state.
    pub states: Option<Value>,
    /// The enclosing Parallel branches / Map iterations, outermost first ("Map \"M\" iteration
    /// 2", "Parallel \"P\" branch 1").
    pub scope: Vec<String>,
    pub at_ms: i64,
}

impl PauseView {
    pub fn of(pause: &asl::runner::Pause) -> PauseView {
        use asl::runner::{PauseReason as R, ScopeStep};
        PauseView {
            reason: match pause.reason {
                R::Breakpoint => PauseReason::Breakpoint,
                R::Step => PauseReason::Step,
                R::Requested => PauseReason::Requested,
            },
            state: pause.state.clone(),
            entering: pause.entering,
            input: pause.input.clone(),
            variables: Value::Object(pause.variables.clone()),
            context: pause.context.clone(),
            states: pause.states.clone(),
            scope: pause
                .scope
                .iter()
                .map(|s| match s {
                    ScopeStep::Branch { state, index } => {
                        format!("Parallel \"{state}\" branch {}", index + 1)
                    }
                    ScopeStep::Iteration { state, index } => {
                        format!("Map \"{state}\" iteration {index}")
                    }
                })
                .collect(),
            at_ms: pause.at_ms,
        }
    }

    /// The status banner's words: "Paused at <state>".
    pub fn label(&self) -> String {
        format!("Paused at {}", self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_pause_crosses_the_wire_and_names_its_state() {
        let text = include_str!("../../examples/tutorial.asl.json");
        let Ok(machine) = asl::StateMachine::from_text(text) else { panic!("valid") };
        let config = asl::ExecutionConfig {
            input: serde_json::json!({"statuscode": "429"}),
            ..Default::default()
        };
        let mut exec = asl::Execution::start(Arc::new(machine), config);
        exec.set_breakpoints(["Wait and Try Later"]);
        exec.run_to_completion();
        let Some(pause) = exec.paused() else { panic!("paused") };
        let view = PauseView::of(pause);
        assert_eq!(view.label(), "Paused at Wait and Try Later");
        let message = crate::run::wire::FromWorker::Paused { run: 1, pause: view.clone() };
        let back = crate::run::wire::FromWorker::from_text(&message.to_text());
        assert_eq!(back, Ok(message));
    }
}
