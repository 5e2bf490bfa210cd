//! Validation diagnostics: codes, messages and locations as AWS reports them.

use super::*;
use crate::diagnostics::ValidationResult;

#[test]
fn syntax_errors_are_located() {
    let v = validate("{\n  \"StartAt\": \"A\",\n  \"States\": {\n}");
    assert_eq!(v.result, ValidationResult::Fail);
    assert_eq!(v.diagnostics[0].code, "INVALID_JSON_DESCRIPTION");
    assert_eq!(v.diagnostics[0].line, Some(4));
}

#[test]
fn missing_targets_point_at_the_field() {
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "B"},
  "C": {"Type": "Succeed"}
}}"#;
    let v = validate(text);
    let d = v.diagnostics.iter().find(|d| d.code == "MISSING_TRANSITION_TARGET").unwrap();
    assert_eq!(d.location, "/States/A/Next");
    assert_eq!(d.message, "Missing 'Next' target: B");
    assert_eq!((d.line, d.column), (Some(2), Some(25)));
    assert!(v.diagnostics.iter().any(|d| d.message == "State \"C\" is not reachable"));
}

#[test]
fn duplicate_state_names() {
    let v = validate(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}"#,
    );
    assert_eq!(v.diagnostics[0].code, "DUPLICATE_STATE_NAME");
    assert_eq!(v.diagnostics[0].location, "/States/A");
}

#[test]
fn no_terminal_state() {
    let v = validate(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#,
    );
    assert!(v.diagnostics.iter().any(|d| d.code == "MISSING_END_STATE"), "{v:?}");
}

#[test]
fn placeholder_resource_suggests_the_mock_api() {
    let v = validate(
        r#"{"StartAt": "Call API", "States": {"Call API": {"Type": "Task", "Resource": "lambda function arn paste here", "End": true}}}"#,
    );
    let d = &v.diagnostics[0];
    assert_eq!(d.location, "/States/Call API/Resource");
    assert!(d.message.contains(MOCK_API_FUNCTION_ARN), "{}", d.message);
}

#[test]
fn invalid_paths_and_intrinsics_are_located() {
    let v = validate(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "x.y",
            "Parameters": {"a.$": "States.Format('{}'", "b": {"c.$": "$..[["}},
            "ResultPath": "$.a[*]", "End": true}}}"#,
    );
    let at: Vec<&str> = v.diagnostics.iter().map(|d| d.location.as_str()).collect();
    assert!(at.contains(&"/States/P/InputPath"), "{v:?}");
    assert!(at.contains(&"/States/P/Parameters/a.$"), "{v:?}");
    assert!(at.contains(&"/States/P/Parameters/b/c.$"), "{v:?}");
    assert!(at.contains(&"/States/P/ResultPath"), "{v:?}");
    assert!(v.diagnostics.iter().any(|d| d.code == "INVALID_INTRINSIC_FUNCTION"));
}

#[test]
fn unknown_actions_of_known_services_are_refused() {
    let def = |r: &str| {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{r}", "End": true}}}}}}"#
        )
    };
    let v = validate(&def("arn:aws:states:::dynamodb:query"));
    assert!(v.diagnostics[0].message.contains("is not recognized"), "{v:?}");
    for ok in [
        "arn:aws:states:::dynamodb:getItem",
        "arn:aws:states:::aws-sdk:dynamodb:query",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::somenewservice:doThing",
    ] {
        assert!(validate(&def(ok)).is_ok(), "{ok}");
    }
    let m = StateMachine::from_text(&def("arn:aws:states:::states:startExecution.sync")).unwrap();
    assert_eq!(
        m.express_diagnostics()[0].message,
        "Express state machine does not support '.sync' service integration"
    );
}

#[test]
fn invalid_jsonata_expressions_are_located() {
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Output": {"x": ["{% $a[ %}"]}, "Next": "B"},
        "B": {"Type": "Parallel", "Branches": [{"StartAt": "C", "States": {
            "C": {"Type": "Pass", "Output": "{% 1 + %}", "End": true}}}], "End": true}}}"#;
    let v = validate(text);
    let found: Vec<_> =
        v.diagnostics.iter().map(|d| (d.code.as_str(), d.location.as_str())).collect();
    assert_eq!(
        found,
        vec![
            ("INVALID_JSONATA_EXPRESSION", "/States/A/Output/x/0"),
            ("INVALID_JSONATA_EXPRESSION", "/States/B/Branches/0/States/C/Output"),
        ]
    );
    assert!(v.diagnostics[0].message.starts_with("Invalid JSONata expression '$a[': S0"));
    assert_eq!(v.diagnostics[0].line, Some(2));
}

