//! AWS's `TestState` API (with its November 2025 fields): run one state of a definition on a
//! given input, with an optional mocked result or error, and report each data-flow stage
//! (`inspectionData`).
//!
//! TestState is the runner on one state: [`test_state`] starts a one-state execution at the
//! tested state (the request's input, variables, `$$` and retry count; the mock as the Task's,
//! Parallel's or Map's answer), runs it until that state leaves or fails, and reads the answer
//! from the state's [`StateTrace`], which the runner records as it computes each value.
//! [`api`] reads a request in the API's JSON shape (what `aws stepfunctions test-state
//! --cli-input-json` sends) and applies AWS's request rules; [`test_state`] applies the rules
//! that depend on the tested state.

pub mod api;
mod rules;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::definition::{QueryLanguage, State, StateKind, StateMachine};
use crate::errors::{error_equals_matches, names, StatesError};
use crate::runner::trace::{ContextAsGiven, OneState};
use crate::runner::{Execution, ExecutionConfig, StateTrace, TraceOutcome, TracedError};
use crate::tasks::mock_config::MockConfig;
use crate::tasks::{Outcome, Pattern, ResourceKind};

pub use api::{test_state_api, Rejection};

/// What a task returns in a TestState call (`mock.result` / `mock.errorOutput`).
#[derive(Debug, Clone, PartialEq)]
pub enum TestMock {
    Result(Value),
    Error { error: String, cause: String },
}

/// `inspectionLevel`: how much of the data flow the response shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    /// The status, output, error and next state only (AWS's default).
    #[default]
    Info,
    /// Also `inspectionData`: each data-flow stage.
    Debug,
    /// As DEBUG (AWS adds an HTTP Task's request and response, which Stepwise does not call).
    Trace,
}

/// `mock.fieldValidationMode`: how a mocked Task result is checked against the integration's
/// response shape (`crate::tasks::responses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidationMode {
    #[default]
    Strict,
    Present,
    None,
}

#[derive(Debug, Clone)]
pub struct TestStateRequest {
    /// The tested state (a top-level state of `machine`).
    pub state_name: String,
    pub input: Value,
    pub mock: Option<TestMock>,
    pub field_validation_mode: FieldValidationMode,
    /// `$$` as the caller wants it; TestState's own context object otherwise.
    pub context: Option<Value>,
    /// `stateConfiguration.retrierRetryCount`: attempts already made.
    pub retrier_retry_count: u64,
    /// `stateConfiguration.errorCausedByState`: the state inside a Map or Parallel that raised
    /// the mocked error.
    pub error_caused_by_state: Option<String>,
    /// `stateConfiguration.mapIterationFailureCount`.
    pub map_iteration_failure_count: Option<u64>,
    /// `stateConfiguration.mapItemReaderData`: what a Map's `ItemReader` reads.
    pub map_item_reader_data: Option<String>,
    /// Workflow variables visible to the state (`$name`).
    pub variables: Map<String, Value>,
    pub inspection_level: InspectionLevel,
    pub reveal_secrets: bool,
    /// `roleArn` (`$$.Execution.RoleArn`).
    pub role_arn: Option<String>,
}

impl Default for TestStateRequest {
    fn default() -> Self {
        TestStateRequest {
            state_name: String::new(),
            input: json!({}),
            mock: None,
            field_validation_mode: FieldValidationMode::Strict,
            context: None,
            retrier_retry_count: 0,
            error_caused_by_state: None,
            map_iteration_failure_count: None,
            map_item_reader_data: None,
            variables: Map::new(),
            inspection_level: InspectionLevel::Info,
            reveal_secrets: false,
            role_arn: None,
        }
    }
}

/// TestState's response.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResponse {
    /// `SUCCEEDED`, `FAILED`, `RETRIABLE` or `CAUGHT_ERROR`.
    pub status: &'static str,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    /// `inspectionData` (`null` at the INFO level): the data-flow stages as JSON text, as the
    /// API returns them; `maxConcurrency`, the tolerated failures and `errorDetails` as values.
    pub inspection_data: Value,
}

impl TestStateResponse {
    /// The response in the API's JSON shape.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("status".into(), json!(self.status));
        if let Some(out) = &self.output {
            o.insert("output".into(), json!(crate::history::json_text(out)));
        }
        if let Some(e) = &self.error {
            o.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            o.insert("cause".into(), json!(c));
        }
        if let Some(n) = &self.next_state {
            o.insert("nextState".into(), json!(n));
        }
        if !self.inspection_data.is_null() {
            o.insert("inspectionData".into(), self.inspection_data.clone());
        }
        Value::Object(o)
    }
}

/// The name TestState gives the tested state in `$$.State.Name` (and a single-state
/// definition's state), as AWS does.
pub const TESTED_STATE_NAME: &str = "StateName";

