//! The app's view of an execution: what the status banner, the input/output tabs and the
//! event history table show, filled from the engine (`asl::Execution`). The history is kept as
//! the engine's typed events; what they say about each state is read by the engine
//! (`asl::history::reader`).

pub mod abort;
pub mod debugger;
pub mod driver;
pub mod executions;
pub mod replay;
pub mod wire;
pub mod worker;

use std::collections::BTreeMap;

use asl::history::reader::{self, StateDetail, StateStatus};
use asl::HistoryEvent;
use serde_json::Value;

/// Execution status as the console names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Running => "Running",
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::TimedOut => "Timed out",
            Status::Aborted => "Aborted",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::TimedOut => "timed-out",
            Status::Aborted => "aborted",
        }
    }

    /// The engine's status.
    pub fn engine(self) -> asl::ExecutionStatus {
        match self {
            Status::Running => asl::ExecutionStatus::Running,
            Status::Succeeded => asl::ExecutionStatus::Succeeded,
            Status::Failed => asl::ExecutionStatus::Failed,
            Status::TimedOut => asl::ExecutionStatus::TimedOut,
            Status::Aborted => asl::ExecutionStatus::Aborted,
        }
    }
}

/// How virtual time advances while an execution runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Clock {
    /// Waits and retry intervals take no wall time.
    Instant,
    /// One virtual second per second.
    RealTime,
    /// Ten virtual seconds per second.
    Times10,
}

impl Clock {
    pub const ALL: [Clock; 3] = [Clock::Instant, Clock::RealTime, Clock::Times10];

    pub fn label(self) -> &'static str {
        match self {
            Clock::Instant => "Instant",
            Clock::RealTime => "Real time",
            Clock::Times10 => "×10",
        }
    }

    /// Virtual milliseconds per wall-clock millisecond (None: as fast as possible).
    pub fn speed(self) -> Option<f64> {
        match self {
            Clock::Instant => None,
            Clock::RealTime => Some(1.0),
            Clock::Times10 => Some(10.0),
        }
    }
}

/// Everything the execution panels show.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub status: Status,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub input: Value,
    pub output: Option<Value>,
    /// The history so far, as the engine recorded it (cloning shares the payloads).
    pub events: Vec<HistoryEvent>,
    /// The files Distributed Map `ResultWriter`s wrote so far (decision 0019).
    pub result_files: Vec<asl::runner::result_files::ResultFile>,
    /// The data flow of every state visit so far (the "Data flow" panel), bounded by
    /// [`DATA_FLOW_LIMITS`].
    pub data_flow: asl::runner::DataFlow,
    /// Where Stop stopped it, as a run recipe records it (the page's Executions list).
    pub stopped: Option<asl::runner::RecipeStop>,
}

impl RunView {
    /// When the execution started (its first event's time), ms since the epoch.
    pub fn start_ms(&self) -> i64 {
        self.events.first().map_or(0, |e| e.timestamp_ms)
    }

    /// Milliseconds from the execution's start to `event`.
    pub fn elapsed_ms(&self, event: &HistoryEvent) -> i64 {
        event.timestamp_ms - self.start_ms()
    }

    /// The status of every state entered so far (the graph's colours).
    pub fn statuses(&self) -> BTreeMap<String, StateStatus> {
        reader::statuses(&self.events, self.status.engine())
    }

    /// What the history says about the state `name`.
    pub fn state_detail(&self, name: &str) -> StateDetail {
        reader::state_detail(&self.events, self.status.engine(), name)
    }
}

/// How much of a run's data flow the page keeps (`asl::runner::visits`): enough for the
/// tutorial and the examples many times over, small enough to post from the worker.
pub const DATA_FLOW_LIMITS: asl::runner::DataFlowLimits =
    asl::runner::DataFlowLimits { max_visits: 5_000, max_bytes: 16 * 1024 * 1024 };

