//! AWS's `TestState` API: run one state of a definition on a given input, with an optional
//! mocked task result or error, and report each data-flow stage (`inspectionData`).
//!
//! TestState is the runner on one state: [`test_state`] starts a one-state execution at the
//! tested state (the request's input, variables, `$$` and retry count; the mock as the task's
//! answer), runs it until that state leaves or fails, and reads the answer from the state's
//! [`StateTrace`], which the runner records as it computes each value.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::definition::{QueryLanguage, StateKind, StateMachine};
use crate::errors::{names, StatesError};
use crate::runner::trace::OneState;
use crate::runner::{Execution, ExecutionConfig, StateTrace, TraceOutcome, TracedError};
use crate::tasks::Outcome;

/// What a task returns in a TestState call.
#[derive(Debug, Clone, PartialEq)]
pub enum TestMock {
    Result(Value),
    Error { error: String, cause: String },
}

#[derive(Debug, Clone)]
pub struct TestStateRequest {
    pub state_name: String,
    pub input: Value,
    pub mock: Option<TestMock>,
    /// `$$` as the caller wants it; a default context object otherwise.
    pub context: Option<Value>,
    /// `stateConfiguration.retrierRetryCount`: attempts already made.
    pub retrier_retry_count: u64,
    /// Workflow variables visible to the state (`$name`).
    pub variables: Map<String, Value>,
}

/// TestState's response.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResponse {
    pub status: &'static str,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    pub inspection_data: Value,
}

impl TestStateResponse {
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
        o.insert("inspectionData".into(), self.inspection_data.clone());
        Value::Object(o)
    }
}

/// Runs `request.state_name` of `machine` (top-level states only).
pub fn test_state(
    machine: &StateMachine,
    request: &TestStateRequest,
) -> Result<TestStateResponse, String> {
    let state = machine.program.state(&request.state_name).ok_or_else(|| {
        format!("state '{}' is not in the definition's top-level States", request.state_name)
    })?;
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    let unanswered = match (&state.kind, jsonata) {
        (StateKind::Task(task), false) => format!(
            "no mock given for the resource '{}': pass --mock-result or --mock-error",
            task.resource
        ),
        _ => "no mock given for the state: pass --mock-result or --mock-error".to_string(),
    };
    let one = OneState {
        answer: request.mock.as_ref().map(|m| match m {
            TestMock::Result(v) => Outcome::Success(v.clone()),
            TestMock::Error { error, cause } => {
                Outcome::Failure(StatesError::new(error.clone(), cause.clone()))
            }
        }),
        unanswered: StatesError::new(names::TASK_FAILED, unanswered),
        context: request.context.clone(),
        retry_count: request.retrier_retry_count,
    };
    let config = ExecutionConfig { input: request.input.clone(), ..ExecutionConfig::default() };
    let mut exec = Execution::start_one_state(
        Arc::new(machine.clone()),
        config,
        &request.state_name,
        request.variables.clone(),
        one,
    );
    while exec.root_trace().is_some_and(|t| t.outcome.is_none()) && exec.step() {}
    let trace = exec.root_trace().cloned().unwrap_or_default();
    Ok(response(&trace, jsonata, &exec))
}

/// TestState's answer from the tested state's trace.
fn response(trace: &StateTrace, jsonata: bool, exec: &Execution) -> TestStateResponse {
    let text = |v: &Value| json!(crate::history::json_text(v));
    let mut inspection = Map::new();
    let mut stage = |name: &str, v: &Option<Value>| {
        if let Some(v) = v {
            inspection.insert(name.into(), text(v));
        }
    };
    stage("input", &trace.input);
    if jsonata {
        stage("afterArguments", &trace.after_arguments);
        stage("result", &trace.result);
    } else {
        stage("afterInputPath", &trace.after_input_path);
        stage("afterParameters", &trace.after_parameters);
        stage("result", &trace.result);
        stage("afterResultSelector", &trace.after_result_selector);
        stage("afterResultPath", &trace.after_result_path);
    }
    // JSONata reports the variables whenever the state exits; JSONPath when it assigned some.
    if jsonata || trace.assigned {
        if let Some(vars) = &trace.variables {
            inspection.insert("variables".into(), text(&Value::Object(vars.clone())));
        }
    }
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
            let seconds = backoff_seconds.round().min(f64::from(i32::MAX)) as u64;
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
    response.inspection_data = Value::Object(inspection);
    response
}
