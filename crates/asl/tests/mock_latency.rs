//! Mocked answers with a `LatencySeconds` (a Stepwise extension of the MockConfigFile): the
//! task answers that many virtual seconds after it started, so its `TimeoutSeconds` and
//! `HeartbeatSeconds` run out first when the latency exceeds them, as on AWS.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Value};

fn run(task_fields: Value, answers: Value, next: Option<Value>) -> Execution {
    let mut task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload": {}}, "End": true});
    if let (Some(t), Some(extra)) = (task.as_object_mut(), task_fields.as_object()) {
        t.extend(extra.clone());
    }
    let mut states = json!({"Call": task});
    if let Some(next) = next {
        states["After"] = next;
    }
    let def = json!({"StartAt": "Call", "States": states});
    let config = json!({
        "StateMachines": {"M": {"TestCases": {"T": {"Call": "CallMock"}}}},
        "MockedResponses": {"CallMock": answers}
    });
    let machine = StateMachine::from_value(&def).expect("valid definition");
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig {
            mock_config: Some(MockConfig::from_value(&config).expect("valid mocks")),
            test_case: Some("T".into()),
            ..Default::default()
        },
    );
    exec.run_to_completion();
    exec
}

/// (type, milliseconds since the execution started) of each event.
fn timeline(exec: &Execution) -> Vec<(String, i64)> {
    let t0 = exec.history().first().map_or(0, |e| e.timestamp_ms);
    exec.history().iter().map(|e| (e.type_name().to_string(), e.timestamp_ms - t0)).collect()
}

fn at(exec: &Execution, event: &str) -> i64 {
    timeline(exec)
        .into_iter()
        .find(|(t, _)| t == event)
        .map(|(_, ms)| ms)
        .unwrap_or_else(|| panic!("no {event} in {:?}", timeline(exec)))
}

fn event(exec: &Execution, event: &str) -> Value {
    exec.history().iter().find(|e| e.type_name() == event).expect(event).details_json()
}

#[test]
fn the_answer_comes_after_the_latency() {
    let exec = run(json!({}), json!({"0": {"Return": {"ok": 1}, "LatencySeconds": 5}}), None);
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!({"ok": 1})));
    assert_eq!(at(&exec, "TaskSucceeded") - at(&exec, "TaskStarted"), 5_000);
    assert_eq!(at(&exec, "ExecutionSucceeded"), at(&exec, "TaskSucceeded"));
}

#[test]
fn fractional_latency_is_kept_to_the_millisecond() {
    let exec = run(json!({}), json!({"0": {"Return": 1, "LatencySeconds": 0.25}}), None);
    assert_eq!(at(&exec, "TaskSucceeded") - at(&exec, "TaskStarted"), 250);
}

#[test]
fn a_thrown_error_also_waits_for_the_latency() {
    let exec = run(
        json!({}),
        json!({"0": {"Throw": {"Error": "Boom", "Cause": "late"}, "LatencySeconds": 3}}),
        None,
    );
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(at(&exec, "TaskFailed") - at(&exec, "TaskStarted"), 3_000);
    assert_eq!(event(&exec, "TaskFailed")["error"], "Boom");
    assert_eq!(exec.describe().error.as_deref(), Some("Boom"));
}

#[test]
fn timeout_seconds_fires_when_the_latency_exceeds_it() {
    let exec = run(
        json!({"TimeoutSeconds": 3}),
        json!({"0": {"Return": {"ok": 1}, "LatencySeconds": 5}}),
        None,
    );
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let types: Vec<String> = timeline(&exec).into_iter().map(|(t, _)| t).collect();
    assert!(!types.contains(&"TaskSucceeded".to_string()), "{types:?}");
    assert_eq!(at(&exec, "TaskTimedOut") - at(&exec, "TaskStarted"), 3_000);
    let timed_out = event(&exec, "TaskTimedOut");
    assert_eq!(timed_out["error"], "States.Timeout");
    let d = exec.describe();
    assert_eq!(d.error.as_deref(), Some("States.Timeout"));
    assert_eq!(at(&exec, "ExecutionFailed"), 3_000 + at(&exec, "TaskStarted"));
}

#[test]
fn a_latency_equal_to_the_timeout_does_not_exceed_it() {
    let exec =
        run(json!({"TimeoutSeconds": 5}), json!({"0": {"Return": 7, "LatencySeconds": 5}}), None);
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!(7)));
}

#[test]
fn heartbeat_seconds_fires_as_a_mock_sends_no_heartbeat() {
    let exec = run(
        json!({"TimeoutSeconds": 60, "HeartbeatSeconds": 2}),
        json!({"0": {"Return": 1, "LatencySeconds": 5}}),
        None,
    );
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(at(&exec, "TaskTimedOut") - at(&exec, "TaskStarted"), 2_000);
    assert_eq!(event(&exec, "TaskTimedOut")["error"], "States.HeartbeatTimeout");
    assert_eq!(exec.describe().error.as_deref(), Some("States.HeartbeatTimeout"));
}