/// Everything needed to start an execution: the compiled definition and the page's texts.
pub struct Request<'a> {
    pub machine: std::sync::Arc<asl::StateMachine>,
    pub input: &'a Value,
    /// A mock configuration in AWS Step Functions Local's format ("" for none).
    pub mocks: &'a str,
    /// The mock configuration's test case to use.
    pub test_case: Option<&'a str>,
    /// Virtual start time (ms since the epoch); the page passes the wall clock.
    pub start_time_ms: i64,
    /// Seeds request ids and retry jitter (the page passes the start time).
    pub seed: u64,
}

/// The engine's machine for definition text, or why it is not valid.
pub fn compile(definition: &str) -> Result<std::sync::Arc<asl::StateMachine>, String> {
    asl::StateMachine::from_text(definition).map(std::sync::Arc::new).map_err(|diagnostics| {
        let first = diagnostics.first().map(|d| d.message.clone()).unwrap_or_default();
        format!("The definition is not valid: {first}")
    })
}

/// Creates the execution (not yet run): the mocks must parse.
pub fn prepare(request: &Request) -> Result<asl::Execution, String> {
    Ok(asl::Execution::start(request.machine.clone(), prepare_config(request)?))
}

/// The engine configuration of `request` (the mocks must parse).
pub fn prepare_config(request: &Request) -> Result<asl::ExecutionConfig, String> {
    let mock_config = if request.mocks.trim().is_empty() {
        None
    } else {
        Some(
            asl::MockConfig::from_text(request.mocks)
                .map_err(|e| format!("The mock configuration is not valid: {e}"))?,
        )
    };
    let config = asl::ExecutionConfig {
        input: request.input.clone(),
        mock_config,
        test_case: request.test_case.map(str::to_string),
        start_time_ms: request.start_time_ms,
        seed: request.seed,
        data_flow: Some(DATA_FLOW_LIMITS),
        ..asl::ExecutionConfig::default()
    };
    Ok(config)
}

/// Runs an execution of `definition` on `input` to completion on the engine's virtual clock
/// (Waits and retry intervals take no wall time). `mocks` is an optional mock configuration in
/// AWS Step Functions Local's format; `test_case` selects its test case.
pub fn start(
    definition: &str,
    input: &Value,
    mocks: &str,
    test_case: Option<&str>,
) -> Result<RunView, String> {
    let start_time_ms = asl::ExecutionConfig::default().start_time_ms;
    let machine = compile(definition)?;
    let seed = start_time_ms as u64;
    let mut execution =
        prepare(&Request { machine, input, mocks, test_case, start_time_ms, seed })?;
    execution.run_to_completion();
    Ok(view_of(&execution))
}

/// The panels' view of an execution.
pub fn view_of(execution: &asl::Execution) -> RunView {
    let mut view = RunView {
        status: Status::Running,
        error: None,
        cause: None,
        input: execution.describe().input,
        output: None,
        events: Vec::new(),
        result_files: Vec::new(),
        data_flow: asl::runner::DataFlow::default(),
        stopped: None,
    };
    refresh(&mut view, execution);
    view
}

pub fn status_of(status: asl::ExecutionStatus) -> Status {
    match status {
        asl::ExecutionStatus::Running => Status::Running,
        asl::ExecutionStatus::Succeeded => Status::Succeeded,
        asl::ExecutionStatus::Failed => Status::Failed,
        asl::ExecutionStatus::TimedOut => Status::TimedOut,
        asl::ExecutionStatus::Aborted => Status::Aborted,
    }
}

