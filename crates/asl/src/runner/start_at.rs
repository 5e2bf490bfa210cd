//! Starting an execution at any state ("Re-run from here"): a new execution whose first state
//! is the given one, with the given input (the execution input, `$$.Execution.Input`) and
//! workflow variables.
//!
//! A state inside a Parallel branch or a Map's item processor can be the start too: the new
//! execution then runs the rest of that one branch or iteration — from the given state to the
//! end of its program — and ends with what that branch or iteration would have returned
//! (its output is the execution's output; a failure fails the execution). The enclosing
//! Parallel / Map state does not run; `$$.Map.Item` is the item given, if any. AWS has no such
//! call: the history is an ordinary execution's (`ExecutionStarted` with the given input, then
//! the given state's `…StateEntered`), and `TimeoutSeconds` of the state machine applies.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Execution, ExecutionConfig};
use crate::definition::{Program, StateMachine};

/// Where and with what a [`Execution::start_at`] execution begins. Its input is
/// [`ExecutionConfig::input`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartAt {
    /// The first state (at any depth).
    pub state: String,
    /// The workflow variables in scope at that state.
    pub variables: Map<String, Value>,
    /// `$$.Map.Item` (index, value) when the state is inside a Map's item processor.
    pub map_item: Option<(usize, Value)>,
}

/// The state to start at is not in the definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartAtError {
    pub state: String,
}

impl std::fmt::Display for StartAtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "State '{}' does not exist in the state machine", self.state)
    }
}

impl std::error::Error for StartAtError {}

/// The resolved start: the program holding the state.
pub(crate) struct Entry {
    pub program: Arc<Program>,
    pub state: String,
    pub variables: Map<String, Value>,
    pub map_item: Option<(usize, Value)>,
}

impl Execution {
    /// Starts an execution at `at.state` (module documentation): records `ExecutionStarted`
    /// and schedules that state.
    pub fn start_at(
        machine: Arc<StateMachine>,
        config: ExecutionConfig,
        at: StartAt,
    ) -> Result<Execution, StartAtError> {
        let Some(program) = machine.program_of(&at.state) else {
            return Err(StartAtError { state: at.state });
        };
        let entry =
            Entry { program, state: at.state, variables: at.variables, map_item: at.map_item };
        Ok(Execution::begin_at(machine, config, None, Some(entry)))
    }
}
