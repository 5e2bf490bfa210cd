//! TestState requests in the API's JSON shape (`asl::test_state::test_state_api`): every
//! request field, every status and AWS's rejections, with AWS's messages where the recordings
//! (`../shared/conformance/cases/test_state`) give them.

use asl::test_state::{test_state_api, Rejection};
use serde_json::{json, Value};

/// Calls TestState with `request` (its `definition` given as a value here, sent as text).
fn call(mut request: Value) -> Result<Value, Rejection> {
    for text_field in ["definition", "input", "variables", "context"] {
        if let Some(v) = request.get(text_field).cloned() {
            request[text_field] = json!(v.to_string());
        }
    }
    if let Some(v) = request.pointer("/mock/result").cloned() {
        request["mock"]["result"] = json!(v.to_string());
    }
    test_state_api(&request).map(|r| r.to_json())
}

fn ok(request: Value) -> Value {
    call(request).unwrap_or_else(|r| panic!("rejected: {r}"))
}

fn rejected(request: Value) -> (String, String) {
    match call(request) {
        Ok(r) => panic!("accepted: {r}"),
        Err(r) => (r.exception.to_string(), r.message),
    }
}

/// A field of the response that the API gives as JSON text, parsed.
fn parsed(response: &Value, pointer: &str) -> Value {
    let text = response.pointer(pointer).and_then(Value::as_str);
    serde_json::from_str(text.unwrap_or_else(|| panic!("no {pointer} in {response}"))).unwrap()
}

fn lambda_task() -> Value {
    json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true})
}

fn map_state(extra: Value) -> Value {
    let mut m = json!({"Type": "Map", "QueryLanguage": "JSONata",
        "Items": "{% $states.input.Values %}",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Inner",
            "States": {"Inner": {"Type": "Pass", "End": true}}},
        "End": true});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

#[test]
fn inspection_level_chooses_how_much_is_shown() {
    let pass = json!({"Type": "Pass", "InputPath": "$.a", "End": true});
    let info = ok(json!({"definition": pass, "input": {"a": 1}}));
    assert_eq!(info, json!({"status": "SUCCEEDED", "output": "1"}));
    for level in ["DEBUG", "TRACE"] {
        let r = ok(json!({"definition": pass, "input": {"a": 1}, "inspectionLevel": level}));
        assert_eq!(parsed(&r, "/inspectionData/input"), json!({"a": 1}));
        assert_eq!(parsed(&r, "/inspectionData/afterInputPath"), json!(1));
        assert_eq!(parsed(&r, "/inspectionData/afterResultPath"), json!(1));
    }
    let (exception, message) = rejected(json!({"definition": pass, "inspectionLevel": "VERBOSE"}));
    assert_eq!(exception, "ValidationException");
    assert!(message.contains("[INFO, DEBUG, TRACE]"), "{message}");
}

#[test]
fn pass_stages_follow_aws() {
    // With Result: no afterInputPath / afterParameters, the result instead (recorded).
    let r = ok(json!({"definition": {"Type": "Pass", "Result": {"k": 1}, "End": true},
        "input": {"v": 0}, "inspectionLevel": "TRACE"}));
    let insp = r["inspectionData"].as_object().unwrap();
    let mut keys: Vec<&str> = insp.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["afterResultPath", "afterResultSelector", "input", "result"]);
    // Fail and Succeed: the input and afterInputPath; JSONata states: the input.
    let r = ok(json!({"definition": {"Type": "Fail", "Error": "E", "Cause": "C"},
        "input": {"v": 0}, "inspectionLevel": "DEBUG"}));
    assert_eq!(r["status"], "FAILED");
    assert_eq!((r["error"].as_str(), r["cause"].as_str()), (Some("E"), Some("C")));
    assert!(r["inspectionData"].get("afterInputPath").is_some());
    let r = ok(json!({"definition": {"Type": "Succeed", "QueryLanguage": "JSONata"},
        "input": {"v": 0}, "inspectionLevel": "DEBUG"}));
    assert_eq!(r["inspectionData"], json!({"input": "{\"v\":0}"}));
}

