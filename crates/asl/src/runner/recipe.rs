//! A run recipe: what re-creates an execution, event for event, without storing its history.
//!
//! The engine is deterministic (time and randomness are injected), so an execution is a
//! function of its definition, input, mock configuration and test case, seed, start time and
//! name — plus what the user did to it while it ran: where it started ([`StartAt`]), when it
//! was stopped, and its redrives. A list of past executions can keep recipes (small, JSON)
//! and replay the one the user opens.
//!
//! A stop is recorded by the number of history events the execution had when it was stopped
//! (stops happen between scheduler steps, and every step appends whole events, so replaying
//! step by step until the history has that many events reaches the same point) and the
//! virtual time of the stop (a paced run's clock may have moved past its last event).
//! Breakpoints and pauses leave no trace in a history (`runner::debug`), so they are not part
//! of a recipe.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Execution, ExecutionConfig, ExecutionStatus, RedriveRequest, StartAt};
use crate::definition::StateMachine;
use crate::tasks::mock_config::MockConfig;

/// Everything that re-creates one execution (module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecipe {
    /// The definition's text, as run.
    pub definition: String,
    pub input: Value,
    /// The mock configuration's text (AWS Step Functions Local's MockConfigFile), if any.
    pub mock_config: Option<String>,
    pub test_case: Option<String>,
    pub seed: u64,
    pub start_time_ms: i64,
    pub execution_name: String,
    /// Started at a given state ("Re-run from here") rather than at `StartAt`.
    #[serde(default)]
    pub start_at: Option<RecipeStart>,
    /// The first attempt was stopped (ABORTED).
    #[serde(default)]
    pub stop: Option<RecipeStop>,
    /// The redrives, in order.
    #[serde(default)]
    pub redrives: Vec<RecipeRedrive>,
}

/// [`StartAt`], serializable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeStart {
    pub state: String,
    #[serde(default)]
    pub variables: Map<String, Value>,
    #[serde(default)]
    pub map_item: Option<(usize, Value)>,
}

/// Where an attempt was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeStop {
    /// The number of history events when Stop came.
    pub after_events: usize,
    /// The virtual clock then (epoch milliseconds).
    pub at_ms: i64,
}

/// One redrive: when, with which mocks, and whether that attempt was stopped too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeRedrive {
    pub at_ms: i64,
    /// A new mock configuration text and test case; `None` keeps the previous ones.
    #[serde(default)]
    pub mocks: Option<(Option<String>, Option<String>)>,
    #[serde(default)]
    pub stop: Option<RecipeStop>,
}

/// Why a recipe cannot be replayed.
#[derive(Debug, Clone, PartialEq)]
pub enum RecipeError {
    Definition(String),
    Mocks(String),
    StartAt(super::StartAtError),
    Redrive(super::NotRedrivable),
}

impl std::fmt::Display for RecipeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipeError::Definition(m) => write!(f, "The definition is invalid: {m}"),
            RecipeError::Mocks(m) => write!(f, "The mock configuration is invalid: {m}"),
            RecipeError::StartAt(e) => e.fmt(f),
            RecipeError::Redrive(e) => write!(f, "ExecutionNotRedrivable: {e}"),
        }
    }
}

impl std::error::Error for RecipeError {}

impl RunRecipe {
    /// The [`ExecutionConfig`] of the first attempt.
    pub fn config(&self) -> Result<ExecutionConfig, RecipeError> {
        Ok(ExecutionConfig {
            input: self.input.clone(),
            mock_config: parse_mocks(self.mock_config.as_deref())?,
            test_case: self.test_case.clone(),
            start_time_ms: self.start_time_ms,
            seed: self.seed,
            execution_name: self.execution_name.clone(),
            ..ExecutionConfig::default()
        })
    }

    /// Starts the first attempt (nothing run yet).
    pub fn start(&self, machine: Arc<StateMachine>) -> Result<Execution, RecipeError> {
        let config = self.config()?;
        match &self.start_at {
            Some(at) => {
                let at = StartAt {
                    state: at.state.clone(),
                    variables: at.variables.clone(),
                    map_item: at.map_item.clone(),
                };
                Execution::start_at(machine, config, at).map_err(RecipeError::StartAt)
            }
            None => Ok(Execution::start(machine, config)),
        }
    }

    /// Re-creates the execution: every attempt run to its end (or its stop), every redrive
    /// applied. With JSONata in the definition, the backend must be installed (as for any run).
    pub fn replay(&self) -> Result<Execution, RecipeError> {
        let machine = StateMachine::from_text(&self.definition)
            .map_err(|d| RecipeError::Definition(first_message(&d)))?;
        let mut exec = self.start(Arc::new(machine))?;
        exec.replay_attempts(self.stop, &self.redrives)?;
        Ok(exec)
    }
}

impl Execution {
    /// Re-creates the recorded attempts of an execution just started (by [`RunRecipe::start`],
    /// or by a driver that builds its own [`ExecutionConfig`], e.g. to keep the data flow):
    /// the first attempt run to its end or to its `stop`, then every redrive applied and run
    /// to its end or its own stop. [`RunRecipe::replay`] is this after `start`.
    pub fn replay_attempts(
        &mut self,
        stop: Option<RecipeStop>,
        redrives: &[RecipeRedrive],
    ) -> Result<(), RecipeError> {
        run_attempt(self, stop);
        for redrive in redrives {
            let mocks = match &redrive.mocks {
                Some((text, case)) => Some((parse_mocks(text.as_deref())?, case.clone())),
                None => None,
            };
            self.redrive(RedriveRequest { at_ms: Some(redrive.at_ms), mocks })
                .map_err(RecipeError::Redrive)?;
            run_attempt(self, redrive.stop);
        }
        Ok(())
    }

    /// Where a Stop now would be recorded in a [`RunRecipe`].
    pub fn recipe_stop(&self) -> RecipeStop {
        RecipeStop { after_events: self.history().len(), at_ms: self.now_ms() }
    }

    /// Runs on to a recorded stop and stops there: steps until the history has
    /// `stop.after_events` events (or the execution ends first), moves the clock to the stop's
    /// time and records the Stop. The work is bounded by that event count, so a driver may
    /// call it at once when re-creating a stopped execution outside [`RunRecipe::replay`].
    pub fn stop_as_recorded(&mut self, stop: RecipeStop) {
        while self.status() == ExecutionStatus::Running && self.history().len() < stop.after_events
        {
            if !self.step() {
                break;
            }
        }
        self.clock = self.clock.max(stop.at_ms);
        self.stop(None, None);
    }
}

/// Runs an attempt to its end, or to its stop.
fn run_attempt(exec: &mut Execution, stop: Option<RecipeStop>) {
    match stop {
        None => exec.run_to_completion(),
        Some(stop) => exec.stop_as_recorded(stop),
    }
}

fn parse_mocks(text: Option<&str>) -> Result<Option<MockConfig>, RecipeError> {
    text.map(|t| MockConfig::from_text(t).map_err(RecipeError::Mocks)).transpose()
}

fn first_message(diagnostics: &[crate::Diagnostic]) -> String {
    diagnostics.first().map(|d| d.message.clone()).unwrap_or_default()
}