/// Runs `request.state_name` of `machine` (top-level states only).
pub fn test_state(
    machine: &StateMachine,
    request: &TestStateRequest,
) -> Result<TestStateResponse, Rejection> {
    let state = machine
        .program
        .state(&request.state_name)
        .ok_or_else(|| Rejection::validation("State not found in definition"))?;
    rules::check(state, request)?;
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    let unanswered = match (&state.kind, jsonata) {
        (StateKind::Task(task), false) => format!(
            "no mock given for the resource '{}': Stepwise calls no service; pass a mock result or error",
            task.resource
        ),
        _ => "no mock given for the state: Stepwise calls no service; pass a mock result or error"
            .to_string(),
    };
    let mut config = ExecutionConfig {
        input: request.input.clone(),
        execution_name: "test-state-execution".into(),
        state_machine_name: "TestStateMachine".into(),
        ..ExecutionConfig::default()
    };
    if let Some(data) = &request.map_item_reader_data {
        // The ItemReader reads the given data as the object's text.
        let mocks = json!({
            "StateMachines": {(config.state_machine_name.clone()): {"TestCases": {"TestState": {
                (request.state_name.clone()): "ItemReaderData"}}}},
            "MockedResponses": {"ItemReaderData": {"0": {"Return": {"Body": data}}}}
        });
        config.mock_config =
            Some(MockConfig::from_value(&mocks).map_err(|m| Rejection::validation(&m))?);
        config.test_case = Some("TestState".into());
    }
    let context = match &request.context {
        Some(c) => c.clone(),
        None => default_context(&config, state, request),
    };
    let one = OneState {
        answer: request.mock.as_ref().map(|m| match m {
            TestMock::Result(v) => Outcome::Success(v.clone()),
            TestMock::Error { error, cause } => {
                Outcome::Failure(StatesError::new(error.clone(), cause.clone()))
            }
        }),
        unanswered: StatesError::new(names::TASK_FAILED, unanswered),
        context: Some(context),
        retry_count: request.retrier_retry_count,
        map_iteration_failure_count: request.map_iteration_failure_count,
    };
    let _as_given = ContextAsGiven::set();
    let mut exec = Execution::start_one_state(
        Arc::new(machine.clone()),
        config,
        &request.state_name,
        request.variables.clone(),
        one,
    );
    while exec.root_trace().is_some_and(|t| t.outcome.is_none()) && exec.step() {}
    let trace = exec.root_trace().cloned().unwrap_or_default();
    Ok(response(state, &trace, request.inspection_level, &exec))
}

/// TestState's `$$` when the request gives none: an Express execution of its own, the state
/// named [`TESTED_STATE_NAME`], `RoleArn` from the request (`null` without one),
/// `RetryCount` (Task, Parallel and Map states) from `retrierRetryCount`, and a `.waitForTaskToken`
/// Task's token.
fn default_context(config: &ExecutionConfig, state: &State, request: &TestStateRequest) -> Value {
    let now = crate::time::format_millis(config.start_time_ms);
    let mut state_ctx = json!({"Name": TESTED_STATE_NAME, "EnteredTime": now});
    if matches!(state.kind, StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)) {
        state_ctx["RetryCount"] = json!(request.retrier_retry_count);
    }
    let mut context = json!({
        "Execution": {
            "Id": format!("arn:aws:states:{}:{}:express:{}:{}", config.region, config.account,
                config.state_machine_name, config.execution_name),
            "Input": config.input,
            "Name": config.execution_name,
            "RoleArn": request.role_arn,
            "StartTime": now,
        },
        "StateMachine": {
            "Id": config.state_machine_arn(),
            "Name": config.state_machine_name,
        },
        "State": state_ctx,
    });
    if let StateKind::Task(task) = &state.kind {
        if matches!(
            ResourceKind::of(&task.resource),
            ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. }
        ) {
            // A callback task's token (fixed: a one-state run has no second caller to give it to).
            context["Task"] = json!({"Token": TEST_STATE_TASK_TOKEN});
        }
    }
    context
}

/// `$$.Task.Token` of a tested `.waitForTaskToken` Task when the request gives no context.
pub const TEST_STATE_TASK_TOKEN: &str = "AQBTestStateTaskToken";

