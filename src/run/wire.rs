//! The messages between the page and its engine worker (docs/decisions/0008): serde-derived
//! types, sent as JSON text through `postMessage`. History events travel in the engine's
//! typed transport form (`asl::history::wire::WireEvent`), so the page receives the same
//! `HistoryEvent`s the engine recorded; nothing reads AWS's JSON back into fields.

use asl::history::wire::WireEvent;
use asl::runner::StateVisit;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::run::debugger::{DebugCommand, PauseView};
use crate::run::{Clock, Status};

/// Everything a run needs: the page's texts and the run options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartRun {
    /// Which run this is: replies about older runs are ignored by the page.
    pub run: u64,
    pub definition: String,
    pub input: Value,
    /// A mock configuration in AWS Step Functions Local's format ("" for none).
    pub mocks: String,
    pub test_case: Option<String>,
    /// Virtual start time (ms since the epoch) and the seed of request ids and jitter.
    pub start_time_ms: i64,
    pub seed: u64,
    pub clock: Clock,
    /// The states to pause before (the debugger; links and tests from before it have none).
    #[serde(default)]
    pub breakpoints: Vec<String>,
    /// The name, start state and stop of a listed run (`run/executions.rs`).
    #[serde(default)]
    pub extras: RunExtras,
}

/// What a run of the page's Executions list fixes beyond the page's texts (docs/decisions/0021,
/// "The page's Executions"): its name, the state it starts at ("Re-run from here"), and, when
/// it is re-created, where it was stopped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunExtras {
    /// `$$.Execution.Name` (None: the engine's default name).
    #[serde(default)]
    pub execution_name: Option<String>,
    #[serde(default)]
    pub start_at: Option<asl::runner::RecipeStart>,
    /// Re-creating a stopped run: stop it where it was stopped.
    #[serde(default)]
    pub stop: Option<asl::runner::RecipeStop>,
    /// Re-creating a listed run: on the Instant clock, whatever the page's clock says.
    #[serde(default)]
    pub replay: bool,
    /// Re-creating a redriven run: its redrives, applied after the first attempt.
    #[serde(default)]
    pub redrives: Vec<asl::runner::RecipeRedrive>,
}

/// A listed execution to re-create before redriving it (the worker does not hold it: it was
/// opened from the Executions list): its recipe as a replay, and the number of history events
/// the page shows of it (the re-created history must have as many).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recreate {
    pub start: StartRun,
    pub events: usize,
}

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start a run (any earlier run in the worker is dropped).
    Start(Box<StartRun>),
    /// The clock changed while `run` runs.
    Clock { run: u64, clock: Clock },
    /// `StopExecution` for `run`.
    Stop { run: u64 },
    /// `SendTaskSuccess` for a task of `run` waiting for a callback (`output` is JSON text,
    /// checked by the engine).
    SendTaskSuccess { run: u64, token: String, output: String },
    /// `SendTaskFailure`; an empty error or cause is sent as none.
    SendTaskFailure { run: u64, token: String, error: Option<String>, cause: Option<String> },
    /// `SendTaskHeartbeat`.
    SendTaskHeartbeat { run: u64, token: String },
    /// The debugger: breakpoints, Pause, Continue, Step for `run` (`run/debugger.rs`).
    Debug { run: u64, command: DebugCommand },
    /// `RedriveExecution` of the ended `run`, with the page's mock configuration now ("" for
    /// none) and test case, at the virtual time `at_ms`; `recreate`: a listed execution the
    /// worker re-creates first (as `run`).
    Redrive {
        run: u64,
        mocks: String,
        test_case: Option<String>,
        at_ms: i64,
        clock: Clock,
        #[serde(default)]
        recreate: Option<Box<Recreate>>,
    },
}

/// What changed in a run since the last batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub run: u64,
    /// The history events the page has not received yet, in order.
    pub events: Vec<WireEvent>,
    pub status: Status,
    /// Set once the run has ended (as `DescribeExecution` says).
    pub error: Option<String>,
    pub cause: Option<String>,
    pub output: Option<Value>,
    /// The engine's virtual clock (ms since the epoch).
    pub now_ms: i64,
    /// Running, but nothing is scheduled: only a task token callback could move it on.
    pub idle: bool,
    /// `ResultWriter` files written since the last batch (decision 0019).
    #[serde(default)]
    pub result_files: Vec<asl::runner::result_files::ResultFile>,
    /// Set by Stop: where a run recipe records the stop (`asl::runner::RecipeStop`).
    #[serde(default)]
    pub stopped: Option<asl::runner::RecipeStop>,
}

