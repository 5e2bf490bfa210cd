//! Activity tasks (`arn:aws:states:REGION:ACCOUNT:activity:NAME`) and their failure modes, with
//! the history AWS records for each: a worker that answers (a mock, or an answer by hand), a
//! worker that fails, timeouts and heartbeats that count from `ActivityStarted`, no worker at
//! all, and an activity that does not exist or is deleted while its task waits.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Value};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:activity:Work";

fn machine(task_fields: Value) -> StateMachine {
    let mut task = json!({"Type": "Task", "Resource": ARN, "End": true});
    if let (Some(t), Some(extra)) = (task.as_object_mut(), task_fields.as_object()) {
        t.extend(extra.clone());
    }
    StateMachine::from_value(&json!({"StartAt": "Work", "States": {"Work": task}}))
        .expect("valid definition")
}

fn start(machine: StateMachine, answers: Option<Value>) -> Execution {
    let mut config =
        ExecutionConfig { input: json!({"Value1": "HelloWorld"}), ..Default::default() };
    if let Some(answers) = answers {
        let mocks = json!({
            "StateMachines": {"M": {"TestCases": {"T": {"Work": "WorkMock"}}}},
            "MockedResponses": {"WorkMock": answers}
        });
        config.mock_config = Some(MockConfig::from_value(&mocks).expect("valid mocks"));
        config.test_case = Some("T".into());
    }
    Execution::start(Arc::new(machine), config)
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.type_name().to_string()).collect()
}

fn details(exec: &Execution, event: &str) -> Value {
    exec.history()
        .iter()
        .find(|e| e.type_name() == event)
        .unwrap_or_else(|| panic!("no {event} in {:?}", types(exec)))
        .details_json()
}

/// Milliseconds between the first `a` and the first `b` event.
fn between(exec: &Execution, a: &str, b: &str) -> i64 {
    let at = |t: &str| {
        exec.history().iter().find(|e| e.type_name() == t).map(|e| e.timestamp_ms).expect(t)
    };
    at(b) - at(a)
}

fn only_token(exec: &Execution) -> String {
    let tokens = exec.waiting_task_tokens();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0].1, "Work");
    tokens[0].0.clone()
}

#[test]
fn a_mocked_worker_succeeds_with_awss_events_and_details() {
    let mut exec = start(
        machine(json!({"TimeoutSeconds": 60, "HeartbeatSeconds": 10})),
        Some(json!({"0": {"Return": {"Value1": "HelloWorld"}}})),
    );
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let scheduled = details(&exec, "ActivityScheduled");
    assert_eq!(scheduled["resource"], ARN);
    assert_eq!(scheduled["input"], r#"{"Value1":"HelloWorld"}"#);
    assert_eq!(scheduled["timeoutInSeconds"], 60);
    assert_eq!(scheduled["heartbeatInSeconds"], 10);
    // A worker that gives no name: AWS records an empty details object.
    let started = exec.history().iter().find(|e| e.type_name() == "ActivityStarted").unwrap();
    assert_eq!(started.to_aws_json()["activityStartedEventDetails"], json!({}));
    assert_eq!(details(&exec, "ActivitySucceeded")["output"], r#"{"Value1":"HelloWorld"}"#);
}

#[test]
fn a_failing_worker_records_activity_failed_with_its_error_and_cause() {
    let mut exec = start(
        machine(json!({})),
        Some(
            json!({"0": {"Throw": {"Error": "Programmatic Error", "Cause": "{\"Value1\":\"HelloWorld\"}"}}}),
        ),
    );
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(
        types(&exec)[2..],
        ["ActivityScheduled", "ActivityStarted", "ActivityFailed", "ExecutionFailed"]
    );
    let failed = details(&exec, "ActivityFailed");
    assert_eq!(failed["error"], "Programmatic Error");
    assert_eq!(failed["cause"], r#"{"Value1":"HelloWorld"}"#);
    assert_eq!(exec.describe().error.as_deref(), Some("Programmatic Error"));
}

#[test]
fn a_worker_too_slow_for_timeout_seconds_times_out_after_it_started() {
    // The recorded test_activity_task_start_timeout: the worker takes the task and never
    // answers within TimeoutSeconds.
    let mut exec = start(
        machine(json!({"TimeoutSeconds": 5})),
        Some(json!({"0": {"Return": {}, "LatencySeconds": 30}})),
    );
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(
        types(&exec)[2..],
        ["ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed"]
    );
    assert_eq!(details(&exec, "ActivityTimedOut"), json!({"error": "States.Timeout"}));
    assert_eq!(between(&exec, "ActivityStarted", "ActivityTimedOut"), 5_000);
}

#[test]
fn with_no_worker_the_task_stays_scheduled_and_its_timeouts_do_not_run() {
    let mut exec = start(machine(json!({"TimeoutSeconds": 5, "HeartbeatSeconds": 2})), None);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Running);
    assert_eq!(types(&exec), ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]);
    let token = only_token(&exec);
    assert_eq!(exec.waiting_activity_tasks(), [(token, "Work".to_string(), ARN.to_string())]);
    // A year later, still nothing: only the state machine's TimeoutSeconds ends such a wait.
    exec.advance_to(exec.now_ms() + 31_536_000_000, 100);
    assert_eq!(types(&exec).len(), 3);
}

#[test]
fn with_no_worker_the_state_machine_timeout_ends_the_execution() {
    let def = json!({"TimeoutSeconds": 30, "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": ARN, "TimeoutSeconds": 5, "End": true}}});
    let mut exec = start(StateMachine::from_value(&def).unwrap(), None);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::TimedOut);
    assert_eq!(types(&exec)[2..], ["ActivityScheduled", "ExecutionTimedOut"]);
    assert_eq!(between(&exec, "ActivityScheduled", "ExecutionTimedOut"), 30_000);
    assert_eq!(exec.describe().error.as_deref(), Some("States.Timeout"));
}