/// TestState's answer from the tested state's trace.
fn response(
    state: &State,
    trace: &StateTrace,
    level: InspectionLevel,
    exec: &Execution,
) -> TestStateResponse {
    let mut inspection = inspection_stages(state, trace);
    let mut response = TestStateResponse {
        status: "SUCCEEDED",
        output: None,
        error: None,
        cause: None,
        next_state: None,
        inspection_data: Value::Null,
    };
    let raised = |e: &Option<TracedError>| {
        let e = e.as_ref();
        (
            Some(e.and_then(|e| e.error.clone()).unwrap_or_default()),
            Some(e.and_then(|e| e.cause.clone()).unwrap_or_default()),
        )
    };
    match &trace.outcome {
        Some(TraceOutcome::Left { next }) => {
            response.output = trace.output.clone();
            response.next_state = next.clone();
        }
        Some(TraceOutcome::Retried { retry_index, backoff_seconds, .. }) => {
            response.status = "RETRIABLE";
            // The API's field is an Integer: an infinite backoff (BackoffRate 1e308) saturates
            // there.
            let seconds = backoff_seconds.round().clamp(0.0, f64::from(i32::MAX)) as u64;
            inspection.insert(
                "errorDetails".into(),
                json!({"retryIndex": retry_index, "retryBackoffIntervalSeconds": seconds}),
            );
            (response.error, response.cause) = raised(&trace.error);
        }
        Some(TraceOutcome::Caught { catch_index, next }) => {
            response.status = "CAUGHT_ERROR";
            response.output = trace.output.clone();
            response.next_state = Some(next.clone());
            inspection.insert("errorDetails".into(), json!({"catchIndex": catch_index}));
            (response.error, response.cause) = raised(&trace.error);
        }
        Some(TraceOutcome::Failed(e)) => {
            response.status = "FAILED";
            // A retrier that matched but has no attempts left is named (AWS does so).
            let error = e.error.as_deref().unwrap_or_default();
            if let Some(i) =
                state.retry.iter().position(|r| error_equals_matches(&r.error_equals, error))
            {
                inspection.insert("errorDetails".into(), json!({"retryIndex": i}));
            }
            (response.error, response.cause) = raised(&Some(e.clone()));
        }
        None => {
            // The run ended before the state did (e.g. a branch waits for a callback).
            let d = exec.describe();
            response.status = "FAILED";
            response.error = Some(d.error.unwrap_or_else(|| names::RUNTIME.to_string()));
            response.cause =
                Some(d.cause.unwrap_or_else(|| "the state did not finish on its own".to_string()));
        }
    }
    if level != InspectionLevel::Info {
        response.inspection_data = Value::Object(inspection);
    }
    response
}

/// The `inspectionData` stages AWS reports for this kind of state, from its trace.
fn inspection_stages(state: &State, trace: &StateTrace) -> Map<String, Value> {
    let text = |v: &Value| json!(crate::history::json_text(v));
    let mut out = Map::new();
    let mut stage = |name: &str, v: &Option<Value>| {
        if let Some(v) = v {
            out.insert(name.into(), text(v));
        }
    };
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    // Without a ResultSelector, AWS shows the result as the stage after it.
    let selected = trace.after_result_selector.clone().or_else(|| trace.result.clone());
    let left = trace.after_result_path.is_some();
    stage("input", &trace.input);
    match (&state.kind, jsonata) {
        (StateKind::Pass { result: Some(_) }, false) => {
            stage("result", &trace.result);
            stage("afterResultSelector", &trace.result.clone().filter(|_| left));
            stage("afterResultPath", &trace.after_result_path);
        }
        (StateKind::Pass { result: None }, false) => {
            stage("afterInputPath", &trace.after_input_path);
            stage("afterParameters", &trace.after_parameters);
            stage("afterResultSelector", &selected.filter(|_| left));
            stage("afterResultPath", &trace.after_result_path);
        }
        (StateKind::Task(_), false) => {
            stage("afterInputPath", &trace.after_input_path);
            stage("afterParameters", &trace.after_parameters);
            stage("result", &trace.result);
            stage("afterResultSelector", &selected);
            stage("afterResultPath", &trace.after_result_path);
        }
        (StateKind::Task(_), true) => {
            stage("afterArguments", &trace.after_arguments);
            stage("result", &trace.result);
        }
        (StateKind::Parallel { .. }, false) => {
            stage("afterResultSelector", &selected);
            stage("afterResultPath", &trace.after_result_path);
        }
        (StateKind::Map(_), _) => {
            stage("afterItemsPath", &trace.after_items_path);
            stage("afterItemSelector", &trace.after_item_selector);
            stage("afterItemBatcher", &trace.after_item_batcher);
            if let Some(n) = trace.max_concurrency {
                out.insert("maxConcurrency".into(), json!(n.min(i32::MAX as u64)));
            }
            if let Some(n) = trace.tolerated_failure_count {
                out.insert("toleratedFailureCount".into(), json!(n.min(i32::MAX as u64)));
            }
            if let Some(p) = trace.tolerated_failure_percentage {
                out.insert("toleratedFailurePercentage".into(), json!(p));
            }
            if !jsonata {
                let mut stage = |name: &str, v: &Option<Value>| {
                    if let Some(v) = v {
                        out.insert(name.into(), text(v));
                    }
                };
                stage("afterResultSelector", &selected);
                stage("afterResultPath", &trace.after_result_path);
            }
        }
        (
            StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_),
            false,
        ) => {
            stage("afterInputPath", &trace.after_input_path);
        }
        _ => {}
    }
    // Variables: the ones the state sees once it exits, when there are any.
    if let Some(vars) = &trace.variables {
        if !vars.is_empty() || trace.assigned {
            out.insert("variables".into(), text(&Value::Object(vars.clone())));
        }
    }
    out
}