#[test]
fn a_caught_timeout_moves_on_and_the_late_answer_is_dropped() {
    // After the timeout at 3 s, "After" waits 10 s: the mock's answer due at 5 s must not
    // wake it early or complete the task a second time.
    let exec = run(
        json!({"TimeoutSeconds": 3, "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "After"}]}),
        json!({"0": {"Return": 1, "LatencySeconds": 5}}),
        Some(json!({"Type": "Wait", "Seconds": 10, "End": true})),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let t = at(&exec, "TaskStarted");
    assert_eq!(at(&exec, "TaskTimedOut") - t, 3_000);
    assert_eq!(at(&exec, "WaitStateExited") - t, 13_000);
    let output = exec.describe().output.unwrap();
    assert_eq!(output["Error"], "States.Timeout");
    let answered = timeline(&exec).iter().filter(|(t, _)| t == "TaskSucceeded").count();
    assert_eq!(answered, 0);
}

#[test]
fn a_retry_after_a_timeout_gets_the_next_answer() {
    let exec = run(
        json!({"TimeoutSeconds": 3,
               "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1}]}),
        json!({"0": {"Return": "slow", "LatencySeconds": 10}, "1": {"Return": "fast", "LatencySeconds": 2}}),
        None,
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!("fast")));
    // 3 s to time out, 1 s interval, 2 s latency.
    assert_eq!(at(&exec, "ExecutionSucceeded") - at(&exec, "TaskScheduled"), 6_000);
    let types: Vec<String> = timeline(&exec).into_iter().map(|(t, _)| t).collect();
    assert_eq!(types.iter().filter(|t| *t == "TaskStarted").count(), 2);
    assert_eq!(types.iter().filter(|t| *t == "TaskSucceeded").count(), 1);
}

#[test]
fn parallel_branches_finish_in_latency_order() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true}}},
        {"StartAt": "Quick", "States": {"Quick": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true}}}]}}});
    let config = json!({
        "StateMachines": {"M": {"TestCases": {"T": {"Slow": "S", "Quick": "Q"}}}},
        "MockedResponses": {"S": {"0": {"Return": "s", "LatencySeconds": 4}},
                            "Q": {"0": {"Return": "q", "LatencySeconds": 1}}}
    });
    let mut exec = Execution::start(
        Arc::new(StateMachine::from_value(&def).unwrap()),
        ExecutionConfig {
            mock_config: Some(MockConfig::from_value(&config).unwrap()),
            test_case: Some("T".into()),
            ..Default::default()
        },
    );
    exec.run_to_completion();
    assert_eq!(exec.describe().output, Some(json!(["s", "q"])));
    let succeeded: Vec<(Option<String>, i64)> = exec
        .history()
        .iter()
        .filter(|e| e.type_name() == "TaskSucceeded")
        .map(|e| (e.details_json()["output"].as_str().map(str::to_string), e.timestamp_ms))
        .collect();
    assert_eq!(succeeded.len(), 2);
    assert_eq!(succeeded[0].0.as_deref(), Some("\"q\""));
    assert_eq!(succeeded[1].0.as_deref(), Some("\"s\""));
    assert_eq!(succeeded[1].1 - succeeded[0].1, 3_000);
}

#[test]
fn a_mocked_callback_task_with_latency_is_not_waiting_for_a_token() {
    let def = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}}});
    let config = json!({
        "StateMachines": {"M": {"TestCases": {"T": {"Ask": "A"}}}},
        "MockedResponses": {"A": {"0": {"Return": {"approved": true}, "LatencySeconds": 60}}}
    });
    let mut exec = Execution::start(
        Arc::new(StateMachine::from_value(&def).unwrap()),
        ExecutionConfig {
            mock_config: Some(MockConfig::from_value(&config).unwrap()),
            test_case: Some("T".into()),
            ..Default::default()
        },
    );
    let now = exec.now_ms();
    exec.advance_to(now + 1_000, 100);
    assert_eq!(exec.status(), ExecutionStatus::Running);
    assert!(exec.waiting_task_tokens().is_empty(), "the mock answers, not a callback");
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(at(&exec, "TaskSubmitted"), at(&exec, "TaskStarted"));
    assert_eq!(at(&exec, "TaskSucceeded") - at(&exec, "TaskStarted"), 60_000);
}

#[test]
fn latency_is_validated_naming_the_mock_and_field() {
    let err = |latency: &str| {
        let text = format!(
            r#"{{"MockedResponses": {{"CallMock": {{"1-2": {{"Return": 1, "LatencySeconds": {latency}}}}}}}}}"#
        );
        MockConfig::from_text(&text).unwrap_err()
    };
    assert_eq!(
        err("\"5\""),
        "MockedResponses.CallMock.1-2.LatencySeconds must be a number of seconds, not a string"
    );
    assert_eq!(
        err("-1"),
        "MockedResponses.CallMock.1-2.LatencySeconds must be between 0 and 99999999 seconds (the largest TimeoutSeconds AWS accepts), not -1"
    );
    assert!(err("100000000").contains("between 0 and 99999999 seconds"));
    assert!(err("null").contains("not null"));
    // Zero is allowed (an immediate answer), so is the maximum.
    for ok in ["0", "99999999", "1.5"] {
        let text = format!(
            r#"{{"MockedResponses": {{"CallMock": {{"0": {{"Return": 1, "LatencySeconds": {ok}}}}}}}}}"#
        );
        assert!(MockConfig::from_text(&text).is_ok(), "{ok}");
    }
}
