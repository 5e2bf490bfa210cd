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

// ----- guardrails judged from a run (validate::run_guardrails) -----

mod from_a_run {
    use std::sync::Arc;

    use asl::validate::guardrails::{MachineType, QUOTA_GUARDRAIL};
    use asl::validate::run_guardrails::{from_history, locate_in};
    use asl::{Diagnostic, Execution, ExecutionConfig, ExecutionStatus, StateMachine};
    use serde_json::{json, Value};

    fn run(def: &Value, input: Value) -> Execution {
        let machine = StateMachine::from_value(def).expect("valid definition");
        let mut exec =
            Execution::start(Arc::new(machine), ExecutionConfig { input, ..Default::default() });
        exec.run_to_completion();
        exec
    }

    fn warnings(exec: &Execution) -> Vec<Diagnostic> {
        let found = exec.run_warnings(MachineType::Standard);
        assert!(found.iter().all(|d| d.code == QUOTA_GUARDRAIL), "{found:?}");
        found
    }

    /// A counter loop: Poll → Done? → (Pause → Poll)*, `turns` times.
    fn counter_loop(turns: u64) -> Value {
        json!({"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Poll"},
            "Poll": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Done?"},
            "Done?": {"Type": "Choice", "Default": "Pause",
                      "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": turns, "Next": "End"}]},
            "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Poll"},
            "End": {"Type": "Succeed"}}})
    }

    #[test]
    fn a_loop_is_projected_to_the_history_quota_at_its_first_state() {
        let exec = run(&counter_loop(10), json!({}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        let found = warnings(&exec);
        assert_eq!(found.len(), 1, "one warning per loop: {found:?}");
        let d = &found[0];
        assert_eq!(d.location, "/States/Poll");
        // Poll is first entered at event 4; each turn costs 6 events (Poll, Choice and Wait
        // entered and exited): (25,000 - 3) / 6 = 4,166 turns.
        assert_eq!(
            d.message,
            "State 'Poll' loops: entered 10 times in this run, about 6 history events per iteration; at that rate the history reaches AWS's quota of 25,000 events after about 4,166 iterations (4,156 more than this run), and an execution that reaches it fails"
        );
        // The same function over the typed history alone (what the page calls).
        assert_eq!(from_history(exec.machine(), exec.history(), MachineType::Standard), found);
    }

    #[test]
    fn two_turns_are_not_a_loop_yet_and_map_items_are_not_loops() {
        assert!(warnings(&run(&counter_loop(2), json!({}))).is_empty());
        let map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}});
        let exec = run(&map, json!([1, 2, 3, 4, 5, 6]));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        assert!(warnings(&exec).is_empty());
    }

    #[test]
    fn a_history_past_80_percent_of_the_quota_is_warned_about() {
        // 3,400 turns of 6 events: about 20,400 events.
        let exec = run(&counter_loop(3_400), json!({}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        assert!(exec.history().len() > 20_000);
        let found = warnings(&exec);
        let budget: Vec<&Diagnostic> = found.iter().filter(|d| d.location == "/").collect();
        assert_eq!(budget.len(), 1, "{found:?}");
        assert!(
            budget[0].message.starts_with("This execution's history has 20,"),
            "{}",
            budget[0].message
        );
        assert!(budget[0].message.ends_with(
            "events, over 80 % of AWS's quota of 25,000 events per execution; an execution that reaches it fails"
        ));
        let projected = found.iter().find(|d| d.location == "/States/Poll").expect("loop");
        assert!(projected.message.contains("(766 more than this run)"), "{}", projected.message);
    }

    #[test]
    fn task_timeouts_read_at_run_time_beyond_the_maximum_duration_are_warned_about() {
        let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
                           "Payload": {"statuscode": "200"}},
            "TimeoutSecondsPath": "$.timeout", "HeartbeatSecondsPath": "$.heartbeat", "End": true}}});
        let exec = run(&def, json!({"timeout": 40_000_000, "heartbeat": 600}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{:?}", exec.describe());
        let found = warnings(&exec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/States/T/TimeoutSecondsPath");
        assert_eq!(
            found[0].message,
            "TimeoutSecondsPath resolved to 40,000,000 seconds in this run, beyond the maximum execution duration, 1 year (31,536,000 seconds) for a STANDARD state machine: the execution times out first"
        );
        // EXPRESS: 5 minutes, so the 600-second heartbeat is beyond it too.
        let express = exec.run_warnings(MachineType::Express);
        let at: Vec<&str> = express.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(at, ["/States/T/HeartbeatSecondsPath", "/States/T/TimeoutSecondsPath"]);
        assert!(express[0].message.contains("5 minutes (300 seconds) for an EXPRESS"));
    }

    #[test]
    fn a_jsonata_timeout_and_a_wait_timestamp_path_are_judged_by_their_resolved_values() {
        let def = json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": "{% $states.input.long %}", "Next": "T"},
            "T": {"Type": "Wait", "Seconds": "{% 10 %}", "End": true}}});
        let exec = run(&def, json!({"long": 32_000_000}));
        let found = warnings(&exec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/States/W/Seconds");
        assert!(found[0].message.starts_with("Seconds resolved to 32,000,000 seconds"));

        let def = json!({"StartAt": "W", "States": {
            "W": {"Type": "Wait", "TimestampPath": "$.until", "End": true}}});
        let exec = run(&def, json!({"until": "2026-01-01T00:00:00Z"}));
        let found = warnings(&exec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/States/W/TimestampPath");
        // From the default start, 2024-01-01, to 2026-01-01: 731 days.
        assert!(
            found[0].message.starts_with("TimestampPath resolved to 63,158,400 seconds"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_max_concurrency_path_above_40_is_noted_while_the_map_runs() {
        let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemsPath": "$.items", "MaxConcurrencyPath": "$.concurrency",
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}});
        let exec = run(&def, json!({"items": [1, 2], "concurrency": 100}));
        let found = warnings(&exec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "/States/M/MaxConcurrencyPath");
        assert_eq!(
            found[0].message,
            "MaxConcurrencyPath resolved to 100 in this run: AWS runs at most 40 iterations of an inline Map at once (a Distributed Map runs up to 10,000 child executions in parallel)"
        );
        assert!(warnings(&run(&def, json!({"items": [1], "concurrency": 40}))).is_empty());
    }

    #[test]
    fn literal_values_are_left_to_validation_and_warnings_are_located_in_the_text() {
        let text = "{\n  \"StartAt\": \"W\",\n  \"States\": {\n    \"W\": {\"Type\": \"Wait\", \"SecondsPath\": \"$.s\", \"End\": true}\n  }\n}";
        let machine = StateMachine::from_text(text).unwrap();
        let mut exec = Execution::start(
            Arc::new(machine),
            ExecutionConfig { input: json!({"s": 40_000_000}), ..Default::default() },
        );
        exec.run_to_completion();
        let mut found = exec.run_warnings(MachineType::Standard);
        locate_in(text, &mut found);
        assert_eq!((found[0].line, found[0].column), (Some(4), Some(27)), "the field's key");
        let literal = one_literal_wait();
        assert!(warnings(&run(&literal, json!({}))).is_empty(), "validation warns about literals");
    }

    fn one_literal_wait() -> Value {
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 40_000_000, "End": true}}})
    }
}

#[test]
fn validate_for_type_express_checks_durations_against_five_minutes() {
    let text = one_state(json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 900, "End": true}));
    assert!(guardrails(&text).is_empty());
    let v = asl::validate::validate_for_type(&text, MachineType::Express);
    assert_eq!(v.result, ValidationResult::Ok);
    assert_eq!(v.diagnostics.len(), 1, "{:?}", v.diagnostics);
    assert_eq!(v.diagnostics[0].location, "/States/S/TimeoutSeconds");
    assert!(v.diagnostics[0].message.contains("5 minutes (300 seconds) for an EXPRESS"));
    assert_eq!(validate_as(&text, MachineType::Express), v);
}
