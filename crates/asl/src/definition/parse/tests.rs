//! The parser's unit tests (the field table's own are in `definition/fields.rs`).

use super::*;
use serde_json::json;

#[test]
fn knows_which_states_read_the_context() {
    assert!(!reads_context(&json!({"Type": "Pass", "Parameters": {"a.$": "$.x"}})));
    assert!(reads_context(&json!({"Type": "Pass", "Parameters": {"a.$": "$$.Execution.Id"}})));
    assert!(!reads_context(&json!({"Type": "Pass", "Output": "{% $states.input.a %}"})));
    assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states.context.State %}"})));
    assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states %}"})));
    assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states.inputs %}"})));
}

#[test]
fn parses_the_tutorial_shape() {
    let def = json!({
        "StartAt": "Call API",
        "States": {
            "Call API": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
                "Next": "OK",
                "Retry": [{"ErrorEquals": ["TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Catch All"}]},
            "OK": {"Type": "Pass", "Result": "done", "End": true},
            "Catch All": {"Type": "Fail", "Error": "X", "Cause": "Y"}
        }
    });
    let m = parse(&def).unwrap();
    assert_eq!(m.program.start_at, "Call API");
    let call = m.program.state("Call API").unwrap();
    assert_eq!(call.retry[0].max_attempts, 2);
    assert_eq!(call.retry[0].backoff_rate, 2.0);
    assert_eq!(call.catch[0].next, "Catch All");
    assert_eq!(call.pointer, "/States/Call API");
}

#[test]
fn reports_missing_fields_like_aws() {
    let errs = parse(&json!({})).unwrap_err();
    assert_eq!(errs[0].message, "These fields are required: [States, StartAt]");
    assert_eq!(errs[0].location, "/");
    let errs = parse(&json!({"States": {"A": {"Type": "Pass", "End": true}}})).unwrap_err();
    assert_eq!(errs[0].message, "These fields are required: [StartAt]");
}

#[test]
fn rejects_fields_of_the_other_query_language_and_downgrades() {
    let errs = parse(&json!({"StartAt": "P", "QueryLanguage": "JSONata",
        "States": {"P": {"Type": "Pass", "End": true, "QueryLanguage": "JSONPath"}}}))
    .unwrap_err();
    assert_eq!(
        errs[0].message,
        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
    );
    assert_eq!(errs[0].location, "/States/P");
    let errs = parse(&json!({"StartAt": "P",
        "States": {"P": {"Type": "Pass", "End": true, "Output": {}}}}))
    .unwrap_err();
    assert_eq!(errs[0].location, "/States/P/Output");
}

#[test]
fn states_all_must_be_last_and_retry_ranges_checked() {
    let errs = parse(
        &json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "x", "End": true,
        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["A"], "BackoffRate": 0.5}]}}}),
    )
    .unwrap_err();
    let locs: Vec<&str> = errs.iter().map(|d| d.location.as_str()).collect();
    assert!(locs.contains(&"/States/T/Retry/1/BackoffRate"), "{errs:?}");
    assert!(locs.contains(&"/States/T/Retry/0"), "{errs:?}");
}

#[test]
fn invalid_wait_timestamp_is_a_schema_error() {
    let errs = parse(&json!({"StartAt": "W", "States": {"W": {"Type": "Wait",
        "Timestamp": "2016-12-05T25:29:29Z", "End": true}}}))
    .unwrap_err();
    assert_eq!(errs[0].message, "String does not match RFC3339 timestamp");
    assert_eq!(errs[0].location, "/States/W/Timestamp");
}
