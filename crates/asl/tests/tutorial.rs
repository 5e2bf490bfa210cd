//! The error-handling tutorial, end to end: the histories AWS shows for inputs 200, 503, 429
//! and 500, and the published variant that writes `statusCode` (capital C).

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::{json, Value};

const TUTORIAL: &str = include_str!("../../../examples/tutorial.asl.json");

fn run(definition: &str, input: Value) -> Execution {
    let machine = StateMachine::from_text(definition).expect("the tutorial definition is valid");
    let mut exec =
        Execution::start(Arc::new(machine), ExecutionConfig { input, ..Default::default() });
    exec.run_to_completion();
    exec
}

fn types(exec: &Execution) -> Vec<&str> {
    exec.history().iter().map(|e| e.type_name()).collect()
}

#[test]
fn status_200_succeeds() {
    let exec = run(TUTORIAL, json!({"statuscode": "200"}));
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Succeeded);
    assert_eq!(d.output, Some(json!("The request has succeeded.")));
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let succeeded = &exec.history()[4].to_aws_json();
    assert_eq!(succeeded["lambdaFunctionSucceededEventDetails"]["output"], "\"200 OK\"");
}

#[test]
fn status_503_fails_with_the_tutorial_history() {
    let exec = run(TUTORIAL, json!({"statuscode": "503"}));
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("ServerUnavailable"));
    assert_eq!(d.cause.as_deref(), Some("The server is currently unable to handle the request."));
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "TaskStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
    let failed = exec.history()[4].to_aws_json();
    let details = &failed["lambdaFunctionFailedEventDetails"];
    assert_eq!(details["error"], "ServerUnavailableException");
    let cause: Value = serde_json::from_str(details["cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["errorMessage"], "503 Server Unavailable");
    assert_eq!(cause["errorType"], "ServerUnavailableException");
    // The catcher's default ResultPath replaces the input with the error output.
    let exited = exec.history()[5].to_aws_json();
    let output: Value =
        serde_json::from_str(exited["stateExitedEventDetails"]["output"].as_str().unwrap())
            .unwrap();
    assert_eq!(output["Error"], "ServerUnavailableException");
}

#[test]
fn status_429_retries_waits_and_succeeds() {
    let exec = run(TUTORIAL, json!({"statuscode": "429"}));
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Succeeded);
    assert_eq!(d.output, Some(json!("The request has succeeded.")));
    let t = types(&exec);
    assert_eq!(t.iter().filter(|x| **x == "LambdaFunctionFailed").count(), 3);
    assert_eq!(t.iter().filter(|x| **x == "LambdaFunctionSucceeded").count(), 1);
    assert!(t.contains(&"WaitStateEntered") && t.contains(&"WaitStateExited"));
    // Virtual time: retries after 1 s and 2 s (BackoffRate 2.0), then the 1 s Wait.
    let start = exec.history()[0].timestamp_ms;
    let scheduled: Vec<i64> = exec
        .history()
        .iter()
        .filter(|e| e.type_name() == "LambdaFunctionScheduled")
        .map(|e| e.timestamp_ms - start)
        .collect();
    assert_eq!(scheduled, [0, 1000, 3000, 4000]);
}

#[test]
fn status_500_is_caught_by_states_all() {
    let exec = run(TUTORIAL, json!({"statuscode": "500"}));
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("An error of unknown type occurred"));
    let failed = exec.history()[4].to_aws_json();
    assert_eq!(failed["lambdaFunctionFailedEventDetails"]["error"], "UnknownException");
}

/// One published copy of the tutorial writes `statusCode` in the Pass state and the inputs; the
/// function reads `statuscode`, so it raises KeyError, which States.ALL catches into "Catch All".
#[test]
fn published_status_code_variant_lands_in_catch_all() {
    let variant = TUTORIAL.replace("\"statuscode\"", "\"statusCode\"");
    for input in ["200", "429"] {
        let exec = run(&variant, json!({"statusCode": input}));
        let d = exec.describe();
        assert_eq!(d.status, ExecutionStatus::Failed, "input {input}");
        assert_eq!(d.error.as_deref(), Some("An error of unknown type occurred"));
        let failed = exec
            .history()
            .iter()
            .find(|e| e.type_name() == "LambdaFunctionFailed")
            .map(|e| e.to_aws_json())
            .unwrap();
        assert_eq!(failed["lambdaFunctionFailedEventDetails"]["error"], "KeyError");
    }
}

#[test]
fn stepping_and_advancing_follow_virtual_time() {
    let machine = StateMachine::from_text(TUTORIAL).unwrap();
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig { input: json!({"statuscode": "429"}), ..Default::default() },
    );
    let start = exec.now_ms();
    exec.advance_to(start + 500, 1000);
    assert_eq!(exec.status(), ExecutionStatus::Running);
    assert_eq!(exec.next_wakeup_ms(), Some(start + 1000));
    exec.advance_to(start + 10_000, 1000);
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
}

#[test]
fn stop_aborts_a_running_execution() {
    let machine = StateMachine::from_text(TUTORIAL).unwrap();
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig { input: json!({"statuscode": "429"}), ..Default::default() },
    );
    exec.advance_to(exec.now_ms() + 500, 1000);
    exec.stop(Some("Stopped".into()), Some("by the user".into()));
    assert_eq!(exec.status(), ExecutionStatus::Aborted);
    let last = exec.history().last().unwrap().to_aws_json();
    assert_eq!(last["type"], "ExecutionAborted");
    assert_eq!(last["executionAbortedEventDetails"]["cause"], "by the user");
    assert!(!exec.step());
}

#[test]
fn runaway_loops_end_at_the_history_quota() {
    let def = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}}"#;
    let exec = run(def, json!({}));
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(exec.history().len(), 25_000);
}

#[test]
fn placeholder_resource_is_rejected_with_the_mock_api_arn() {
    let def = TUTORIAL.replace(
        "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
        "lambda function arn paste here",
    );
    let errors = StateMachine::from_text(&def).unwrap_err();
    assert_eq!(errors[0].location, "/States/Call API/Resource");
    assert!(errors[0].message.contains("function:MockAPIFunction"));
    assert!(errors[0].line.is_some());
}