#[test]
fn state_name_picks_a_state_of_a_whole_definition() {
    let machine = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Result": 2, "Next": "C"},
        "C": {"Type": "Succeed"}}});
    let r = ok(json!({"definition": machine, "stateName": "B"}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": "2", "nextState": "C"}));
    let (exception, message) = rejected(json!({"definition": machine, "stateName": "dne"}));
    assert_eq!(
        (exception.as_str(), message.as_str()),
        ("ValidationException", "State not found in definition")
    );
    let (_, message) = rejected(json!({"definition": machine}));
    assert!(message.contains("stateName"), "{message}");
}

#[test]
fn a_single_state_may_go_to_states_outside_it() {
    let r = ok(json!({"definition": {"Type": "Pass", "Next": "Elsewhere"}}));
    assert_eq!(r["nextState"], "Elsewhere");
}

#[test]
fn an_invalid_definition_is_refused_with_aws_message() {
    let (exception, message) = rejected(json!({"definition": {"Type": "Parallel", "Branches": [],
        "End": true}, "mock": {"result": []}}));
    assert_eq!(exception, "InvalidDefinition");
    assert_eq!(
        message,
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/StateName/Branches'"
    );
    let (_, message) = rejected(
        json!({"definition": {"StartAt": "S", "States": {"S": {"Type": "Nope", "End": true}}},
        "stateName": "S"}),
    );
    assert_eq!(
        message,
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/S/Type'"
    );
}

#[test]
fn mock_result_and_error_output_rules() {
    let task = lambda_task();
    let r = ok(json!({"definition": task, "input": {"x": 1},
        "mock": {"result": {"Payload": {"y": 2}, "StatusCode": 200}}}));
    assert_eq!(parsed(&r, "/output"), json!({"Payload": {"y": 2}, "StatusCode": 200}));
    let r = ok(json!({"definition": task, "mock": {"errorOutput": {"error": "E", "cause": "C"}}}));
    assert_eq!(
        (r["status"].as_str(), r["error"].as_str(), r["cause"].as_str()),
        (Some("FAILED"), Some("E"), Some("C"))
    );
    let mut not_json =
        json!({"definition": task.to_string(), "mock": {"result": "not JSON string"}});
    not_json["mock"]["fieldValidationMode"] = json!("NONE");
    assert_eq!(test_state_api(&not_json).unwrap_err().message, "Mocked result must be valid JSON");
    let (_, message) = rejected(json!({"definition": task,
        "mock": {"result": {}, "errorOutput": {"error": "E", "cause": "C"}}}));
    assert_eq!(
        message,
        "A test mock should have only one of the following fields: [result, errorOutput]."
    );
    let (_, message) =
        rejected(json!({"definition": task, "mock": {"result": {}}, "revealSecrets": true}));
    assert_eq!(message, "TestState does not support RevealSecrets when a mock is specified.");
}

#[test]
fn only_task_parallel_and_map_take_a_mock() {
    for (state, name) in [
        (json!({"Type": "Pass", "End": true}), "Pass"),
        (json!({"Type": "Fail"}), "Fail"),
        (json!({"Type": "Succeed"}), "Succeed"),
        (json!({"Type": "Wait", "Seconds": 1, "End": true}), "Wait"),
        (
            json!({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "X"}],
            "Default": "X"}),
            "Choice",
        ),
    ] {
        for mock in
            [json!({"result": {"a": 1}}), json!({"errorOutput": {"error": "E", "cause": "C"}})]
        {
            let (exception, message) = rejected(json!({"definition": state, "mock": mock}));
            assert_eq!(exception, "ValidationException");
            assert_eq!(
                message,
                format!("State type '{name}' is not supported when a mock is specified")
            );
        }
    }
    let parallel = json!({"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]});
    for state in [parallel.clone(), map_state(json!({}))] {
        let (exception, message) = rejected(json!({"definition": state}));
        assert_eq!(exception, "InvalidDefinition");
        assert_eq!(message, "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]");
    }
    let (_, message) = rejected(json!({"definition": parallel, "mock": {"result": [1]}}));
    assert_eq!(
        message,
        "Mocked result must contain the same number of items as number of Parallel branches."
    );
    let (_, message) = rejected(json!({"definition": parallel, "mock": {"result": {"a": 1}}}));
    assert_eq!(message, "Mocked result must be an array.");
    let r =
        ok(json!({"definition": parallel, "mock": {"result": [1, 2]}, "inspectionLevel": "DEBUG"}));
    assert_eq!(parsed(&r, "/output"), json!([1, 2]));
    assert_eq!(parsed(&r, "/inspectionData/afterResultSelector"), json!([1, 2]));
}

#[test]
fn map_mock_shape_depends_on_result_writer() {
    let (_, message) =
        rejected(json!({"definition": map_state(json!({})), "mock": {"result": {"a": 1}}}));
    assert_eq!(message, "Mocked result must be an array.");
    let writer = json!({"Type": "Map", "ItemsPath": "$.Values",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "T", "States": {"T": {"Type": "Pass", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "b", "Prefix": "p"}},
        "End": true});
    let (_, message) = rejected(json!({"definition": writer, "mock": {"result": ["x"]}}));
    assert_eq!(message, "Mocked result must be a JSON object.");
}

#[test]
fn field_validation_modes() {
    let start = json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": "arn"}, "End": true});
    let (_, message) = rejected(json!({"definition": start, "mock": {"result": {}}}));
    assert_eq!(
        message,
        "Mock result schema validation error: Required field 'ExecutionArn' is missing"
    );
    let r =
        ok(json!({"definition": start, "mock": {"result": {}, "fieldValidationMode": "PRESENT"}}));
    assert_eq!(r["status"], "SUCCEEDED");
    let wrong = json!({"ExecutionArn": "a", "StartDate": true});
    let (_, message) = rejected(
        json!({"definition": start, "mock": {"result": wrong, "fieldValidationMode": "PRESENT"}}),
    );
    assert_eq!(message, "Mock result schema validation error: Field 'StartDate' must be a string");
    let r =
        ok(json!({"definition": start, "mock": {"result": wrong, "fieldValidationMode": "NONE"}}));
    assert_eq!(parsed(&r, "/output"), wrong);
    let events = json!({"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {"Entries.$": "$.Entries"}, "End": true});
    let (_, message) = rejected(json!({"definition": events, "input": {"Entries": []},
        "mock": {"result": {"Entries": "no"}}}));
    assert_eq!(message, "Mock result schema validation error: Field 'Entries' must be an array");
    let sdk = |resource: &str| json!({"Type": "Task", "Resource": resource, "End": true});
    for (resource, result, expected) in [
        (
            "arn:aws:states:::aws-sdk:kms:encrypt",
            json!({"CiphertextBlob": 123}),
            "Field 'CiphertextBlob' must be a string",
        ),
        (
            "arn:aws:states:::aws-sdk:kms:encrypt",
            json!({"CiphertextBlob": ""}),
            "Field 'CiphertextBlob' is smaller than the minimum length",
        ),
        (
            "arn:aws:states:::aws-sdk:lambda:getFunction",
            json!({"Configuration": {"MemorySize": 127}}),
            "Field 'MemorySize' is less than the minimum value",
        ),
        (
            "arn:aws:states:::aws-sdk:lambda:getFunction",
            json!({"Configuration": {"MemorySize": 10241}}),
            "Field 'MemorySize' exceeds the maximum value",
        ),
        (
            "arn:aws:states:::aws-sdk:s3:getObject",
            json!({"StorageClass": "Papyrus"}),
            "Field 'StorageClass' is not an expected value",
        ),
        (
            "arn:aws:states:::aws-sdk:s3:getObject",
            json!({"ContentLength": "9000"}),
            "Field 'ContentLength' must be a number",
        ),
    ] {
        let (_, message) =
            rejected(json!({"definition": sdk(resource), "mock": {"result": result}}));
        assert_eq!(message, format!("Mock result schema validation error: {expected}"));
    }
    let (_, message) = rejected(json!({"definition": start,
        "mock": {"result": {}, "fieldValidationMode": "LOOSE"}}));
    assert!(message.contains("[STRICT, PRESENT, NONE]"), "{message}");
}

#[test]
fn context_object_rules_and_default() {
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "ResultSelector": {"ctx.$": "$$"}, "End": true});
    let mock = json!({"result": {"Payload": 1}});
    for (context, expected) in [
        (json!({"Map": {}}), "'Map' field is not supported when mocking a Context object"),
        (json!({"Execution": {"pokemon": "squirtle"}}), "Field 'pokemon' is not allowed"),
        (json!({"Execution": {"Id": 1}}), "Execution.Id must be a string"),
        (json!({"Task": {"Token": "t"}}), "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"),
    ] {
        let (_, message) = rejected(json!({"definition": task, "context": context, "mock": mock}));
        assert_eq!(message, format!("Invalid Context object provided: {expected}"));
    }
    let r = ok(json!({"definition": task, "context": {}, "mock": mock}));
    assert_eq!(parsed(&r, "/output"), json!({"ctx": {}}));
    // The default: an Express execution of its own, the state named StateName.
    let r = ok(json!({"definition": task, "mock": mock, "roleArn": "arn:aws:iam::1:role/R",
        "stateConfiguration": {"retrierRetryCount": 2}}));
    let ctx = &parsed(&r, "/output")["ctx"];
    assert_eq!(ctx["State"]["Name"], "StateName");
    assert_eq!(ctx["State"]["RetryCount"], 2);
    assert_eq!(ctx["Execution"]["RoleArn"], "arn:aws:iam::1:role/R");
    assert!(ctx["Execution"]["Id"].as_str().unwrap().contains(":express:"));
    let r = ok(json!({"definition": task, "mock": mock}));
    assert_eq!(parsed(&r, "/output")["ctx"]["Execution"]["RoleArn"], Value::Null);
    assert_eq!(parsed(&r, "/output")["ctx"].get("Task"), None);
    // A callback task sees a token, and may be given one.
    let callback = json!({"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true});
    let r = ok(json!({"definition": callback, "mock": {"result": {"done": true}},
        "inspectionLevel": "DEBUG"}));
    assert_eq!(
        parsed(&r, "/inspectionData/afterParameters")["MessageBody"],
        asl::test_state::TEST_STATE_TASK_TOKEN
    );
    let r = ok(json!({"definition": callback, "mock": {"result": {"done": true}},
        "context": {"Task": {"Token": "given"}}, "inspectionLevel": "DEBUG"}));
    assert_eq!(parsed(&r, "/inspectionData/afterParameters")["MessageBody"], "given");
}

#[test]
fn retrier_retry_count_decides_retriable_or_failed() {
    let task = json!({"Type": "Task", "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["Other"]}, {"ErrorEquals": ["E"], "IntervalSeconds": 1,
            "MaxAttempts": 5, "BackoffRate": 2.0}], "End": true});
    let request = |n: u64| {
        json!({"definition": task, "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "E", "cause": "C"}},
        "stateConfiguration": {"retrierRetryCount": n}})
    };
    let r = ok(request(4));
    assert_eq!(r["status"], "RETRIABLE");
    assert_eq!(
        r["inspectionData"]["errorDetails"],
        json!({"retryIndex": 1, "retryBackoffIntervalSeconds": 16})
    );
    assert_eq!(parsed(&r, "/inspectionData/afterArguments"), json!({"FunctionName": "f"}));
    let r = ok(request(5));
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"retryIndex": 1}));
    let mut bad = request(0);
    bad["stateConfiguration"]["retrierRetryCount"] = json!(-1);
    assert_eq!(rejected(bad).0, "ValidationException");
}

