//! TestState answers: each data-flow stage as the runner computes it, the mock as the task's
//! answer, and the RETRIABLE / CAUGHT_ERROR / FAILED outcomes of Retry and Catch.

use asl::test_state::{test_state, TestMock, TestStateRequest, TestStateResponse};
use asl::StateMachine;
use serde_json::{json, Map, Value};

fn run(definition: Value, state: &str, input: Value, mock: Option<TestMock>) -> TestStateResponse {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    let request = TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: state.into(),
        input,
        mock,
        context: None,
        retrier_retry_count: 0,
        variables: Map::new(),
        ..Default::default()
    };
    test_state(&machine, &request).expect("state exists")
}

/// An `inspectionData` stage, parsed back from its JSON text.
fn stage(r: &TestStateResponse, name: &str) -> Option<Value> {
    r.inspection_data.get(name).and_then(Value::as_str).map(|s| serde_json::from_str(s).unwrap())
}

#[test]
fn pass_reports_input_path_parameters_result_path_and_output() {
    let r = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.in",
            "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)", "fixed": 1},
            "ResultPath": "$.res", "OutputPath": "$.res", "Next": "Q"},
            "Q": {"Type": "Succeed"}}}),
        "P",
        json!({"in": {"n": 4}, "other": true}),
        None,
    );
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(stage(&r, "afterInputPath"), Some(json!({"n": 4})));
    assert_eq!(stage(&r, "afterParameters"), Some(json!({"doubled": 8, "fixed": 1})));
    // AWS shows a Pass state's effective input as the stage after ResultSelector, no `result`.
    assert_eq!(stage(&r, "result"), None);
    assert_eq!(stage(&r, "afterResultSelector"), Some(json!({"doubled": 8, "fixed": 1})));
    assert_eq!(
        stage(&r, "afterResultPath"),
        Some(json!({"in": {"n": 4}, "other": true, "res": {"doubled": 8, "fixed": 1}}))
    );
    assert_eq!(r.output, Some(json!({"doubled": 8, "fixed": 1})));
    assert_eq!(r.next_state.as_deref(), Some("Q"));
    assert_eq!(r.inspection_data.get("variables"), None);
}

#[test]
fn task_mock_result_goes_through_result_selector_and_assign() {
    let r = run(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "ResultSelector": {"body.$": "$.Payload.body"},
            "Assign": {"seen.$": "$.body"},
            "ResultPath": "$.out", "End": true}}}),
        "T",
        json!({"k": 1}),
        Some(TestMock::Result(json!({"Payload": {"body": "hi"}, "StatusCode": 200}))),
    );
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(
        stage(&r, "afterParameters"),
        Some(json!({"FunctionName": "f", "Payload": {"k": 1}}))
    );
    assert_eq!(stage(&r, "result"), Some(json!({"Payload": {"body": "hi"}, "StatusCode": 200})));
    assert_eq!(stage(&r, "afterResultSelector"), Some(json!({"body": "hi"})));
    assert_eq!(stage(&r, "afterResultPath"), Some(json!({"k": 1, "out": {"body": "hi"}})));
    // Assign's `$` is the result after ResultSelector, as in an execution.
    assert_eq!(stage(&r, "variables"), Some(json!({"seen": "hi"})));
    assert_eq!(r.output, Some(json!({"k": 1, "out": {"body": "hi"}})));
    assert_eq!(r.next_state, None);
}

fn retry_catch_task() -> Value {
    json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"},
            "Retry": [{"ErrorEquals": ["Other"]},
                      {"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3,
                       "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["Nope"], "Next": "A"},
                      {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "B"}],
            "End": true},
        "A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}})
}

#[test]
fn task_mock_error_is_retriable_while_its_retrier_has_attempts_left() {
    let machine = StateMachine::from_value(&retry_catch_task()).unwrap();
    let request = |retrier_retry_count| TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: "T".into(),
        input: json!({"x": 1}),
        mock: Some(TestMock::Error { error: "Boom".into(), cause: "bad".into() }),
        context: None,
        retrier_retry_count,
        variables: Map::new(),
        ..Default::default()
    };
    let r = test_state(&machine, &request(1)).unwrap();
    assert_eq!(r.status, "RETRIABLE");
    assert_eq!(r.error.as_deref(), Some("Boom"));
    assert_eq!(r.cause.as_deref(), Some("bad"));
    assert_eq!(r.output, None);
    assert_eq!(
        r.inspection_data["errorDetails"],
        json!({"retryIndex": 1, "retryBackoffIntervalSeconds": 6})
    );
    // Attempts used up: the second catcher catches it.
    let r = test_state(&machine, &request(2)).unwrap();
    assert_eq!(r.status, "CAUGHT_ERROR");
    assert_eq!(r.inspection_data["errorDetails"], json!({"catchIndex": 1}));
    assert_eq!(r.next_state.as_deref(), Some("B"));
    assert_eq!(r.output, Some(json!({"x": 1, "err": {"Error": "Boom", "Cause": "bad"}})));
    assert_eq!(r.error.as_deref(), Some("Boom"));
}