/// Brings `view` up to date with `execution`: status, output, error and cause, and the
/// history events it has not seen yet (earlier events never change, so only new ones are
/// copied). Returns whether anything changed.
pub fn refresh(view: &mut RunView, execution: &asl::Execution) -> bool {
    let history = execution.history();
    let status = status_of(execution.status());
    if let Some(flow) = execution.data_flow() {
        let new = flow.visits.iter().skip(view.data_flow.visits.len()).cloned();
        view.data_flow.visits.extend(new);
        view.data_flow.not_recorded = flow.not_recorded;
        view.data_flow.limits = flow.limits;
    }
    if history.len() == view.events.len() && status == view.status {
        return false;
    }
    view.events.extend(history.iter().skip(view.events.len()).cloned());
    let files = execution.result_files();
    view.result_files.extend(files.iter().skip(view.result_files.len()).cloned());
    if status != view.status {
        let describe = execution.describe();
        view.status = status;
        view.error = describe.error;
        view.cause = describe.cause;
        view.output = describe.output;
    }
    true
}

/// `2025-11-21 08:47:03.123 UTC` for milliseconds since the Unix epoch.
pub fn format_timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{millis:03} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(format_timestamp(1_763_714_823_123), "2025-11-21 08:47:03.123 UTC");
        assert_eq!(format_timestamp(951_782_400_000), "2000-02-29 00:00:00.000 UTC");
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999 UTC");
    }

    #[test]
    fn labels() {
        assert_eq!(Status::TimedOut.label(), "Timed out");
        assert_eq!(Clock::Times10.speed(), Some(10.0));
    }

    const TUTORIAL: &str = include_str!("../../examples/tutorial.asl.json");

    fn run(code: &str) -> RunView {
        let input = serde_json::json!({ "statuscode": code });
        match start(TUTORIAL, &input, "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        }
    }

    #[test]
    fn tutorial_200_succeeds() {
        let view = run("200");
        assert_eq!(view.status, Status::Succeeded);
        assert_eq!(view.output, Some(Value::String("The request has succeeded.".into())));
        assert_eq!(view.events.first().map(|e| e.type_name()), Some("ExecutionStarted"));
        assert_eq!(view.events.first().map(|e| view.elapsed_ms(e)), Some(0));
    }

    #[test]
    fn tutorial_503_fails_with_eight_events() {
        let view = run("503");
        assert_eq!(view.status, Status::Failed);
        assert_eq!(view.error.as_deref(), Some("ServerUnavailable"));
        assert_eq!(
            view.cause.as_deref(),
            Some("The server is currently unable to handle the request.")
        );
        assert_eq!(view.events.len(), 8);
    }

    #[test]
    fn tutorial_429_succeeds_after_retries() {
        let view = run("429");
        assert_eq!(view.status, Status::Succeeded);
        assert!(view.events.iter().any(|e| e.state_name.as_deref() == Some("Wait and Try Later")));
    }

    #[test]
    fn refreshing_step_by_step_gives_the_same_view_as_running_at_once() {
        let input = serde_json::json!({ "statuscode": "429" });
        let Ok(machine) = compile(TUTORIAL) else { panic!("the tutorial compiles") };
        let request = Request {
            machine,
            input: &input,
            mocks: "",
            test_case: None,
            start_time_ms: 1_700_000_000_000,
            seed: 1_700_000_000_000,
        };
        let Ok(mut stepped) = prepare(&request) else { panic!("tutorial should start") };
        let mut view = view_of(&stepped);
        assert_eq!(view.status, Status::Running);
        let mut updates = 0;
        while stepped.step() {
            if refresh(&mut view, &stepped) {
                updates += 1;
            }
        }
        refresh(&mut view, &stepped);
        let Ok(mut whole) = prepare(&request) else { panic!("tutorial should start") };
        whole.run_to_completion();
        assert_eq!(view, view_of(&whole));
        assert_eq!(view.status, Status::Succeeded);
        assert!(updates > 5, "{updates}");
    }

    #[test]
    fn bad_mocks_are_reported() {
        let err = start(TUTORIAL, &Value::Null, "{not json", None).err().unwrap_or_default();
        assert!(err.starts_with("The mock configuration is not valid"), "{err}");
    }
}
