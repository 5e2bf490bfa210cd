//! Behaviour of each state type through whole executions.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Value};

fn run_with(definition: Value, input: Value, mocks: Option<(&str, &str)>) -> Execution {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    let (mock_config, test_case) = match mocks {
        Some((config, case)) => {
            (Some(MockConfig::from_text(config).unwrap()), Some(case.to_string()))
        }
        None => (None, None),
    };
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig { input, mock_config, test_case, ..Default::default() },
    );
    exec.run_to_completion();
    exec
}

fn run(definition: Value, input: Value) -> Execution {
    run_with(definition, input, None)
}

fn count(exec: &Execution, ty: &str) -> usize {
    exec.history().iter().filter(|e| e.type_name() == ty).count()
}

#[test]
fn parallel_collects_branch_outputs_in_order() {
    let exec = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 5, "Next": "A2"}, "A2": {"Type": "Pass", "Result": "a", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}
        ]}}}),
        json!({}),
    );
    assert_eq!(exec.describe().output, Some(json!(["a", "b"])));
    assert_eq!(count(&exec, "ParallelStateStarted"), 1);
    assert_eq!(count(&exec, "ParallelStateSucceeded"), 1);
}

#[test]
fn map_item_selector_sees_the_item_and_concurrency_is_limited() {
    let exec = run(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.xs",
            "MaxConcurrency": 1,
            "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "k.$": "$.k"},
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}),
        json!({"xs": [10, 20], "k": "K"}),
    );
    assert_eq!(
        exec.describe().output,
        Some(json!([{"v": 10, "i": 0, "k": "K"}, {"v": 20, "i": 1, "k": "K"}]))
    );
    // MaxConcurrency 1: the second iteration starts after the first one succeeded.
    let types: Vec<&str> = exec.history().iter().map(|e| e.type_name()).collect();
    let first_done = types.iter().position(|t| *t == "MapIterationSucceeded").unwrap();
    let second_start = types.iter().rposition(|t| *t == "MapIterationStarted").unwrap();
    assert!(first_done < second_start);
}

#[test]
fn map_item_batcher_groups_items() {
    let exec = run(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"tag": "t"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}),
        json!([1, 2, 3]),
    );
    assert_eq!(
        exec.describe().output,
        Some(json!([
            {"BatchInput": {"tag": "t"}, "Items": [1, 2]},
            {"BatchInput": {"tag": "t"}, "Items": [3]}
        ]))
    );
    assert_eq!(count(&exec, "MapRunStarted"), 1);
    assert_eq!(
        count(&exec, "MapIterationStarted"),
        0,
        "distributed iterations are child executions"
    );
}

#[test]
fn map_failure_beyond_tolerance_fails_the_state() {
    let def = |tolerated: u64| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailureCount": tolerated,
            "ItemProcessor": {"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "OK"},
                "F": {"Type": "Fail", "Error": "Bad", "Cause": "two"},
                "OK": {"Type": "Succeed"}}}}}})
    };
    let exec = run(def(0), json!([1, 2, 3]));
    assert_eq!(exec.describe().error.as_deref(), Some("States.ExceedToleratedFailureThreshold"));
    let exec = run(def(1), json!([1, 2, 3]));
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
}

#[test]
fn choice_without_match_or_default_fails() {
    let exec = run(
        json!({"StartAt": "C", "States": {"C": {"Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "D"}]},
            "D": {"Type": "Succeed"}}}),
        json!({"n": 1}),
    );
    assert_eq!(exec.describe().error.as_deref(), Some("States.NoChoiceMatched"));
}

#[test]
fn wait_timestamp_path_advances_virtual_time() {
    let exec = run(
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.at", "End": true}}}),
        json!({"at": "2024-01-01T01:00:00Z"}),
    );
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let h = exec.history();
    assert_eq!(h.last().unwrap().timestamp_ms - h[0].timestamp_ms, 3_600_000);
}

#[test]
fn fail_state_reads_error_and_cause_from_paths() {
    let exec = run(
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('n={}', $.n)"}}}),
        json!({"e": "Custom", "n": 3}),
    );
    let d = exec.describe();
    assert_eq!(d.error.as_deref(), Some("Custom"));
    assert_eq!(d.cause.as_deref(), Some("n=3"));
}

#[test]
fn mocks_answer_by_invocation_and_retry_uses_backoff() {
    let mocks = r#"{"StateMachines": {"Case": {"TestCases": {"T": {"Call": "M"}}}},
        "MockedResponses": {"M": {"0-1": {"Throw": {"Error": "Flaky", "Cause": "try again"}}, "2": {"Return": {"ok": 1}}}}}"#;
    let exec = run_with(
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem", "End": true,
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 5}]}}}),
        json!({}),
        Some((mocks, "T")),
    );
    assert_eq!(exec.describe().output, Some(json!({"ok": 1})));
    assert_eq!(count(&exec, "TaskFailed"), 2);
    let start = exec.history()[0].timestamp_ms;
    let scheduled: Vec<i64> = exec
        .history()
        .iter()
        .filter(|e| e.type_name() == "TaskScheduled")
        .map(|e| e.timestamp_ms - start)
        .collect();
    assert_eq!(scheduled, [0, 2000, 8000]);
}