#[test]
fn a_caught_error_reports_the_catcher() {
    let task = json!({"Type": "Task", "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
        "Catch": [{"ErrorEquals": ["E"], "Output": "{% $states.errorOutput %}", "Next": "Handle"}],
        "End": true});
    let r = ok(json!({"definition": task, "inspectionLevel": "TRACE",
        "mock": {"errorOutput": {"error": "E", "cause": "C"}}}));
    assert_eq!(r["status"], "CAUGHT_ERROR");
    assert_eq!(r["nextState"], "Handle");
    assert_eq!(parsed(&r, "/output"), json!({"Error": "E", "Cause": "C"}));
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"catchIndex": 0}));
}

#[test]
fn map_iteration_failure_count_against_tolerated_failures() {
    let map = map_state(json!({"ToleratedFailureCount": 1, "MaxConcurrency": 2,
        "Retry": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 1}]}));
    let request = |failed: u64| {
        json!({"definition": map, "input": {"Values": [1, 2, 3]},
        "inspectionLevel": "DEBUG", "mock": {"result": [1, 1, 1]},
        "stateConfiguration": {"mapIterationFailureCount": failed}})
    };
    let r = ok(request(1));
    assert_eq!(r["status"], "SUCCEEDED");
    assert_eq!(r["inspectionData"]["maxConcurrency"], 2);
    assert_eq!(r["inspectionData"]["toleratedFailureCount"], 1);
    let r = ok(request(2));
    assert_eq!(r["status"], "RETRIABLE");
    assert_eq!(r["error"], "States.ExceedToleratedFailureThreshold");
    assert_eq!(r["cause"], "The specified tolerated failure threshold was exceeded");
    assert_eq!(
        r["inspectionData"]["errorDetails"],
        json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 1})
    );
    // A percentage: 1 of 3 is 33.3 %.
    let pct = map_state(json!({"ToleratedFailurePercentage": 40}));
    let r =
        ok(json!({"definition": pct, "input": {"Values": [1, 2, 3]}, "inspectionLevel": "DEBUG",
        "mock": {"result": [1, 1, 1]}, "stateConfiguration": {"mapIterationFailureCount": 1}}));
    assert_eq!(r["status"], "SUCCEEDED");
    assert_eq!(r["inspectionData"]["toleratedFailurePercentage"], 40.0);
    let (_, message) = rejected(json!({"definition": map_state(json!({})),
        "stateConfiguration": {"mapIterationFailureCount": 0}}));
    assert_eq!(
        message,
        "TestState does not support MapIterationFailureCount when a mock is not specified."
    );
}

