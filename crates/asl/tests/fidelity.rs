//! Fidelity to what AWS records (issue 12): submission responses in `TaskSubmitted`, the
//! context object, aborted siblings, causes of unusable `…Path` values, mock `Throw`s.
//! Expected shapes come from executions recorded on AWS (../shared/conformance) and the
//! developer guide.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Value};

fn run_with(definition: Value, input: Value, mocks: Option<&str>) -> Execution {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    let (mock_config, test_case) = match mocks {
        Some(config) => (Some(MockConfig::from_text(config).unwrap()), Some("T".to_string())),
        None => (None, None),
    };
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig { input, mock_config, test_case, ..Default::default() },
    );
    exec.run_to_completion();
    exec
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.type_name().to_string()).collect()
}

fn submitted_output(exec: &Execution) -> Value {
    let event = exec.history().iter().find(|e| e.type_name() == "TaskSubmitted").unwrap();
    let details = event.details_json();
    let text = details["output"].as_str().unwrap().to_string();
    serde_json::from_str(&text).unwrap()
}

fn one_task(resource: &str, parameters: Value) -> Value {
    json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": resource,
        "Parameters": parameters, "End": true}}})
}

const MOCK_CALL: &str = r#"{"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
    "MockedResponses": {"R": {"0": {"Return": {"Done": true}}}}}"#;

#[test]
fn sqs_submission_records_the_send_message_response() {
    let exec = run_with(
        one_task(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            json!({"QueueUrl": "q", "MessageBody": "test_message_txt"}),
        ),
        json!({}),
        Some(MOCK_CALL),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let out = submitted_output(&exec);
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"]);
    // The real MD5 of the body sent (hashlib.md5(b"test_message_txt")).
    assert_eq!(out["MD5OfMessageBody"], "5bb368607e505ae08c41370962232b81");
    assert_eq!(out["MessageId"].as_str().unwrap().len(), 36);
    let meta = &out["SdkHttpMetadata"];
    assert_eq!(meta["HttpStatusCode"], 200);
    // As recorded: the JSON protocol body of SendMessage is 106 bytes.
    assert_eq!(meta["HttpHeaders"]["Content-Length"], "106");
    assert_eq!(meta["AllHttpHeaders"]["Content-Length"], json!(["106"]));
    assert_eq!(meta["HttpHeaders"]["Date"], "Mon, 01 Jan 2024 00:00:00 GMT");
    let request_id = out["SdkResponseMetadata"]["RequestId"].clone();
    assert_eq!(meta["HttpHeaders"]["x-amzn-RequestId"], request_id);
    let header_order: Vec<&str> =
        meta["AllHttpHeaders"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        header_order,
        ["x-amzn-RequestId", "connection", "Content-Length", "Date", "Content-Type"]
    );
}

#[test]
fn submission_responses_are_deterministic_and_json_bodies_are_hashed_as_sent() {
    let def = one_task(
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        json!({"QueueUrl": "q", "MessageBody": {"b": 1, "a": "x"}}),
    );
    let a = submitted_output(&run_with(def.clone(), json!({}), Some(MOCK_CALL)));
    let b = submitted_output(&run_with(def, json!({}), Some(MOCK_CALL)));
    assert_eq!(a, b, "same seed, same ids");
    assert_eq!(
        a["MD5OfMessageBody"],
        "783b851157ab02c1d0419d1502adb8e4" /* md5 of {"b":1,"a":"x"} */
    );
}

#[test]
fn sns_and_start_execution_submissions() {
    let sns = run_with(
        one_task(
            "arn:aws:states:::sns:publish.waitForTaskToken",
            json!({"TopicArn": "t", "Message": "m"}),
        ),
        json!({}),
        Some(MOCK_CALL),
    );
    let out = submitted_output(&sns);
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["MessageId", "SdkHttpMetadata", "SdkResponseMetadata"]);

    for resource in [
        "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:::states:startExecution.sync:2",
    ] {
        let exec = run_with(
            one_task(
                resource,
                json!({
                "StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:Child",
                "Name": "Run1"}),
            ),
            json!({}),
            Some(MOCK_CALL),
        );
        let out = submitted_output(&exec);
        let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["ExecutionArn", "SdkHttpMetadata", "SdkResponseMetadata", "StartDate"]);
        assert_eq!(
            out["ExecutionArn"],
            "arn:aws:states:us-east-1:111111111111:execution:Child:Run1"
        );
        assert_eq!(out["StartDate"], 1_704_067_200_000i64);
        // The task's own result is still the mocked final answer.
        assert_eq!(exec.describe().output, Some(json!({"Done": true})));
    }
}

#[test]
fn a_mock_throw_without_error_is_caught_with_a_null_error() {
    let def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
            "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "Runtime"},
                      {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "All"}],
            "End": true},
        "Runtime": {"Type": "Pass", "End": true},
        "All": {"Type": "Pass", "End": true}}});
    let mocks = r#"{"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Throw": {}}}}}"#;
    let exec = run_with(def.clone(), json!({}), Some(mocks));
    // Recorded on AWS (SendTaskFailure without error): caught by States.ALL, both null, and
    // TaskFailed carries neither field.
    assert_eq!(exec.describe().output, Some(json!({"err": {"Error": null, "Cause": null}})));
    let failed = exec.history().iter().find(|e| e.type_name() == "TaskFailed").unwrap();
    let details = failed.details_json();
    assert!(details.get("error").is_none() && details.get("cause").is_none());
    assert!(types(&exec).contains(&"TaskSubmitted".to_string()));

    // A named error keeps an empty cause as "" (recorded: States.Timeout, "Cause": "").
    let mocks = r#"{"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom", "Cause": ""}}}}}"#;
    let exec = run_with(def, json!({}), Some(mocks));
    assert_eq!(exec.describe().output, Some(json!({"err": {"Error": "Boom", "Cause": ""}})));
}

#[test]
fn the_context_object_has_the_developer_guides_execution_fields() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"ctx.$": "$$"}, "End": true}}});
    let exec = run_with(def, json!({"a": 1}), None);
    let out = exec.describe().output.unwrap();
    let execution = out["ctx"]["Execution"].as_object().unwrap();
    let keys: Vec<&str> = execution.keys().map(String::as_str).collect();
    // In the order AWS writes them (recorded 2026); RedriveTime only after a redrive.
    assert_eq!(keys, ["Id", "Input", "StartTime", "Name", "RoleArn", "RedriveCount"]);
    assert_eq!(execution["RedriveCount"], 0);
    assert_eq!(out["ctx"]["State"]["RetryCount"], 0);
    // JSONata's $states.context has it too.
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
        "Output": "{% $states.context.Execution.RedriveCount %}", "End": true}}});
    assert_eq!(run_with(def, json!({}), None).describe().output, Some(json!(0)));
}
