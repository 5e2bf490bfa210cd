//! Workflow variables (`Assign`) and JSONata states through whole executions: scoping in Map
//! and Parallel, evaluation order, `assignedVariables` in the history, JSONata errors with
//! their `EvaluationFailed` events and Retry / Catch.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, HistoryEvent, MockConfig, StateMachine};
use serde_json::{json, Value};

fn run_with(definition: Value, input: Value, mocks: Option<Value>) -> Execution {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    let (mock_config, test_case) = match mocks {
        Some(config) => (
            Some(MockConfig::from_text(&config.to_string()).expect("valid mocks")),
            Some("T".to_string()),
        ),
        None => (None, None),
    };
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig {
            input,
            mock_config,
            test_case,
            state_machine_name: "SM".into(),
            ..Default::default()
        },
    );
    exec.run_to_completion();
    exec
}

fn run(definition: Value, input: Value) -> Execution {
    run_with(definition, input, None)
}

fn events<'a>(exec: &'a Execution, ty: &str) -> Vec<&'a HistoryEvent> {
    exec.history().iter().filter(|e| e.type_name() == ty).collect()
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.type_name().to_string()).collect()
}

/// The `assignedVariables` of the `…StateExited` event of `state` (the first one).
fn assigned(exec: &Execution, state: &str) -> Option<Value> {
    exec.history()
        .iter()
        .find(|e| e.type_name().ends_with("StateExited") && e.state_name.as_deref() == Some(state))
        .and_then(|e| e.details_json().get("assignedVariables").cloned())
}

#[test]
fn jsonpath_assign_reads_the_result_and_history_records_json_texts() {
    let exec = run(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Result": {"answer": 42}, "ResultPath": "$.r",
                  "Assign": {"theAnswer.$": "$.answer", "fixed": "x", "n.$": "States.MathAdd($.answer, 1)"},
                  "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"a.$": "$theAnswer", "f.$": "$fixed", "n.$": "$n"}, "End": true}
        }}),
        json!({"in": 1}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!({"a": 42, "f": "x", "n": 43})));
    assert_eq!(assigned(&exec, "A"), Some(json!({"theAnswer": "42", "fixed": "\"x\"", "n": "43"})));
    let exited =
        exec.history().iter().find(|e| e.type_name() == "PassStateExited").expect("A exited");
    assert_eq!(exited.details_json()["assignedVariablesDetails"], json!({"truncated": false}));
    // B assigns nothing: no assignedVariables at all.
    assert_eq!(assigned(&exec, "B"), None);
}

#[test]
fn every_assign_value_sees_the_variables_from_before_the_state() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x": "{% $x + 10 %}", "y": "{% $x %}"},
                  "Output": {"x": "{% $x %}"}, "Next": "C"},
            "C": {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}"}, "End": true}
        }}),
        json!({}),
    );
    // B's Assign and Output both see x = 1; the new values exist from C on.
    assert_eq!(assigned(&exec, "B"), Some(json!({"x": "11", "y": "1"})));
    let b_exit = events(&exec, "PassStateExited")[1];
    assert_eq!(b_exit.details_json()["output"], json!("{\"x\":1}"));
    assert_eq!(exec.describe().output, Some(json!({"x": 11, "y": 1})));
}

#[test]
fn map_iterations_read_outer_variables_and_keep_their_own_inside() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Assign": {"bias": 100, "inner": "outer"}, "Next": "M"},
            "M": {"Type": "Map", "Items": "{% $states.input.xs %}", "MaxConcurrency": 1,
                  "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}",
                                   "i": "{% $states.context.Map.Item.Index %}"},
                  "ItemProcessor": {"StartAt": "Set", "States": {
                      "Set": {"Type": "Pass", "Assign": {"inner": "{% $states.input.v %}"}, "Next": "Use"},
                      "Use": {"Type": "Pass", "Output": "{% $inner + $bias + $states.input.i %}", "End": true}
                  }},
                  "Next": "After"},
            "After": {"Type": "Pass", "Output": {"results": "{% $states.input %}", "inner": "{% $inner %}"}, "End": true}
        }}),
        json!({"xs": [1, 2, 3]}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!({"results": [101, 103, 105], "inner": "outer"})));
}

#[test]
fn parallel_branches_copy_variables_at_spawn_and_do_not_leak() {
    let exec = run(
        json!({"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Assign": {"v": "before"}, "Next": "P"},
            "P": {"Type": "Parallel", "Next": "After", "Branches": [
                {"StartAt": "B1", "States": {
                    "B1": {"Type": "Pass", "Assign": {"v": "branch1"}, "Next": "B1b"},
                    "B1b": {"Type": "Pass", "Parameters": {"seen.$": "$v"}, "End": true}}},
                {"StartAt": "B2", "States": {
                    "B2": {"Type": "Wait", "Seconds": 1, "Next": "B2b"},
                    "B2b": {"Type": "Pass", "Parameters": {"seen.$": "$v"}, "End": true}}}
            ]},
            "After": {"Type": "Pass", "Parameters": {"branches.$": "$", "v.$": "$v"}, "End": true}
        }}),
        json!({}),
    );
    assert_eq!(
        exec.describe().output,
        Some(json!({"branches": [{"seen": "branch1"}, {"seen": "before"}], "v": "before"}))
    );
}