#[test]
fn a_mocked_map_error_fails_the_map() {
    let r = ok(json!({"definition": map_state(json!({})), "input": {"Values": [1]},
        "inspectionLevel": "DEBUG", "mock": {"errorOutput": {"error": "E", "cause": "C"}},
        "stateConfiguration": {"errorCausedByState": "Inner"}}));
    assert_eq!((r["status"].as_str(), r["error"].as_str()), (Some("FAILED"), Some("E")));
    assert_eq!(r["inspectionData"]["maxConcurrency"], 0);
}

#[test]
fn jsonpath_map_reports_items_path_selector_and_batcher() {
    let map = json!({"Type": "Map", "ItemsPath": "$.items",
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemBatcher": {"MaxItemsPerBatch": 2},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "ResultPath": "$.out", "End": true});
    let r = ok(json!({"definition": map, "input": {"items": ["a", "b", "c"]},
        "inspectionLevel": "DEBUG", "mock": {"result": ["x"]}}));
    assert_eq!(parsed(&r, "/inspectionData/afterItemsPath"), json!(["a", "b", "c"]));
    assert_eq!(
        parsed(&r, "/inspectionData/afterItemSelector"),
        json!([{"v": "a", "i": 0}, {"v": "b", "i": 1}, {"v": "c", "i": 2}])
    );
    let batches = parsed(&r, "/inspectionData/afterItemBatcher");
    assert_eq!(batches.as_array().map(Vec::len), Some(2));
    assert_eq!(parsed(&r, "/output"), json!({"items": ["a", "b", "c"], "out": ["x"]}));
}

#[test]
fn map_item_reader_data_is_what_the_reader_reads() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemReader": {"ReaderConfig": {"InputType": "JSON"},
            "Resource": "arn:aws:states:::s3:getObject",
            "Arguments": {"Bucket": "b", "Key": "k"}},
        "ItemSelector": "{% {'doubled': $states.context.Map.Item.Value * 2} %}",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let r = ok(json!({"definition": machine, "stateName": "M", "inspectionLevel": "TRACE",
        "mock": {"result": [1]}, "stateConfiguration": {"mapItemReaderData": "[1, 2]"}}));
    assert_eq!(
        parsed(&r, "/inspectionData/afterItemSelector"),
        json!([{"doubled": 2}, {"doubled": 4}])
    );
    let (_, message) =
        rejected(json!({"definition": machine, "stateName": "M", "mock": {"result": [1]}}));
    assert!(message.contains("mapItemReaderData"), "{message}");
}

#[test]
fn variables_are_visible_and_reported() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": "{% $v + 1 %}", "End": true}}});
    let r = ok(json!({"definition": machine, "stateName": "P", "variables": {"v": 41},
        "inspectionLevel": "TRACE"}));
    assert_eq!(parsed(&r, "/output"), json!(42));
    assert_eq!(parsed(&r, "/inspectionData/variables"), json!({"v": 41}));
    let (_, message) = rejected(json!({"definition": machine, "stateName": "P", "variables": [1]}));
    assert_eq!(message, "variables must be a JSON object");
}