/// (code, location, message) of every diagnostic.
fn found(v: &Validation) -> Vec<(&str, &str, &str)> {
    v.diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.location.as_str(), d.message.as_str()))
        .collect()
}

#[test]
fn validation_reports_what_compiling_found() {
    let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"x.$": "$.a[["}, "End": true}}}"#;
    let v = validate(text);
    assert_eq!(
        found(&v),
        vec![(
            "INVALID_JSON_PATH",
            "/States/P/Parameters/x.$",
            "Invalid JSONPath $.a[[: Invalid path '$.a[[': expected an integer at position 4"
        )]
    );
    let errors = StateMachine::from_text(text).unwrap_err();
    assert_eq!(errors, v.diagnostics);
    // The model holds the same problem, compiled once.
    let value: Value = serde_json::from_str(text).unwrap();
    let parsed = parse(&value).unwrap();
    let template = parsed.program.states["P"].parameters.as_ref().unwrap();
    let problems = template.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, "/x.$");
}

#[test]
fn each_template_problem_is_located_below_its_field() {
    let v = validate(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {
            "a/b.$": "$[[", "n": [{"c~.$": "States.Format('{}'"}], "d.$": 1,
            "ok.$": "States.Format('{}', $.a)"}, "Next": "F"},
          "F": {"Type": "Fail", "ErrorPath": "States.Format('{}'", "CausePath": "nope"}}}"#,
    );
    let at: Vec<(&str, &str)> = found(&v).into_iter().map(|(c, at, _)| (c, at)).collect();
    assert_eq!(
        at,
        vec![
            ("INVALID_JSON_PATH", "/States/P/Parameters/a~1b.$"),
            ("INVALID_INTRINSIC_FUNCTION", "/States/P/Parameters/n/0/c~0.$"),
            ("SCHEMA_VALIDATION_FAILED", "/States/P/Parameters/d.$"),
            ("INVALID_INTRINSIC_FUNCTION", "/States/F/ErrorPath"),
            ("INVALID_JSON_PATH", "/States/F/CausePath"),
        ]
    );
    assert!(v.diagnostics[1]
        .message
        .starts_with("Invalid intrinsic function call States.Format('{}': "));
    assert_eq!(
        v.diagnostics[2].message,
        "The value for the field 'd.$' must be a STRING that contains a JSONPath or an intrinsic function"
    );
    assert_eq!(v.diagnostics[4].message, "Invalid JSONPath nope: Path must start with '$': nope");
}

#[test]
#[cfg(feature = "jsonata")]
fn jsonata_fields_compiled_or_kept_as_written_are_checked_in_written_order() {
    let v = validate(
        r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {
          "T": {"Type": "Task", "Comment": "{% ][ %}", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"a/b": ["{% 1 + %}"]}, "TimeoutSeconds": "{% ( %}",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% ] %}", "Next": "W"}],
            "Output": {"Branches": "{% ][ %}"}, "Next": "W"},
          "W": {"Type": "Wait", "Seconds": "{% [ %}", "End": true}}}"#,
    );
    let at: Vec<&str> = v.diagnostics.iter().map(|d| d.location.as_str()).collect();
    assert_eq!(
        at,
        vec![
            "/States/T/Comment",
            "/States/T/Arguments/a~1b/0",
            "/States/T/TimeoutSeconds",
            "/States/T/Catch/0/Output",
            "/States/W/Seconds",
        ]
    );
    assert!(v.diagnostics.iter().all(|d| d.code == "INVALID_JSONATA_EXPRESSION"));
    assert!(v.diagnostics[1].message.starts_with("Invalid JSONata expression '1 +': "));
}

#[test]
fn valid_definition_is_ok() {
    let v = validate(r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#);
    assert!(v.is_ok(), "{v:?}");
}