#[test]
fn unmocked_tasks_fail_with_advice() {
    let exec = run(
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}),
        json!({}),
    );
    let d = exec.describe();
    assert_eq!(d.error.as_deref(), Some("States.TaskFailed"));
    assert!(d.cause.unwrap().contains("MockConfigFile"));
}

#[test]
fn execution_timeout_times_out() {
    let exec = run(
        json!({"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}),
        json!({}),
    );
    assert_eq!(exec.status(), ExecutionStatus::TimedOut);
    assert_eq!(exec.history().last().unwrap().type_name(), "ExecutionTimedOut");
}

#[test]
fn oversized_outputs_fail_with_data_limit_exceeded() {
    let big = "x".repeat(300_000);
    let exec = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": big, "End": true,
        }}}),
        json!({}),
    );
    assert_eq!(exec.describe().error.as_deref(), Some("States.DataLimitExceeded"));
}

#[test]
fn lambda_invoke_integration_wraps_the_mock_api_payload() {
    let exec = run(
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "MockAPIFunction", "Payload.$": "$"},
            "OutputPath": "$.Payload", "End": true}}}),
        json!({"statuscode": "200"}),
    );
    assert_eq!(exec.describe().output, Some(json!("200 OK")));
    assert_eq!(count(&exec, "TaskScheduled"), 1);
}

fn distributed_map(result_writer: Value) -> Value {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "ResultWriter": result_writer}}})
}

#[test]
fn result_writer_export_replaces_the_results_by_their_location() {
    let writer = json!({"Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "my-bucket", "Prefix": "jobs"}});
    let exec = run(distributed_map(writer), json!(["a", "b"]));
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let output = exec.describe().output.unwrap_or_default();
    let arn = output["MapRunArn"].as_str().unwrap_or_default().to_string();
    assert!(arn.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:MyStateMachine/M:"));
    let started = exec.history().iter().find(|e| e.type_name() == "MapRunStarted");
    let started_arn =
        started.map(|e| e.to_aws_json()["mapRunStartedEventDetails"]["mapRunArn"].clone());
    assert_eq!(started_arn, Some(json!(arn)));
    let run_id = arn.rsplit(':').next().unwrap_or_default();
    assert_eq!(
        output["ResultWriterDetails"],
        json!({"Bucket": "my-bucket", "Key": format!("jobs/{run_id}/manifest.json")})
    );
}

#[test]
fn result_writer_parameters_are_resolved_against_the_input() {
    let writer = json!({"Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket.$": "$$.Execution.Input[0]"}});
    let exec = run(distributed_map(writer), json!(["bucket-from-input"]));
    let output = exec.describe().output.unwrap_or_default();
    assert_eq!(output["ResultWriterDetails"]["Bucket"], "bucket-from-input");
    let key = output["ResultWriterDetails"]["Key"].as_str().unwrap_or_default();
    assert!(key.ends_with("/manifest.json") && !key.starts_with('/'), "{key}");
}

#[test]
fn result_writer_flatten_keeps_results_inline_flattened() {
    let writer = json!({"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}});
    let exec = run(distributed_map(writer), json!([[1, 2], [3], 4]));
    assert_eq!(exec.describe().output, Some(json!([1, 2, 3, 4])));
    let writer = json!({"WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}});
    let exec = run(distributed_map(writer), json!([[1, 2], [3], 4]));
    assert_eq!(exec.describe().output, Some(json!([[1, 2], [3], 4])));
}