#[test]
fn an_error_nobody_retries_or_catches_fails_the_state() {
    let r = run(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
            "Catch": [{"ErrorEquals": ["Nope"], "Next": "T"}], "End": true}}}),
        "T",
        json!({}),
        Some(TestMock::Error { error: "Boom".into(), cause: "bad".into() }),
    );
    assert_eq!(r.status, "FAILED");
    assert_eq!((r.error.as_deref(), r.cause.as_deref()), (Some("Boom"), Some("bad")));
    assert_eq!(r.inspection_data.get("errorDetails"), None);
    // A runtime error keeps its cause as raised: TestState has no history to point into.
    let r = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.missing",
            "End": true}}}),
        "P",
        json!({}),
        None,
    );
    assert_eq!(r.status, "FAILED");
    assert_eq!(r.error.as_deref(), Some("States.Runtime"));
    assert!(!r.cause.unwrap_or_default().starts_with("An error occurred"));
}

#[test]
fn choice_reports_the_chosen_next_state() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "InputPath": "$.v",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big",
                         "Assign": {"size": "big"}}],
            "Default": "Small"},
        "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}});
    let r = run(def.clone(), "C", json!({"v": {"n": 11}}), None);
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(r.next_state.as_deref(), Some("Big"));
    assert_eq!(r.output, Some(json!({"n": 11})));
    assert_eq!(stage(&r, "afterInputPath"), Some(json!({"n": 11})));
    assert_eq!(stage(&r, "variables"), Some(json!({"size": "big"})));
    let r = run(def, "C", json!({"v": {"n": 1}}), None);
    assert_eq!(r.next_state.as_deref(), Some("Small"));
    assert_eq!(r.inspection_data.get("variables"), None);
}

#[test]
fn jsonata_task_reports_arguments_result_output_and_variables() {
    let machine = StateMachine::from_value(&json!({"QueryLanguage": "JSONata", "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.n * $k %}"},
            "Assign": {"last": "{% $states.result.Payload %}"},
            "Output": "{% {'sum': $states.result.Payload + $k} %}",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T",
                "Assign": {"failed": "{% $states.errorOutput.Error %}"},
                "Output": "{% $states.errorOutput.Cause %}"}],
            "End": true}}}))
    .unwrap();
    let mut variables = Map::new();
    variables.insert("k".into(), json!(3));
    let request = |mock| TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: "T".into(),
        input: json!({"n": 2}),
        mock: Some(mock),
        context: None,
        retrier_retry_count: 0,
        variables: variables.clone(),
        ..Default::default()
    };
    let r = test_state(&machine, &request(TestMock::Result(json!({"Payload": 7})))).unwrap();
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(stage(&r, "afterArguments"), Some(json!({"FunctionName": "f", "Payload": 6})));
    assert_eq!(stage(&r, "result"), Some(json!({"Payload": 7})));
    assert_eq!(r.output, Some(json!({"sum": 10})));
    assert_eq!(stage(&r, "variables"), Some(json!({"k": 3, "last": 7})));
    assert_eq!(r.inspection_data.get("afterInputPath"), None);
    let failed = TestMock::Error { error: "Boom".into(), cause: "why".into() };
    let r = test_state(&machine, &request(failed)).unwrap();
    assert_eq!(r.status, "CAUGHT_ERROR");
    assert_eq!(r.output, Some(json!("why")));
    assert_eq!(r.next_state.as_deref(), Some("T"));
    assert_eq!(stage(&r, "variables"), Some(json!({"k": 3, "failed": "Boom"})));
    assert_eq!(r.inspection_data["errorDetails"], json!({"catchIndex": 0}));
}

#[test]
fn a_given_context_is_what_the_state_sees() {
    let machine = StateMachine::from_value(&json!({"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id", "name.$": "$$.State.Name"},
        "End": true}}}))
    .unwrap();
    let mut request = TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: "P".into(),
        input: json!({}),
        mock: None,
        context: None,
        retrier_retry_count: 0,
        variables: Map::new(),
        ..Default::default()
    };
    let r = test_state(&machine, &request).unwrap();
    let out = r.output.unwrap();
    // TestState names the tested state `StateName` in `$$`, as AWS does.
    assert_eq!(out["name"], json!("StateName"));
    assert!(out["id"].as_str().unwrap().starts_with("arn:aws:states:"));
    request.context = Some(json!({"Execution": {"Id": "given"}, "State": {"Name": "S"}}));
    let r = test_state(&machine, &request).unwrap();
    assert_eq!(r.output, Some(json!({"id": "given", "name": "S"})));
}

#[test]
fn parallel_and_map_take_the_mock_as_their_result() {
    let r = run(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
            "ResultSelector": {"n.$": "States.ArrayLength($)"}, "ResultPath": "$.count",
            "End": true}}}),
        "M",
        json!({"items": [1, 2]}),
        Some(TestMock::Result(json!(["a", "b", "c"]))),
    );
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(r.output, Some(json!({"items": [1, 2], "count": {"n": 3}})));
    assert_eq!(stage(&r, "afterItemsPath"), Some(json!([1, 2])));
    assert_eq!(r.inspection_data["maxConcurrency"], json!(0));
    // A Parallel's mock has one result per branch.
    let r = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}),
        "P",
        json!({"x": 1}),
        Some(TestMock::Result(json!([1, 2]))),
    );
    assert_eq!(r.status, "SUCCEEDED");
    assert_eq!(stage(&r, "afterResultSelector"), Some(json!([1, 2])));
    assert_eq!(r.output, Some(json!([1, 2])));
}
