//! `.waitForTaskToken` tasks that nobody mocks wait for SendTaskSuccess / Failure / Heartbeat:
//! the events each call records, and the exceptions AWS raises for a call it refuses.

use std::sync::Arc;

use asl::runner::{Callback, CallbackErrorKind};
use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::{json, Value};

fn start(timeouts: Value) -> Execution {
    let mut task = json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Late"}], "End": true});
    if let (Some(t), Some(extra)) = (task.as_object_mut(), timeouts.as_object()) {
        t.extend(extra.clone());
    }
    let def =
        json!({"StartAt": "Ask", "States": {"Ask": task, "Late": {"Type": "Pass", "End": true}}});
    start_def(&def)
}

fn start_def(def: &Value) -> Execution {
    let machine = StateMachine::from_value(def).unwrap();
    let mut exec = Execution::start(Arc::new(machine), ExecutionConfig::default());
    // Run what is due now: the task is then waiting for its callback.
    let now = exec.now_ms();
    exec.advance_to(now, 100);
    exec
}

fn types(exec: &Execution) -> Vec<&'static str> {
    exec.history().iter().map(|e| e.type_name()).collect()
}

fn details(exec: &Execution, type_name: &str) -> Value {
    exec.history()
        .iter()
        .find(|e| e.type_name() == type_name)
        .map(|e| e.details_json())
        .unwrap_or(Value::Null)
}

fn first_token(exec: &Execution) -> String {
    exec.waiting_task_tokens()[0].0.clone()
}

#[test]
fn success_callback_completes_the_task() {
    let mut exec = start(json!({}));
    assert_eq!(exec.status(), ExecutionStatus::Running);
    assert!(!exec.next_step_is_callback_deadline(), "nothing is scheduled");
    assert_eq!(exec.next_wakeup_ms(), None);
    let tokens = exec.waiting_task_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].1, "Ask");
    // The token was passed to the service in the parameters.
    let scheduled = details(&exec, "TaskScheduled");
    assert!(scheduled["parameters"].as_str().unwrap().contains(&tokens[0].0));
    exec.send_task_success(&tokens[0].0, json!({"approved": true})).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!({"approved": true})));
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    // AWS's details: the service's names and the output as JSON text.
    assert_eq!(
        details(&exec, "TaskSucceeded"),
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
            "output": "{\"approved\":true}", "outputDetails": {"truncated": false}})
    );
    // The task is closed: the same token again is TaskTimedOut.
    let again = exec.send_task_success(&tokens[0].0, json!(1)).unwrap_err();
    assert_eq!(again.kind, CallbackErrorKind::TaskTimedOut);
    assert_eq!(
        again.to_string(),
        "TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore'"
    );
}

#[test]
fn success_takes_the_output_as_json_text() {
    let mut exec = start(json!({}));
    let token = first_token(&exec);
    let refused =
        exec.send_task(&token, Callback::Success { output: "{not json".into() }).unwrap_err();
    assert_eq!(refused.kind, CallbackErrorKind::InvalidOutput);
    assert!(refused.message.starts_with("Invalid Output"), "{refused}");
    // A refused call changes nothing: the task still waits.
    assert_eq!(exec.waiting_task_tokens().len(), 1);
    assert_eq!(types(&exec).last(), Some(&"TaskSubmitted"));
    exec.send_task(&token, Callback::Success { output: " \"done\" ".into() }).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.describe().output, Some(json!("done")));
}

#[test]
fn failure_callback_fails_the_task() {
    let mut exec = start(json!({}));
    let token = first_token(&exec);
    exec.send_task_failure(&token, Some("Rejected".into()), Some("no".into())).unwrap();
    exec.run_to_completion();
    let d = exec.describe();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("Rejected"));
    assert_eq!(d.cause.as_deref(), Some("no"));
    assert_eq!(
        details(&exec, "TaskFailed"),
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
            "error": "Rejected", "cause": "no"})
    );
    assert_eq!(types(&exec)[5..], ["TaskFailed", "ExecutionFailed"]);
    let late = exec.send_task_success(&token, json!(1)).unwrap_err();
    assert_eq!(late.kind, CallbackErrorKind::TaskTimedOut, "the execution has ended");
}