#[test]
fn undefined_variable_in_arguments_is_a_located_query_evaluation_error() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "State0", "States": {
            "State0": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Arguments": {"FunctionName": "{% $doesNotExist %}"}, "End": true}
        }}),
        json!({}),
    );
    let cause =
        "An error occurred while executing the state 'State0' (entered at the event id #2). \
                 The JSONata expression '$doesNotExist' specified for the field \
                 'Arguments/FunctionName' returned nothing (undefined).";
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("States.QueryEvaluationError"));
    assert_eq!(d.cause.as_deref(), Some(cause));
    assert_eq!(
        types(&exec),
        ["ExecutionStarted", "TaskStateEntered", "EvaluationFailed", "ExecutionFailed"]
    );
    let failed = events(&exec, "EvaluationFailed")[0];
    assert_eq!(
        failed.details_json(),
        json!({"cause": cause, "error": "States.QueryEvaluationError",
               "location": "Arguments/FunctionName", "state": "State0"})
    );
}

#[test]
fn catch_handles_query_evaluation_errors_with_error_output_and_assign() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "{% $missing %}"},
                  "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                  "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                             "Assign": {"err": "{% $states.errorOutput.Error %}", "in": "{% $states.input %}"},
                             "Output": {"caught": "{% $states.errorOutput.Error %}"},
                             "Next": "Done"}],
                  "End": true},
            "Done": {"Type": "Pass", "Output": {"o": "{% $states.input %}", "err": "{% $err %}", "in": "{% $in %}"}, "End": true}
        }}),
        json!({"k": 1}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        exec.describe().output,
        Some(json!({"o": {"caught": "States.QueryEvaluationError"},
                    "err": "States.QueryEvaluationError", "in": {"k": 1}}))
    );
    // No retry for an error its retrier does not name; the evaluation failure is recorded.
    assert_eq!(events(&exec, "TaskScheduled").len(), 0);
    assert_eq!(events(&exec, "EvaluationFailed").len(), 1);
}

#[test]
fn retry_applies_to_query_evaluation_errors() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "{% $missing %}"},
                  "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                  "End": true}
        }}),
        json!({}),
    );
    assert_eq!(exec.describe().error.as_deref(), Some("States.QueryEvaluationError"));
    // The first attempt and two retries each fail while evaluating Arguments.
    assert_eq!(events(&exec, "EvaluationFailed").len(), 3);
    let d = exec.describe();
    assert_eq!(d.stop_ms.map(|t| t - d.start_ms), Some(3000));
}

#[test]
fn task_result_feeds_output_and_assign_in_jsonata() {
    let mocks = json!({
        "StateMachines": {"SM": {"TestCases": {"T": {"Call": "M"}}}},
        "MockedResponses": {"M": {"0": {"Return": {"Payload": {"total": 7}, "StatusCode": 200}}}}
    });
    let exec = run_with(
        json!({"QueryLanguage": "JSONata", "StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n %}"}},
                     "Assign": {"total": "{% $states.result.Payload.total %}"},
                     "Output": "{% $states.result.Payload.total * 2 %}",
                     "Next": "Show"},
            "Show": {"Type": "Pass", "Output": {"doubled": "{% $states.input %}", "total": "{% $total %}"}, "End": true}
        }}),
        json!({"n": 3}),
        Some(mocks),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let scheduled = events(&exec, "TaskScheduled")[0];
    assert_eq!(
        scheduled.details_json()["parameters"],
        json!("{\"FunctionName\":\"f\",\"Payload\":{\"n\":3}}")
    );
    assert_eq!(assigned(&exec, "Call"), Some(json!({"total": "7"})));
    assert_eq!(exec.describe().output, Some(json!({"doubled": 14, "total": 7})));
}

#[test]
fn map_items_must_be_an_array() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map", "Items": "{% $states.input.flag %}",
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "End": true}
        }}),
        json!({"flag": true}),
    );
    assert_eq!(
        exec.describe().cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). \
             The JSONata expression '$states.input.flag' specified for the field 'Items' \
             returned an unexpected result type. Expected 'array', but was 'boolean' for value: true"
        )
    );
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "EvaluationFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );

    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
            "M": {"Type": "Map",
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "End": true}
        }}),
        json!(true),
    );
    assert_eq!(
        exec.describe().cause.as_deref(),
        Some(
            "An error occurred while executing the state 'M' (entered at the event id #2). \
             Map state input must be an array but was: true"
        )
    );
    let failed = events(&exec, "EvaluationFailed")[0];
    assert!(failed.details_json().get("location").is_none());
}

