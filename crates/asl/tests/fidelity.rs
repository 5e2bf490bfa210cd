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

fn map_with(fields: Value) -> Value {
    let mut map = json!({"Type": "Map", "ItemsPath": "$.items", "End": true,
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}});
    if let (Some(m), Some(extra)) = (map.as_object_mut(), fields.as_object()) {
        m.extend(extra.clone());
    }
    json!({"StartAt": "M", "States": {"M": map}})
}

/// The error and the cause after AWS's runtime prefix ("An error occurred while executing the
/// state 'M' (entered at the event id #2). "), which is checked here.
fn failure(exec: &Execution) -> (String, String) {
    let d = exec.describe();
    let cause = d.cause.unwrap_or_default();
    let rest = cause.split_once("(entered at the event id #2). ").map(|(head, rest)| {
        assert!(head.starts_with("An error occurred while executing the state '"), "{cause}");
        rest.to_string()
    });
    (d.error.unwrap_or_default(), rest.unwrap_or(cause))
}

#[test]
fn unusable_map_path_values_fail_with_aws_causes() {
    let runtime = |fields: Value, input: Value| {
        let exec = run_with(map_with(fields), input, None);
        assert_eq!(exec.status(), ExecutionStatus::Failed);
        let (error, cause) = failure(&exec);
        assert_eq!(error, "States.Runtime");
        cause
    };
    // The wording the issue quotes (a string is shown without JSON quotes).
    assert_eq!(
        runtime(
            json!({"ToleratedFailureCountPath": "$.ToleratedFailureCount"}),
            json!({"items": [1], "ToleratedFailureCount": "NoNumber"})
        ),
        "The ToleratedFailureCountPath field refers to value \"NoNumber\" which is not a valid integer: $.ToleratedFailureCount"
    );
    assert_eq!(
        runtime(json!({"ToleratedFailureCountPath": "$.n"}), json!({"items": [1], "n": -1})),
        "ToleratedFailureCount cannot be negative."
    );
    // Recorded on AWS: an object selected by MaxConcurrencyPath.
    assert_eq!(
        runtime(
            json!({"MaxConcurrencyPath": "$.MaxConcurrencyValue"}),
            json!({"items": [1], "MaxConcurrencyValue": {}})
        ),
        "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: $.MaxConcurrencyValue"
    );
    assert_eq!(
        runtime(json!({"MaxConcurrencyPath": "$.n"}), json!({"items": [1], "n": -2})),
        "Expected non-negative integer for MaxConcurrency, got '-2' instead."
    );
    assert_eq!(
        runtime(json!({"ToleratedFailurePercentagePath": "$.p"}), json!({"items": [1], "p": "x"})),
        "The ToleratedFailurePercentagePath field refers to value \"x\" which is not a valid float: $.p"
    );
    assert_eq!(
        runtime(json!({"ToleratedFailurePercentagePath": "$.p"}), json!({"items": [1], "p": 101})),
        "ToleratedFailurePercentage must be between 0 and 100."
    );
}

#[test]
fn unusable_wait_path_values_fail_with_aws_causes() {
    let wait = |field: &str, input: Value| {
        let def =
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", field: "$.v", "End": true}}});
        let exec = run_with(def, input, None);
        failure(&exec)
    };
    // Recorded on AWS (Wait with TimestampPath).
    assert_eq!(
        wait("TimestampPath", json!({"v": "2016-12-05T21:29:29"})).1,
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.v == 2016-12-05T21:29:29"
    );
    assert_eq!(
        wait("SecondsPath", json!({"v": -1})).1,
        "The SecondsPath parameter references a negative value: $.v == -1"
    );
}

fn typed_names(exec: &Execution) -> Vec<String> {
    exec.history()
        .iter()
        .map(|e| {
            let d = e.details_json();
            match d.get("index") {
                Some(i) => format!("{}#{i}", e.type_name()),
                None => e.type_name().to_string(),
            }
        })
        .collect()
}

#[test]
fn a_failed_parallel_branch_aborts_its_running_siblings() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 60, "End": true}}},
        {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "E", "Cause": "c"}}}
    ]}}});
    let exec = run_with(def, json!({}), None);
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let t = types(&exec);
    let aborted = t.iter().position(|x| x == "WaitStateAborted").expect("the Wait is aborted");
    let failed = t.iter().position(|x| x == "ParallelStateFailed").unwrap();
    assert!(aborted < failed, "{t:?}");
    let event = &exec.history()[aborted];
    assert_eq!(event.details_json()["name"], "Slow");
}

#[test]
fn a_failed_map_iteration_aborts_the_running_ones() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.xs", "End": true,
        "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Boom"}],
                  "Default": "Work"},
            "Boom": {"Type": "Fail", "Error": "E"},
            "Work": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": true}}}}}});
    let exec = run_with(def, json!({"xs": [0, 1, 2]}), None);
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let t = typed_names(&exec);
    let tail: Vec<&str> = t
        .iter()
        .skip_while(|x| *x != "MapIterationFailed#1")
        .filter(|x| x.contains("Aborted") || x.contains("Failed"))
        .map(String::as_str)
        .collect();
    // The waiting tasks of iterations 0 and 2 are aborted, each before its iteration, all
    // before the Map fails.
    assert_eq!(
        tail,
        [
            "MapIterationFailed#1",
            "TaskStateAborted",
            "MapIterationAborted#2",
            "TaskStateAborted",
            "MapIterationAborted#0",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
    assert_eq!(exec.describe().error.as_deref(), Some("E"));
}

#[test]
fn a_sync_task_that_hands_out_its_token_is_answered_by_the_callback() {
    let def = json!({"StartAt": "Run", "States": {
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:Child",
                "Input": {"token.$": "$$.Task.Token"}},
            "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": true}}});
    let machine = StateMachine::from_value(&def).unwrap();
    let mut exec = Execution::start(Arc::new(machine), ExecutionConfig::default());
    let now = exec.now_ms();
    exec.advance_to(now, 100);
    // No job runs in Stepwise: the task waits, and its token interrupts it as on AWS.
    let tokens = exec.waiting_task_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].1, "Run");
    assert!(types(&exec).contains(&"TaskSubmitted".to_string()));
    exec.send_task_success(&tokens[0].0, json!({"early": true})).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let out = exec.describe().output.unwrap();
    // `$$.Task` is the Task state's own: the next state has none.
    assert!(out["ctx"].get("Task").is_none(), "{out}");
    assert_eq!(out["ctx"]["State"]["Name"], "After");

    // A mocked .sync task gets its answer from the mock, token or not.
    let exec = run_with(
        def,
        json!({}),
        Some(
            r#"{"StateMachines": {"MyStateMachine": {"TestCases":
        {"T": {"Run": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {"Output": "done"}}}}}"#,
        ),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
}