/// As recorded on AWS (conformance case callback/test_sqs_failure_in_wait_for_task_tok_no_error_field):
/// a failure without error or cause records neither, and a Catch sees both as null.
#[test]
fn failure_without_error_or_cause_records_neither() {
    let def = json!({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Caught"}],
            "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    let mut exec = start_def(&def);
    let token = first_token(&exec);
    exec.send_task_failure(&token, None, None).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        details(&exec, "TaskFailed"),
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"})
    );
    assert_eq!(exec.describe().output, Some(json!({"err": {"Error": null, "Cause": null}})));
}

#[test]
fn refused_calls_get_aws_exceptions() {
    let mut exec = start(json!({}));
    let token = first_token(&exec);
    let kind = |r: Result<(), asl::runner::CallbackError>| r.unwrap_err().kind;
    // Not a task token at all; a token's shape that this execution never handed out.
    assert_eq!(kind(exec.send_task_heartbeat("unknown")), CallbackErrorKind::InvalidToken);
    let stranger = format!("AQB{}", "0".repeat(32));
    assert_eq!(kind(exec.send_task_heartbeat(&stranger)), CallbackErrorKind::TaskDoesNotExist);
    // Length constraints: a ValidationException naming the field.
    let empty = exec.send_task_heartbeat("").unwrap_err();
    assert_eq!(empty.kind, CallbackErrorKind::ValidationException);
    assert!(empty.message.contains("'taskToken'"), "{empty}");
    assert_eq!(
        kind(exec.send_task_heartbeat(&"A".repeat(2049))),
        CallbackErrorKind::ValidationException
    );
    let big = format!("\"{}\"", "x".repeat(262_144));
    let refused = exec.send_task(&token, Callback::Success { output: big }).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "ValidationException: 1 validation error detected: Value at 'output' failed to satisfy \
         constraint: Member must have length less than or equal to 262144"
    );
    let long_error = exec.send_task_failure(&token, Some("E".repeat(257)), None).unwrap_err();
    assert!(long_error.message.contains("'error'") && long_error.message.ends_with(" 256"));
    assert!(exec.send_task_failure(&token, Some("E".repeat(256)), None).is_ok_and(|()| true));
    exec.run_to_completion();
    assert_eq!(exec.describe().error, Some("E".repeat(256)));

    let mut exec = start(json!({}));
    let token = first_token(&exec);
    let long_cause = exec.send_task_failure(&token, None, Some("c".repeat(32_769))).unwrap_err();
    assert!(long_cause.message.contains("'cause'") && long_cause.message.ends_with(" 32768"));
    // Nothing was recorded for the refused calls.
    assert_eq!(types(&exec).len(), 5);
    // A stopped execution's task is closed.
    exec.stop(None, None);
    assert_eq!(kind(exec.send_task_heartbeat(&token)), CallbackErrorKind::TaskTimedOut);
}

#[test]
fn heartbeats_keep_the_task_alive_until_they_stop() {
    let mut exec = start(json!({"HeartbeatSeconds": 10, "TimeoutSeconds": 100}));
    let token = first_token(&exec);
    let t0 = exec.now_ms();
    assert_eq!(exec.next_callback_deadline_ms(), Some(t0 + 10_000));
    assert!(exec.next_step_is_callback_deadline());
    exec.advance_to(t0 + 8_000, 100);
    let before = exec.history().len();
    exec.send_task_heartbeat(&token).unwrap();
    assert_eq!(exec.history().len(), before, "AWS records no event for a heartbeat");
    assert_eq!(exec.next_callback_deadline_ms(), Some(t0 + 18_000));
    assert_eq!(exec.waiting_tasks()[0].heartbeat_at_ms, Some(t0 + 18_000));
    exec.advance_to(t0 + 15_000, 100);
    assert_eq!(exec.status(), ExecutionStatus::Running, "the heartbeat moved the deadline");
    exec.run_to_completion();
    // No more heartbeats: States.HeartbeatTimeout at 18 s, caught into "Late".
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.details_json()["error"], "States.HeartbeatTimeout");
    assert_eq!(timed_out.timestamp_ms - t0, 18_000);
    // The timed-out task's token is closed.
    assert_eq!(exec.send_task_heartbeat(&token).unwrap_err().kind, CallbackErrorKind::TaskTimedOut);
}

#[test]
fn a_heartbeat_without_heartbeat_seconds_is_accepted_and_changes_nothing() {
    let mut exec = start(json!({"TimeoutSeconds": 30}));
    let token = first_token(&exec);
    exec.send_task_heartbeat(&token).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.describe().error.as_deref(), Some("States.Timeout"));
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.timestamp_ms - exec.describe().start_ms, 30_000);
}

#[test]
fn task_timeout_ends_the_wait() {
    let mut exec = start(json!({"TimeoutSeconds": 30}));
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(exec.describe().error.as_deref(), Some("States.Timeout"));
}

/// Each wait of a state name is one occurrence, in the order the tasks started waiting; a
/// retried task waits again with a new token.
#[test]
fn waits_are_numbered_by_state_name_and_occurrence() {
    let def = json!({"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "f", "Payload": {"t.$": "$$.Task.Token"}},
            "TimeoutSeconds": 60,
            "Retry": [{"ErrorEquals": ["Again"], "IntervalSeconds": 1}],
            "End": true}}}}}});
    let mut exec = Execution::start(
        Arc::new(StateMachine::from_value(&def).unwrap()),
        ExecutionConfig { input: json!([1, 2]), ..ExecutionConfig::default() },
    );
    let t0 = exec.now_ms();
    exec.advance_to(t0, 1000);
    let waiting = exec.waiting_tasks();
    assert_eq!(waiting.len(), 2);
    assert_eq!(
        waiting.iter().map(|w| (w.state.as_str(), w.occurrence)).collect::<Vec<_>>(),
        [("Ask", 0), ("Ask", 1)]
    );
    assert_eq!(waiting[0].timeout_at_ms, Some(t0 + 60_000));
    assert_eq!(waiting[0].since_ms, t0);
    assert_eq!(exec.callback_token("Ask", 1), Some(waiting[1].token.as_str()));
    assert_eq!(exec.callback_token("Ask", 2), None);
    let first = waiting[0].token.clone();
    exec.send_task_failure(&first, Some("Again".into()), None).unwrap();
    exec.advance_to(t0 + 1_000, 1000);
    let again = exec.callback_token("Ask", 2).map(str::to_string).unwrap();
    assert_ne!(again, first, "a retry waits with a new token");
    assert_eq!(exec.waiting_tasks().len(), 2);
    exec.send_task_success(&again, json!("a")).unwrap();
    let second = exec.callback_token("Ask", 1).unwrap().to_string();
    exec.send_task_success(&second, json!("b")).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.describe().output, Some(json!(["a", "b"])));
}