/// A JSONata workflow in the style of the AWS tutorial: a Choice on a Condition, a Wait whose
/// Seconds come from an expression, a Map over literal Items and a Fail with computed texts.
#[test]
fn jsonata_tutorial_style_machine() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "Check", "States": {
        "Check": {"Type": "Choice",
                  "Choices": [{"Condition": "{% $states.input.order.qty > 0 %}", "Next": "Hold",
                               "Assign": {"qty": "{% $states.input.order.qty %}"},
                               "Output": {"id": "{% $states.input.order.id %}"}}],
                  "Default": "Reject"},
        "Hold": {"Type": "Wait", "Seconds": "{% $qty * 2 %}",
                 "Assign": {"waitedFrom": "{% $millis() %}"}, "Next": "Lines"},
        "Lines": {"Type": "Map", "Items": [1, "{% $qty %}"],
                  "ItemProcessor": {"StartAt": "Line", "States": {
                      "Line": {"Type": "Pass", "Output": "{% $states.input * 10 %}", "End": true}}},
                  "Output": {"id": "{% $states.input.id %}", "lines": "{% $states.result %}",
                             "waited": "{% $millis() - $waitedFrom %}"},
                  "End": true},
        "Reject": {"Type": "Fail", "Error": "{% 'Bad' & 'Order' %}",
                   "Cause": "{% 'qty was ' & $string($states.input.order.qty) %}"}
    }});
    let exec = run(definition.clone(), json!({"order": {"id": "o-1", "qty": 3}}));
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        exec.describe().output,
        Some(json!({"id": "o-1", "lines": [10, 30], "waited": 6000}))
    );
    assert_eq!(assigned(&exec, "Check"), Some(json!({"qty": "3"})));

    let exec = run(definition, json!({"order": {"id": "o-2", "qty": 0}}));
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("BadOrder"));
    assert_eq!(d.cause.as_deref(), Some("qty was 0"));
}

#[test]
fn wait_timestamp_expression_must_be_iso_8601() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "End": true}
        }}),
        json!({"at": "2016-13-05T21:29:29Z"}),
    );
    assert_eq!(
        exec.describe().cause.as_deref(),
        Some(
            "An error occurred while executing the state 'W' (entered at the event id #2). \
             The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time \
             format string: 2016-13-05T21:29:29Z"
        )
    );
    assert_eq!(events(&exec, "EvaluationFailed")[0].details_json()["location"], json!("Timestamp"));
}

#[test]
fn choice_condition_must_be_boolean() {
    let exec = run(
        json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n %}", "Next": "E"}],
                  "Default": "E"},
            "E": {"Type": "Succeed"}
        }}),
        json!({"n": 5}),
    );
    assert_eq!(
        exec.describe().cause.as_deref(),
        Some(
            "An error occurred while executing the state 'C' (entered at the event id #2). \
             The JSONata expression '$states.input.n' specified for the field 'Condition' \
             returned an unexpected result type. Expected 'boolean', but was 'number' for value: 5"
        )
    );
}

#[test]
fn test_state_reports_arguments_and_variables_for_jsonata_states() {
    use asl::test_state::{test_state, TestMock, TestStateRequest};
    let machine = StateMachine::from_value(&json!({"QueryLanguage": "JSONata", "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n + $base %}"}},
            "Assign": {"got": "{% $states.result.Payload %}"},
            "Output": {"v": "{% $states.result.Payload * 2 %}"}, "End": true}}}))
    .expect("valid definition");
    let mut variables = serde_json::Map::new();
    variables.insert("base".into(), json!(10));
    let request = TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: "T".into(),
        input: json!({"n": 1}),
        mock: Some(TestMock::Result(json!({"Payload": 5}))),
        context: None,
        retrier_retry_count: 0,
        variables,
        ..Default::default()
    };
    let response = test_state(&machine, &request).expect("state exists");
    assert_eq!(response.status, "SUCCEEDED");
    assert_eq!(response.output, Some(json!({"v": 10})));
    assert_eq!(
        response.inspection_data["afterArguments"],
        json!("{\"FunctionName\":\"f\",\"Payload\":{\"n\":11}}")
    );
    assert_eq!(response.inspection_data["variables"], json!("{\"base\":10,\"got\":5}"));
}

#[test]
fn assignments_over_the_variable_quota_fail_with_data_limit_exceeded() {
    let big = "x".repeat(200_000);
    // One variable over 256 KiB.
    let exec = run(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
            "Assign": {"big.$": "States.Format('{}{}', $.s, $.s)"}}}}),
        json!({"s": big}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let d = exec.describe();
    assert_eq!(d.error.as_deref(), Some("States.DataLimitExceeded"));
    assert!(d.cause.unwrap_or_default().contains("variable 'big'"));
    // Two variables under the limit each, over it together.
    let exec = run(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Parallel", "End": true,
                  "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}],
                  "Assign": {"a.$": "$$.Execution.Input.s", "b.$": "$$.Execution.Input.s"}}}}),
        json!({"s": big}),
    );
    assert_eq!(exec.describe().error.as_deref(), Some("States.DataLimitExceeded"));
    // Under the limit: fine.
    let exec = run(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
            "Assign": {"a.$": "$.s"}}}}),
        json!({"s": big}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
}