/// The state visits recorded since the last message (`asl::runner::visits`), posted just
/// before the [`Batch`] of the same moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataFlowBatch {
    pub run: u64,
    pub visits: Vec<StateVisit>,
    /// Visits not recorded so far (past the run's limits).
    pub not_recorded: u64,
}

/// A task of the run waiting for a callback (`asl::runner::WaitingTask`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingTask {
    pub token: String,
    pub state: String,
    /// The how-manieth wait for a callback of this state name (from 0).
    pub occurrence: u64,
    /// Virtual times (ms since the epoch): since when it waits, and its deadlines.
    pub since_ms: i64,
    pub timeout_at_ms: Option<i64>,
    pub heartbeat_at_ms: Option<i64>,
}

impl From<asl::runner::WaitingTask> for WaitingTask {
    fn from(w: asl::runner::WaitingTask) -> Self {
        WaitingTask {
            token: w.token,
            state: w.state,
            occurrence: w.occurrence,
            since_ms: w.since_ms,
            timeout_at_ms: w.timeout_at_ms,
            heartbeat_at_ms: w.heartbeat_at_ms,
        }
    }
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    Batch(Batch),
    DataFlow(DataFlowBatch),
    /// The tasks of `run` waiting for a callback now (sent when they change).
    Waiting {
        run: u64,
        tasks: Vec<WaitingTask>,
    },
    /// What became of a SendTask… call: `refused` is AWS's exception and message.
    CallbackAnswered {
        run: u64,
        operation: String,
        token: String,
        refused: Option<String>,
    },
    /// The run could not start (the reason is for the notice banner).
    Refused {
        run: u64,
        message: String,
    },
    /// The worker itself failed (it could not load, or it panicked).
    Crashed {
        message: String,
    },
    /// The debugger: `run` paused (after the batch with its events so far).
    Paused {
        run: u64,
        pause: PauseView,
    },
    /// The redrive of `run` was refused (`ExecutionNotRedrivable`, bad mocks, or the worker no
    /// longer holds the execution).
    RedriveRefused {
        run: u64,
        message: String,
    },
}

impl ToWorker {
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_text(text: &str) -> Result<ToWorker, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

impl FromWorker {
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_text(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let start = ToWorker::Start(Box::new(StartRun {
            run: 3,
            definition: "{}".into(),
            input: serde_json::json!({"a": 1}),
            mocks: String::new(),
            test_case: Some("T".into()),
            start_time_ms: 5,
            seed: 5,
            clock: Clock::Times10,
            breakpoints: vec!["Wait".into()],
            extras: RunExtras {
                execution_name: Some("named".into()),
                start_at: Some(asl::runner::RecipeStart {
                    state: "Call API".into(),
                    variables: serde_json::Map::new(),
                    map_item: None,
                }),
                stop: None,
                replay: true,
                redrives: Vec::new(),
            },
        }));
        assert_eq!(ToWorker::from_text(&start.to_text()), Ok(start));
        let failure = ToWorker::SendTaskFailure {
            run: 3,
            token: "AQB".into(),
            error: Some("E".into()),
            cause: None,
        };
        assert_eq!(ToWorker::from_text(&failure.to_text()), Ok(failure));
        let waiting = FromWorker::Waiting {
            run: 3,
            tasks: vec![WaitingTask {
                token: "AQB".into(),
                state: "Ask".into(),
                occurrence: 1,
                since_ms: 5,
                timeout_at_ms: Some(9),
                heartbeat_at_ms: None,
            }],
        };
        assert_eq!(FromWorker::from_text(&waiting.to_text()), Ok(waiting));
        let step = ToWorker::Debug { run: 3, command: DebugCommand::Step };
        assert_eq!(ToWorker::from_text(&step.to_text()), Ok(step));
        let crashed = FromWorker::Crashed { message: "x".into() };
        assert_eq!(FromWorker::from_text(&crashed.to_text()), Ok(crashed));
    }
}
