//! `.waitForTaskToken` tasks that nobody mocks wait for SendTaskSuccess / Failure / Heartbeat.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::json;

fn start(timeouts: serde_json::Value) -> Execution {
    let mut task = json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Late"}], "End": true});
    if let (Some(t), Some(extra)) = (task.as_object_mut(), timeouts.as_object()) {
        t.extend(extra.clone());
    }
    let def =
        json!({"StartAt": "Ask", "States": {"Ask": task, "Late": {"Type": "Pass", "End": true}}});
    let machine = StateMachine::from_value(&def).unwrap();
    let mut exec = Execution::start(Arc::new(machine), ExecutionConfig::default());
    // Run what is due now: the task is then waiting for its callback.
    let now = exec.now_ms();
    exec.advance_to(now, 100);
    exec
}

#[test]
fn success_callback_completes_the_task() {
    let mut exec = start(json!({}));
    assert_eq!(exec.status(), ExecutionStatus::Running);
    let tokens = exec.waiting_task_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].1, "Ask");
    // The token was passed to the service in the parameters.
    let scheduled = exec.history().iter().find(|e| e.type_name() == "TaskScheduled").unwrap();
    assert!(scheduled.details_json()["parameters"].as_str().unwrap().contains(&tokens[0].0));
    exec.send_task_success(&tokens[0].0, json!({"approved": true})).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!({"approved": true})));
    let types: Vec<&str> = exec.history().iter().map(|e| e.type_name()).collect();
    assert!(types.contains(&"TaskSubmitted") && types.contains(&"TaskSucceeded"));
    assert!(exec.send_task_success(&tokens[0].0, json!(1)).is_err());
}

#[test]
fn failure_callback_fails_the_task() {
    let mut exec = start(json!({}));
    let token = exec.waiting_task_tokens()[0].0.clone();
    assert!(exec
        .send_task_failure("unknown", None, None)
        .unwrap_err()
        .contains("TaskDoesNotExist"));
    exec.send_task_failure(&token, Some("Rejected".into()), Some("no".into())).unwrap();
    exec.run_to_completion();
    let d = exec.describe();
    assert_eq!(d.error.as_deref(), Some("Rejected"));
    assert!(exec.send_task_success(&token, json!(1)).is_err(), "the execution has ended");
}

#[test]
fn heartbeats_keep_the_task_alive_until_they_stop() {
    let mut exec = start(json!({"HeartbeatSeconds": 10, "TimeoutSeconds": 100}));
    let token = exec.waiting_task_tokens()[0].0.clone();
    let t0 = exec.now_ms();
    exec.advance_to(t0 + 8_000, 100);
    exec.send_task_heartbeat(&token).unwrap();
    exec.advance_to(t0 + 15_000, 100);
    assert_eq!(exec.status(), ExecutionStatus::Running, "the heartbeat moved the deadline");
    exec.run_to_completion();
    // No more heartbeats: States.HeartbeatTimeout at 18 s, caught into "Late".
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.details_json()["error"], "States.HeartbeatTimeout");
    assert_eq!(timed_out.timestamp_ms - t0, 18_000);
}

#[test]
fn task_timeout_ends_the_wait() {
    let mut exec = start(json!({"TimeoutSeconds": 30}));
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(exec.describe().error.as_deref(), Some("States.Timeout"));
}
