//! Quota guardrails: WARNING diagnostics at the field, with AWS's numbers, that never make a
//! definition invalid.

use asl::validate::guardrails::{validate_as, MachineType, QUOTA_GUARDRAIL};
use asl::{validate, Diagnostic, Severity, ValidationResult};
use serde_json::json;

fn guardrails(text: &str) -> Vec<Diagnostic> {
    let v = validate(text);
    assert_eq!(v.result, ValidationResult::Ok, "warnings keep it valid: {:?}", v.diagnostics);
    v.diagnostics.into_iter().filter(|d| d.code == QUOTA_GUARDRAIL).collect()
}

fn one_state(state: serde_json::Value) -> String {
    serde_json::to_string_pretty(&json!({"StartAt": "S", "States": {"S": state}})).unwrap()
}

#[test]
fn a_large_literal_result_is_warned_about_at_the_field() {
    let big = "x".repeat(220_000);
    let text = one_state(json!({"Type": "Pass", "Result": {"blob": big}, "End": true}));
    let found = guardrails(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.location, "/States/S/Result");
    assert!(d.message.contains("220011 bytes"), "{}", d.message);
    assert!(d.message.contains("262,144") && d.message.contains("80 %"), "{}", d.message);
    assert!(d.line.is_some(), "located in the text");
    // Under 80 %: nothing.
    let small = one_state(json!({"Type": "Pass", "Result": "x".repeat(200_000), "End": true}));
    assert!(guardrails(&small).is_empty());
}

#[test]
fn only_the_static_part_of_a_template_counts() {
    let big = "x".repeat(220_000);
    let path = format!("$.{}", "a".repeat(10));
    let dynamic =
        one_state(json!({"Type": "Pass", "Parameters": {"v.$": path, "w": 1}, "End": true}));
    assert!(guardrails(&dynamic).is_empty());
    let assign = one_state(json!({"Type": "Pass", "Assign": {"big": big}, "End": true}));
    assert_eq!(guardrails(&assign)[0].location, "/States/S/Assign");
    let expr = format!("{{% '{big}' %}}");
    let jsonata = serde_json::to_string(&json!({"QueryLanguage": "JSONata", "StartAt": "S",
        "States": {"S": {"Type": "Pass", "Output": {"a": expr}, "End": true}}}))
    .unwrap();
    assert!(guardrails(&jsonata).is_empty(), "an expression is computed at run time");
}

#[test]
fn inline_map_concurrency_above_40() {
    let map = |n: u64, mode: &str| {
        one_state(json!({"Type": "Map", "MaxConcurrency": n, "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}))
    };
    let found = guardrails(&map(100, "INLINE"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].location, "/States/S/MaxConcurrency");
    assert!(found[0].message.contains("MaxConcurrency 100 is above 40"), "{}", found[0].message);
    assert!(guardrails(&map(40, "INLINE")).is_empty());
    assert!(guardrails(&map(1000, "DISTRIBUTED")).is_empty(), "Distributed Map allows more");
}

#[test]
fn waits_and_timeouts_beyond_a_year() {
    let text = serde_json::to_string_pretty(&json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 40_000_000, "Next": "P"},
        "P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "f"},
                  "TimeoutSeconds": 99_999_999, "HeartbeatSeconds": 31_536_000, "End": true}}}]}}}))
    .unwrap();
    let found = guardrails(&text);
    let at: Vec<&str> = found.iter().map(|d| d.location.as_str()).collect();
    assert_eq!(at, ["/States/P/Branches/0/States/T/TimeoutSeconds", "/States/W/Seconds"]);
    assert!(found[1].message.contains("1 year (31,536,000 seconds)"), "{}", found[1].message);
}

#[test]
fn express_machines_are_checked_against_five_minutes() {
    let text = one_state(json!({"Type": "Wait", "Seconds": 600, "End": true}));
    assert!(guardrails(&text).is_empty(), "within a STANDARD year");
    let v = validate_as(&text, MachineType::Express);
    assert_eq!(v.result, ValidationResult::Ok);
    assert_eq!(v.diagnostics.len(), 1);
    assert_eq!(v.diagnostics[0].location, "/States/S/Seconds");
    assert!(v.diagnostics[0].message.contains("5 minutes (300 seconds)"));
    assert!(validate_as(
        &one_state(json!({"Type": "Wait", "Seconds": 300, "End": true})),
        MachineType::Express
    )
    .diagnostics
    .is_empty());
}
