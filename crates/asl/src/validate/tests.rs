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

fn errors(v: &Validation) -> Vec<(&str, &str)> {
    v.diagnostics.iter().map(|d| (d.code.as_str(), d.location.as_str())).collect()
}

fn task(extra: &str) -> String {
    format!(
        r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", {extra} "End": true}}}}}}"#
    )
}

#[test]
fn credentials_take_one_role_arn() {
    for ok in [
        r#""Credentials": {"RoleArn": "arn:aws:iam::111111111111:role/x"},"#,
        r#""Credentials": {"RoleArn.$": "$.CredentialsRoleArn"},"#,
        r#""Credentials": {"RoleArn.$": "States.Format('arn:aws:iam::{}:role/x', $.a)"},"#,
    ] {
        let v = validate(&task(ok));
        assert!(v.is_ok(), "{ok}: {v:?}");
    }
    let cases = [
        (r#""Credentials": {},"#, "/States/T/Credentials", "These fields are required: [RoleArn]"),
        (
            r#""Credentials": "arn:aws:iam::1:role/x","#,
            "/States/T/Credentials",
            "Credentials must be an object",
        ),
        (
            r#""Credentials": {"RoleArn": "a", "RoleArn.$": "$.r"},"#,
            "/States/T/Credentials",
            "Only one of RoleArn or RoleArn.$ can be set",
        ),
        (
            r#""Credentials": {"RoleArn": "a", "Role": "b"},"#,
            "/States/T/Credentials/Role",
            "Field \"Role\" is not supported",
        ),
        (
            r#""Credentials": {"RoleArn": 3},"#,
            "/States/T/Credentials/RoleArn",
            "RoleArn must be a string",
        ),
        (
            r#""Credentials": {"RoleArn": ""},"#,
            "/States/T/Credentials/RoleArn",
            "RoleArn must be 1 to 2000 characters long",
        ),
    ];
    for (extra, location, message) in cases {
        let v = validate(&task(extra));
        assert!(!v.is_ok(), "{extra}");
        let d = &v.diagnostics[0];
        assert_eq!(
            (d.code.as_str(), d.location.as_str(), d.message.as_str()),
            ("SCHEMA_VALIDATION_FAILED", location, message),
            "{extra}"
        );
    }
    let v = validate(&task(r#""Credentials": {"RoleArn.$": "$..[["},"#));
    assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/T/Credentials/RoleArn.$")]);
    let v = validate(&task(r#""Credentials": {"RoleArn.$": "States.Nope(1)"},"#));
    assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/T/Credentials/RoleArn.$")]);
}

#[test]
fn credentials_in_jsonata_take_role_arn_only() {
    let jsonata = |creds: &str| {
        format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "T", "States": {{"T": {{"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Credentials": {creds}, "End": true}}}}}}"#
        )
    };
    assert!(validate(&jsonata(r#"{"RoleArn": "{% $states.input.role %}"}"#)).is_ok());
    assert!(validate(&jsonata(r#"{"RoleArn": "arn:aws:iam::1:role/x"}"#)).is_ok());
    let v = validate(&jsonata(r#"{"RoleArn.$": "$.role"}"#));
    assert_eq!(
        errors(&v),
        [
            ("SCHEMA_VALIDATION_FAILED", "/States/T/Credentials/RoleArn.$"),
            ("SCHEMA_VALIDATION_FAILED", "/States/T/Credentials")
        ]
    );
    let v = validate(&jsonata(r#"{"RoleArn": "{% ) %}"}"#));
    assert!(
        v.diagnostics.iter().any(|d| d.code == "INVALID_JSONATA_EXPRESSION"
            && d.location == "/States/T/Credentials/RoleArn"),
        "{v:?}"
    );
}

#[test]
fn credentials_are_a_task_field_only() {
    let v = validate(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Credentials": {"RoleArn": "a"}, "End": true}}}"#,
    );
    assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/P/Credentials")]);
}

#[test]
fn heartbeat_must_be_smaller_than_timeout() {
    assert!(validate(&task(r#""TimeoutSeconds": 600, "HeartbeatSeconds": 60,"#)).is_ok());
    for extra in [
        r#""TimeoutSeconds": 60, "HeartbeatSeconds": 60,"#,
        r#""TimeoutSeconds": 60, "HeartbeatSeconds": 61,"#,
    ] {
        let v = validate(&task(extra));
        assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/T/HeartbeatSeconds")]);
        assert!(v.diagnostics[0].message.contains("must be smaller than TimeoutSeconds"));
    }
    // Paths are only known at run time.
    assert!(validate(&task(r#""TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 60,"#)).is_ok());
}

fn distributed(map_fields: &str, config: &str) -> String {
    format!(
        r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {map_fields}
        "ItemProcessor": {{"ProcessorConfig": {config},
          "StartAt": "I", "States": {{"I": {{"Type": "Pass", "End": true}}}}}},
        "End": true}}}}}}"#
    )
}

#[test]
fn map_fields_refused_at_creation() {
    let express = r#"{"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}"#;
    assert!(validate(&distributed("", express)).is_ok());
    let v = validate(&distributed("", r#"{"Mode": "DISTRIBUTED"}"#));
    assert_eq!(
        errors(&v),
        [("SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/ProcessorConfig")]
    );
    let v = validate(&distributed("", r#"{"Mode": "DISTRIBUTED", "ExecutionType": "FAST"}"#));
    assert!(!v.is_ok());
    let cases = [
        (
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.n"}, "Parameters": {"Bucket": "b", "Key": "k"}},"#,
            "/States/M/ItemReader/ReaderConfig",
        ),
        (r#""ItemReader": {"Parameters": {"Bucket": "b", "Key": "k"}},"#, "/States/M/ItemReader"),
        (
            r#""ItemBatcher": {"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"},"#,
            "/States/M/ItemBatcher",
        ),
        (
            r#""ItemBatcher": {"MaxInputBytesPerBatch": 2, "MaxInputBytesPerBatchPath": "$.n"},"#,
            "/States/M/ItemBatcher",
        ),
        (
            r#""ResultWriter": {"Parameters": {"Bucket": "b", "Prefix": "p"}},"#,
            "/States/M/ResultWriter",
        ),
    ];
    for (fields, location) in cases {
        let v = validate(&distributed(fields, express));
        assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", location)], "{fields}");
    }
    let writer =
        r#""ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}},"#;
    assert!(validate(&distributed(writer, express)).is_ok());
}

#[test]
fn express_machines_refuse_what_aws_refuses() {
    let sync = task("").replace("lambda:invoke", "states:startExecution.sync");
    let v = validate_for_type(&sync, MachineType::Express);
    assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/T/Resource")]);
    assert_eq!(
        v.diagnostics[0].message,
        "Express state machine does not support '.sync' service integration"
    );
    assert!(v.diagnostics[0].line.is_some());
    assert!(validate_for_type(&sync, MachineType::Standard).is_ok());
    assert!(validate(&sync).is_ok());

    let token = task("").replace("lambda:invoke", "sqs:sendMessage.waitForTaskToken");
    let v = validate_for_type(&token, MachineType::Express);
    assert_eq!(
        v.diagnostics[0].message,
        "Express state machine does not support '.waitForTaskToken' service integration"
    );

    let activity = task("").replace(
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:us-east-1:123456789012:activity:Work",
    );
    assert!(validate(&activity).is_ok());
    let v = validate_for_type(&activity, MachineType::Express);
    assert_eq!(errors(&v), [("SCHEMA_VALIDATION_FAILED", "/States/T/Resource")]);

    let standard_children =
        distributed("", r#"{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}"#);
    assert!(validate(&standard_children).is_ok());
    let v = validate_for_type(&standard_children, MachineType::Express);
    assert_eq!(
        errors(&v),
        [("SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/ProcessorConfig/ExecutionType")]
    );
    let express_children =
        distributed("", r#"{"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}"#);
    assert!(validate_for_type(&express_children, MachineType::Express).is_ok());

    // Nested in a Parallel branch and an inline Map, the location is the nested state's.
    let nested = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {
          "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "End": true}}}}}}]}}}"#;
    let v = validate_for_type(nested, MachineType::Express);
    assert_eq!(
        errors(&v),
        [(
            "SCHEMA_VALIDATION_FAILED",
            "/States/P/Branches/0/States/M/ItemProcessor/States/A/Resource"
        )]
    );
    assert_eq!(MachineType::parse("EXPRESS"), Some(MachineType::Express));
    assert_eq!(MachineType::parse("express"), None);
    assert!(!is_activity("arn:aws:states:::activity:x:"));
}