#[test]
fn get_activity_task_starts_the_task_with_the_workers_name_and_its_timeout() {
    let mut exec = start(machine(json!({"TimeoutSeconds": 5})), None);
    exec.run_to_completion();
    let t0 = exec.now_ms();
    exec.advance_to(t0 + 7_000, 100);
    assert_eq!(
        exec.get_activity_task("arn:aws:states:us-east-1:123456789012:activity:Other", None),
        None
    );
    let (token, input) = exec.get_activity_task(ARN, Some("worker-1")).expect("a task waits");
    assert_eq!(input, json!({"Value1": "HelloWorld"}));
    assert_eq!(details(&exec, "ActivityStarted"), json!({"workerName": "worker-1"}));
    assert_eq!(between(&exec, "ActivityScheduled", "ActivityStarted"), 7_000);
    // No second task to hand out; the token still answers the started task.
    assert_eq!(exec.get_activity_task(ARN, Some("worker-2")), None);
    assert_eq!(exec.waiting_task_tokens()[0].0, token);
    assert!(exec.waiting_activity_tasks().is_empty());
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(
        types(&exec)[2..],
        ["ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed"]
    );
    assert_eq!(between(&exec, "ActivityStarted", "ActivityTimedOut"), 5_000);
}

#[test]
fn heartbeats_keep_a_started_task_alive_and_a_missed_one_times_it_out() {
    let mut exec = start(machine(json!({"TimeoutSeconds": 60, "HeartbeatSeconds": 10})), None);
    exec.run_to_completion();
    let token = only_token(&exec);
    // The first heartbeat comes from the worker that took the task: it starts it.
    exec.send_task_heartbeat(&token).expect("heartbeat");
    assert_eq!(types(&exec).last().map(String::as_str), Some("ActivityStarted"));
    let started = exec.now_ms();
    exec.advance_to(started + 8_000, 100);
    exec.send_task_heartbeat(&token).expect("heartbeat");
    exec.advance_to(started + 16_000, 100);
    assert_eq!(exec.status(), ExecutionStatus::Running, "{:?}", types(&exec));
    exec.send_task_heartbeat(&token).expect("heartbeat");
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(details(&exec, "ActivityTimedOut"), json!({"error": "States.HeartbeatTimeout"}));
    assert_eq!(between(&exec, "ActivityStarted", "ActivityTimedOut"), 26_000);
    assert_eq!(exec.describe().error.as_deref(), Some("States.HeartbeatTimeout"));
    assert_eq!(
        exec.send_task_heartbeat(&token).map_err(|e| e.kind),
        Err(asl::runner::CallbackErrorKind::TaskTimedOut)
    );
}

#[test]
fn an_answer_by_hand_starts_the_task_first() {
    let mut exec = start(machine(json!({"HeartbeatSeconds": 10})), None);
    exec.run_to_completion();
    let token = only_token(&exec);
    exec.send_task_success(&token, json!({"done": true})).expect("answered");
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        types(&exec)[2..],
        [
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(exec.describe().output, Some(json!({"done": true})));
    assert!(exec.waiting_task_tokens().is_empty());
}

#[test]
fn a_failure_by_hand_is_activity_failed_and_can_be_caught() {
    let def = json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": ARN, "End": true,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]},
        "Handled": {"Type": "Pass", "End": true}}});
    let mut exec = start(StateMachine::from_value(&def).unwrap(), None);
    exec.run_to_completion();
    let token = only_token(&exec);
    exec.send_task_failure(&token, Some("Worker.Crash".into()), Some("disk full".into()))
        .expect("answered");
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        details(&exec, "ActivityFailed"),
        json!({"error": "Worker.Crash", "cause": "disk full"})
    );
    assert_eq!(
        exec.describe().output,
        Some(json!({"Error": "Worker.Crash", "Cause": "disk full"}))
    );
}

const DOES_NOT_EXIST: &str = "An error occurred while executing the state 'Work' (entered at the event id #2). The activity arn:aws:states:us-east-1:123456789012:activity:Work does not exist.";

#[test]
fn a_deleted_activity_fails_the_execution_with_states_runtime_before_scheduling() {
    // Recorded (test_activity_task_on_deleted): no ActivityScheduled, and States.Runtime is not
    // caught by States.ALL.
    let def = json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": ARN, "End": true,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]},
        "Handled": {"Type": "Pass", "End": true}}});
    let mut exec = start(StateMachine::from_value(&def).unwrap(), None);
    assert!(exec.delete_activity(ARN));
    assert!(!exec.delete_activity(ARN));
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(types(&exec), ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
    assert_eq!(
        details(&exec, "ExecutionFailed"),
        json!({"error": "States.Runtime", "cause": DOES_NOT_EXIST})
    );
}

#[test]
fn deleting_the_activity_while_its_task_waits_for_a_worker_fails_it() {
    let mut exec = start(machine(json!({})), None);
    exec.run_to_completion();
    let token = only_token(&exec);
    exec.advance_to(exec.now_ms() + 3_000, 100);
    exec.delete_activity(ARN);
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(types(&exec)[2..], ["ActivityScheduled", "ExecutionFailed"]);
    assert_eq!(between(&exec, "ActivityScheduled", "ExecutionFailed"), 3_000);
    assert_eq!(details(&exec, "ExecutionFailed")["cause"], DOES_NOT_EXIST);
    assert!(exec.send_task_success(&token, json!(1)).is_err());
}

#[test]
fn a_task_a_worker_already_started_outlives_the_deletion() {
    let mut exec = start(machine(json!({})), None);
    exec.run_to_completion();
    let (token, _) = exec.get_activity_task(ARN, None).expect("a task waits");
    exec.delete_activity(ARN);
    assert_eq!(exec.status(), ExecutionStatus::Running);
    exec.send_task_success(&token, json!("late")).expect("answered");
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.get_activity_task(ARN, None), None);
}

#[test]
fn when_only_mocked_activities_exist_an_unmocked_one_does_not() {
    // `asl run`: a test case that maps no state to the activity (the recorded on_deleted case
    // has an empty test case).
    let mocks = json!({"StateMachines": {"M": {"TestCases": {"T": {}}}}, "MockedResponses": {}});
    let config = ExecutionConfig {
        mock_config: Some(MockConfig::from_value(&mocks).unwrap()),
        test_case: Some("T".into()),
        ..Default::default()
    };
    let mut exec = Execution::start(Arc::new(machine(json!({}))), config);
    exec.only_mocked_activities_exist();
    exec.run_to_completion();
    assert_eq!(types(&exec), ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
    assert_eq!(details(&exec, "ExecutionFailed")["cause"], DOES_NOT_EXIST);

    // A mocked state inside a Parallel branch makes its activity exist for every state.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Branches": [{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": ARN, "End": true}}}]}}});
    let mut exec =
        start(StateMachine::from_value(&def).unwrap(), Some(json!({"0": {"Return": 7}})));
    exec.only_mocked_activities_exist();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{:?}", types(&exec));
    assert_eq!(exec.describe().output, Some(json!([7])));
}

#[test]
fn a_retry_schedules_the_activity_again() {
    let def = json!({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": ARN,
        "End": true, "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1}],
        "TimeoutSeconds": 2}}});
    let mut exec = start(
        StateMachine::from_value(&def).unwrap(),
        Some(json!({"0": {"Return": 1, "LatencySeconds": 9}, "1": {"Return": 2}})),
    );
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        types(&exec)[2..],
        [
            "ActivityScheduled",
            "ActivityStarted",
            "ActivityTimedOut",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(exec.describe().output, Some(json!(2)));
}
