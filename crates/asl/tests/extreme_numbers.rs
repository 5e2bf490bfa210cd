//! Extreme user numbers (i64::MAX, u64::MAX, 1e308, -1, 0, 9e15 …) in definitions and inputs.
//!
//! Each of these once panicked in a debug build (integer overflow) or wrapped in a release
//! build (a Wait ending in 1970, a wait of 18446744073709551615 s ending at once). Now a value
//! past one of AWS's limits gets AWS's validation error, a runtime value AWS refuses fails the
//! state as on AWS, and any other absurd wait, timeout or retry delay ends at the latest
//! instant the engine represents, 9999-12-31T23:59:59.999Z (`asl::time::LATEST_MS`).

use std::sync::Arc;

use asl::time::LATEST_MS;
use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::{json, Value};

const LATEST: &str = "9999-12-31T23:59:59.999Z";
/// `ExecutionConfig::default().start_time_ms`: 2024-01-01T00:00:00Z.
const START_MS: i64 = 1_704_067_200_000;

/// The schema errors of a definition AWS refuses, as `(code, message, location)`.
fn rejected(definition: Value) -> Vec<(String, String, String)> {
    let errors = StateMachine::from_value(&definition).expect_err("AWS refuses this definition");
    errors.into_iter().map(|d| (d.code, d.message, d.location)).collect()
}

fn schema_error(message: &str, location: &str) -> Vec<(String, String, String)> {
    vec![("SCHEMA_VALIDATION_FAILED".into(), message.into(), location.into())]
}

fn start(definition: Value, input: Value) -> Execution {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    Execution::start(Arc::new(machine), ExecutionConfig { input, ..Default::default() })
}

fn run(definition: Value, input: Value) -> Execution {
    let mut exec = start(definition, input);
    exec.run_to_completion();
    exec
}

/// A one-Wait machine (`wait` holds the Wait's timing field) then a Pass.
fn wait_machine(wait: Value) -> Value {
    let mut w = json!({"Type": "Wait", "Next": "Done"});
    w.as_object_mut().unwrap().extend(wait.as_object().unwrap().clone());
    json!({"StartAt": "W", "States": {"W": w, "Done": {"Type": "Pass", "End": true}}})
}

/// When the execution left the Wait state `W`.
fn wait_exit(exec: &Execution) -> String {
    let exited = exec.history().iter().find(|e| e.type_name() == "WaitStateExited");
    exited.expect("the Wait state exited").to_aws_json()["timestamp"].as_str().unwrap().to_string()
}

fn failure(exec: &Execution) -> (String, String) {
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed, "{:?}", exec.history());
    (d.error.unwrap_or_default(), d.cause.unwrap_or_default())
}

fn timestamps_never_go_back(exec: &Execution) {
    let times: Vec<i64> = exec.history().iter().map(|e| e.timestamp_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(times.iter().all(|t| (START_MS..=LATEST_MS).contains(t)), "{times:?}");
}

// ---- Execution TimeoutSeconds -------------------------------------------------------------

#[test]
fn execution_timeout_past_aws_maximum_is_a_schema_error() {
    for n in [json!(i64::MAX), json!(u64::MAX), json!(100_000_000)] {
        let def = json!({"StartAt": "P", "TimeoutSeconds": n,
            "States": {"P": {"Type": "Pass", "End": true}}});
        assert_eq!(rejected(def), schema_error("Maximum value is 99999999", "/TimeoutSeconds"));
    }
    for n in [json!(-1), json!(1e308), json!(9e15), json!(1.5)] {
        let def = json!({"StartAt": "P", "TimeoutSeconds": n,
            "States": {"P": {"Type": "Pass", "End": true}}});
        assert_eq!(
            rejected(def),
            schema_error("TimeoutSeconds must be a non-negative integer", "/TimeoutSeconds"),
            "{n}"
        );
    }
}

#[test]
fn execution_timeout_at_aws_maximum_times_out_after_99999999_seconds() {
    let exec = run(
        json!({"StartAt": "W1", "TimeoutSeconds": 99_999_999, "States": {
            "W1": {"Type": "Wait", "Seconds": 99_999_999, "Next": "W2"},
            "W2": {"Type": "Wait", "Seconds": 99_999_999, "End": true}}}),
        json!({}),
    );
    assert_eq!(exec.status(), ExecutionStatus::TimedOut);
    let last = exec.history().last().unwrap();
    assert_eq!(last.type_name(), "ExecutionTimedOut");
    assert_eq!(last.timestamp_ms, START_MS + 99_999_999_000);
    assert_eq!(last.to_aws_json()["timestamp"], "2027-03-03T09:46:39.000Z");
}

// ---- Task TimeoutSeconds / HeartbeatSeconds ------------------------------------------------

fn callback_task(extra: Value) -> Value {
    let mut task = json!({"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true});
    task.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    json!({"StartAt": "T", "States": {"T": task}})
}

#[test]
fn task_timeouts_past_aws_maximum_are_schema_errors() {
    for key in ["TimeoutSeconds", "HeartbeatSeconds"] {
        for n in [json!(i64::MAX), json!(u64::MAX), json!(100_000_000)] {
            let def = callback_task(json!({ key: n }));
            let at = format!("/States/T/{key}");
            assert_eq!(rejected(def), schema_error("Maximum value is 99999999", &at), "{key} {n}");
        }
        for n in [json!(0), json!(-1), json!(1e308), json!(9e15)] {
            let def = callback_task(json!({ key: n }));
            let at = format!("/States/T/{key}");
            let message = format!("{key} must be a positive integer");
            assert_eq!(rejected(def), schema_error(&message, &at), "{key} {n}");
        }
    }
}

#[test]
fn task_timeout_at_aws_maximum_times_out_on_time() {
    let exec = run(callback_task(json!({"TimeoutSeconds": 99_999_999})), json!({}));
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.timestamp_ms, START_MS + 99_999_999_000);
    assert_eq!(failure(&exec).0, "States.Timeout");
}

#[test]
fn timeout_seconds_path_of_i64_max_times_out_at_the_latest_instant() {
    for n in [json!(i64::MAX), json!(u64::MAX), json!(9_000_000_000_000_000_u64)] {
        let exec = run(callback_task(json!({"TimeoutSecondsPath": "$.t"})), json!({ "t": n }));
        let scheduled = exec.history().iter().find(|e| e.type_name() == "TaskScheduled").unwrap();
        assert_eq!(scheduled.details_json()["timeoutInSeconds"], n);
        let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
        assert_eq!(timed_out.to_aws_json()["timestamp"], LATEST, "{n}");
        assert_eq!(failure(&exec).0, "States.Timeout");
    }
}

#[test]
fn heartbeat_seconds_path_of_u64_max_saturates_and_survives_a_heartbeat() {
    let mut exec = start(
        callback_task(json!({"HeartbeatSecondsPath": "$.h", "TimeoutSeconds": 10})),
        json!({"h": u64::MAX}),
    );
    exec.advance_to(START_MS, 100);
    let token = exec.waiting_task_tokens()[0].0.clone();
    exec.send_task_heartbeat(&token).unwrap();
    exec.run_to_completion();
    // The task's own TimeoutSeconds ends it; the saturated heartbeat deadline never comes.
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.timestamp_ms, START_MS + 10_000);
    assert_eq!(failure(&exec).0, "States.Timeout");
}

#[test]
fn timeout_seconds_path_that_is_not_a_positive_integer_fails_the_state() {
    for (n, shown) in [(json!(-1), "-1"), (json!(0), "0"), (json!(1e308), "1e+308")] {
        let exec = run(callback_task(json!({"TimeoutSecondsPath": "$.t"})), json!({ "t": n }));
        let (error, cause) = failure(&exec);
        assert_eq!(error, "States.Runtime");
        assert!(
            cause.ends_with(&format!(
                "The value of the path '$.t' must be a positive integer, but was {shown}"
            )),
            "{cause}"
        );
    }
}

#[test]
fn jsonata_timeout_seconds_of_1e308_times_out_at_the_latest_instant() {
    let mut def = callback_task(json!({"TimeoutSeconds": "{% 1e308 %}",
        "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "{% $states.context.Task.Token %}"}}}));
    def["QueryLanguage"] = json!("JSONata");
    def["States"]["T"].as_object_mut().unwrap().remove("Parameters");
    let exec = run(def, json!({}));
    let timed_out = exec.history().iter().find(|e| e.type_name() == "TaskTimedOut").unwrap();
    assert_eq!(timed_out.to_aws_json()["timestamp"], LATEST);
    assert_eq!(failure(&exec).0, "States.Timeout");
}

// ---- Retry ---------------------------------------------------------------------------------

/// A Parallel state whose only branch always fails with `Boom`, retried by `retrier`.
fn retried(retrier: Value) -> Value {
    let mut r = json!({"ErrorEquals": ["States.ALL"]});
    r.as_object_mut().unwrap().extend(retrier.as_object().unwrap().clone());
    json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Retry": [r],
        "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}]}}})
}

fn attempt_times(exec: &Execution) -> Vec<String> {
    exec.history()
        .iter()
        .filter(|e| e.type_name() == "ParallelStateStarted")
        .map(|e| e.to_aws_json()["timestamp"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn retrier_fields_past_aws_limits_are_schema_errors() {
    let cases = [
        (
            "IntervalSeconds",
            json!(u64::MAX),
            "IntervalSeconds must be an integer from 1 to 99999999",
        ),
        ("IntervalSeconds", json!(0), "IntervalSeconds must be an integer from 1 to 99999999"),
        ("IntervalSeconds", json!(1e308), "IntervalSeconds must be an integer from 1 to 99999999"),
        ("MaxAttempts", json!(i64::MAX), "MaxAttempts must be an integer from 0 to 99999999"),
        ("MaxAttempts", json!(-1), "MaxAttempts must be an integer from 0 to 99999999"),
        (
            "MaxDelaySeconds",
            json!(31_622_401),
            "MaxDelaySeconds must be an integer from 1 to 31622400",
        ),
        ("MaxDelaySeconds", json!(0), "MaxDelaySeconds must be an integer from 1 to 31622400"),
        ("BackoffRate", json!(0.5), "BackoffRate must be a number greater than or equal to 1.0"),
        ("BackoffRate", json!(-1), "BackoffRate must be a number greater than or equal to 1.0"),
    ];
    for (key, n, message) in cases {
        let def = retried(json!({ key: n }));
        let at = format!("/States/P/Retry/0/{key}");
        assert_eq!(rejected(def), schema_error(message, &at), "{key} {n}");
    }
}

#[test]
fn backoff_rate_1e308_saturates_the_retry_interval() {
    let exec = run(retried(json!({"BackoffRate": 1e308, "MaxAttempts": 3})), json!({}));
    // 1 s, then 1e308 s and more: the latest instant, where the clock then stays.
    assert_eq!(
        attempt_times(&exec),
        ["2024-01-01T00:00:00.000Z", "2024-01-01T00:00:01.000Z", LATEST, LATEST]
    );
    assert_eq!(failure(&exec).0, "Boom");
    assert_eq!(exec.history().last().unwrap().to_aws_json()["timestamp"], LATEST);
    timestamps_never_go_back(&exec);
}

#[test]
fn backoff_rate_1e308_with_full_jitter_saturates_too() {
    let exec = run(
        retried(json!({"BackoffRate": 1e308, "MaxAttempts": 3, "JitterStrategy": "FULL"})),
        json!({}),
    );
    let times = attempt_times(&exec);
    assert_eq!(times.len(), 4);
    assert_eq!(times[3], LATEST);
    assert_eq!(failure(&exec).0, "Boom");
    timestamps_never_go_back(&exec);
}

#[test]
fn max_delay_seconds_caps_an_infinite_backoff() {
    let exec = run(
        retried(json!({"BackoffRate": 1e308, "MaxAttempts": 3, "MaxDelaySeconds": 31_622_400})),
        json!({}),
    );
    // 1 s, then 31,622,400 s (366 days) twice.
    assert_eq!(
        attempt_times(&exec),
        [
            "2024-01-01T00:00:00.000Z",
            "2024-01-01T00:00:01.000Z",
            "2025-01-01T00:00:01.000Z",
            "2026-01-02T00:00:01.000Z"
        ]
    );
}

#[test]
fn max_attempts_at_aws_maximum_retries_until_the_history_quota() {
    let exec = run(
        retried(json!({"MaxAttempts": 99_999_999, "IntervalSeconds": 99_999_999,
            "BackoffRate": 2.0})),
        json!({}),
    );
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.Runtime");
    assert_eq!(cause, "The execution reached the maximum number of history events (25000).");
    assert_eq!(exec.history().len(), 25_000);
    assert_eq!(exec.history().last().unwrap().to_aws_json()["timestamp"], LATEST);
    timestamps_never_go_back(&exec);
}

// ---- Wait ----------------------------------------------------------------------------------

#[test]
fn wait_seconds_past_aws_maximum_is_a_schema_error() {
    // u64::MAX used to wait 0 s; i64::MAX used to overflow the clock.
    for n in [json!(u64::MAX), json!(i64::MAX), json!(100_000_000)] {
        assert_eq!(
            rejected(wait_machine(json!({ "Seconds": n }))),
            schema_error("Maximum value is 99999999", "/States/W/Seconds"),
            "{n}"
        );
    }
    for n in [json!(-1), json!(1e308), json!(9e15), json!(0.5)] {
        assert_eq!(
            rejected(wait_machine(json!({ "Seconds": n }))),
            schema_error("Seconds must be a non-negative integer", "/States/W/Seconds"),
            "{n}"
        );
    }
}

#[test]
fn wait_seconds_at_aws_maximum_waits_that_long() {
    let exec = run(wait_machine(json!({"Seconds": 99_999_999})), json!({}));
    assert_eq!(wait_exit(&exec), "2027-03-03T09:46:39.000Z");
    let exec = run(wait_machine(json!({"Seconds": 0})), json!({}));
    assert_eq!(wait_exit(&exec), "2024-01-01T00:00:00.000Z");
}

#[test]
fn seconds_path_of_a_huge_long_waits_until_the_latest_instant() {
    // i64::MAX used to overflow; 9e15 s (as a JSON integer) used to end the wait in 1970.
    for n in [json!(i64::MAX), json!(9_000_000_000_000_000_i64), json!(253_402_300_799_i64)] {
        let exec = run(wait_machine(json!({"SecondsPath": "$.s"})), json!({ "s": n }));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{n}");
        assert_eq!(wait_exit(&exec), LATEST, "{n}");
        timestamps_never_go_back(&exec);
    }
    // Past AWS's 99999999 for a literal, but representable: waited exactly.
    let exec = run(wait_machine(json!({"SecondsPath": "$.s"})), json!({"s": 99_999_999_999_i64}));
    assert_eq!(wait_exit(&exec), "5192-11-15T09:46:39.000Z");
}

#[test]
fn seconds_path_that_is_not_a_long_fails_like_aws() {
    let prefix = "An error occurred while executing the state 'W' (entered at the event id #2). ";
    let cases = [
        (json!(u64::MAX), "cannot be parsed as a long value: $.s == 18446744073709551615"),
        (json!(1e308), "cannot be parsed as a long value: $.s == 1e+308"),
        (json!(9e15), "cannot be parsed as a long value: $.s == 9000000000000000.0"),
        (json!(-1), "references a negative value: $.s == -1"),
        (json!(i64::MIN), "references a negative value: $.s == -9223372036854775808"),
    ];
    for (n, message) in cases {
        let exec = run(wait_machine(json!({"SecondsPath": "$.s"})), json!({ "s": n }));
        let (error, cause) = failure(&exec);
        assert_eq!(error, "States.Runtime");
        assert_eq!(cause, format!("{prefix}The SecondsPath parameter {message}"), "{n}");
    }
}

#[test]
fn jsonata_seconds_of_1e308_waits_until_the_latest_instant() {
    for e in ["{% 1e308 %}", "{% 9e15 %}", "{% 9223372036854775807 %}"] {
        let mut def = wait_machine(json!({ "Seconds": e }));
        def["QueryLanguage"] = json!("JSONata");
        let exec = run(def, json!({}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{e}");
        assert_eq!(wait_exit(&exec), LATEST, "{e}");
    }
}

#[test]
fn jsonata_seconds_that_is_negative_fails_the_state() {
    let mut def = wait_machine(json!({"Seconds": "{% -1e308 %}"}));
    def["QueryLanguage"] = json!("JSONata");
    let exec = run(def, json!({}));
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.QueryEvaluationError");
    assert!(
        cause.contains("The Seconds field must be a non-negative integer, but was: -1e+308"),
        "{cause}"
    );
}

#[test]
fn wait_timestamps_far_in_the_future_or_past() {
    let cases = [
        (json!({"Timestamp": "9999-12-31T23:59:59Z"}), json!({}), "9999-12-31T23:59:59.000Z"),
        // 10000-01-01T23:58:59Z is past what a timestamp can say: the latest instant.
        (json!({"Timestamp": "9999-12-31T23:59:59-23:59"}), json!({}), LATEST),
        (json!({"TimestampPath": "$.t"}), json!({"t": "9999-12-31T23:59:59-23:59"}), LATEST),
        // In the past: no wait at all.
        (json!({"Timestamp": "0000-01-01T00:00:00Z"}), json!({}), "2024-01-01T00:00:00.000Z"),
        (
            json!({"TimestampPath": "$.t"}),
            json!({"t": "0001-01-01T00:00:00+23:59"}),
            "2024-01-01T00:00:00.000Z",
        ),
    ];
    for (wait, input, exit) in cases {
        let exec = run(wait_machine(wait.clone()), input);
        assert_eq!(wait_exit(&exec), exit, "{wait}");
    }
    let mut def = wait_machine(json!({"Timestamp": "{% '9999-12-31T23:59:59-23:59' %}"}));
    def["QueryLanguage"] = json!("JSONata");
    assert_eq!(wait_exit(&run(def, json!({}))), LATEST);
}

#[test]
fn timestamp_path_beyond_year_9999_fails_like_aws() {
    let exec =
        run(wait_machine(json!({"TimestampPath": "$.t"})), json!({"t": "+10000-01-01T00:00:00Z"}));
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.Runtime");
    assert!(cause.ends_with(
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == +10000-01-01T00:00:00Z"
    ), "{cause}");
    assert_eq!(
        rejected(wait_machine(json!({"Timestamp": "+10000-01-01T00:00:00Z"}))),
        schema_error("String does not match RFC3339 timestamp", "/States/W/Timestamp")
    );
}

// ---- Map -----------------------------------------------------------------------------------

fn map(fields: Value) -> Value {
    let mut m = json!({"Type": "Map", "End": true, "ItemsPath": "$.xs",
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}});
    m.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    json!({"StartAt": "M", "States": {"M": m}})
}

#[test]
fn map_counts_of_u64_max_mean_no_limit() {
    let input = json!({"xs": [1, 2, 3], "n": u64::MAX, "big": 4_294_967_297_u64});
    for fields in [
        json!({"MaxConcurrency": u64::MAX}),
        json!({"MaxConcurrencyPath": "$.n"}),
        // 2^32 + 1: on wasm32 a truncating cast made this a concurrency of 1.
        json!({"MaxConcurrencyPath": "$.big"}),
        json!({"ToleratedFailureCount": u64::MAX}),
        json!({"ItemBatcher": {"MaxItemsPerBatch": u64::MAX}}),
        json!({"ItemBatcher": {"MaxItemsPerBatchPath": "$.big"}}),
    ] {
        let exec = run(map(fields.clone()), input.clone());
        assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{fields}");
        let expected = if fields.get("ItemBatcher").is_some() {
            json!([{"Items": [1, 2, 3]}])
        } else {
            json!([1, 2, 3])
        };
        assert_eq!(exec.describe().output, Some(expected), "{fields}");
    }
}

#[test]
fn map_counts_out_of_range_fail_like_aws() {
    let cases = [
        (
            json!({"ToleratedFailureCountPath": "$.n"}),
            json!(i64::MIN),
            "ToleratedFailureCount cannot be negative.",
        ),
        (
            json!({"ToleratedFailurePercentagePath": "$.n"}),
            json!(1e308),
            "ToleratedFailurePercentage must be between 0 and 100.",
        ),
        (
            json!({"ToleratedFailurePercentagePath": "$.n"}),
            json!(-1),
            "ToleratedFailurePercentage must be between 0 and 100.",
        ),
    ];
    for (fields, n, message) in cases {
        let exec = run(map(fields.clone()), json!({"xs": [1], "n": n}));
        let (error, cause) = failure(&exec);
        assert_eq!(error, "States.Runtime", "{fields}");
        assert!(cause.ends_with(message), "{fields}: {cause}");
    }
    assert_eq!(
        rejected(map(json!({"ToleratedFailurePercentage": 1e308}))),
        schema_error(
            "ToleratedFailurePercentage must be a number from 0 to 100",
            "/States/M/ToleratedFailurePercentage"
        )
    );
    assert_eq!(
        rejected(map(json!({"ToleratedFailureCount": -1}))),
        schema_error(
            "ToleratedFailureCount must be a non-negative integer",
            "/States/M/ToleratedFailureCount"
        )
    );
}

// ---- Intrinsic and JSONata functions ---------------------------------------------------------

/// A Pass state computing `expr` (an intrinsic call) into `r`.
fn intrinsic(expr: &str) -> Execution {
    run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true,
            "Parameters": {"r.$": expr}}}}),
        json!({}),
    )
}

fn result(exec: &Execution) -> Value {
    assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{:?}", exec.describe());
    exec.describe().output.unwrap()["r"].clone()
}

#[test]
fn intrinsics_with_extreme_numbers_give_a_value_or_an_intrinsic_failure() {
    let ok = [
        ("States.MathAdd(9223372036854775807, 1)", json!(i64::MAX)),
        ("States.MathAdd(-9223372036854775808, -1)", json!(i64::MIN)),
        (
            "States.ArrayRange(9223372036854775800, 9223372036854775807, 5)",
            json!([9_223_372_036_854_775_800_i64, 9_223_372_036_854_775_805_i64]),
        ),
        (
            "States.ArrayRange(-9223372036854775808, -9223372036854775807, 1)",
            json!([i64::MIN, i64::MIN + 1]),
        ),
        ("States.ArrayPartition(States.Array(1, 2, 3), 9223372036854775807)", json!([[1, 2, 3]])),
    ];
    for (expr, expected) in ok {
        assert_eq!(result(&intrinsic(expr)), expected, "{expr}");
    }
    let failing = [
        ("States.MathAdd(1e308, 1)", "Invalid arguments in States.MathAdd: 1e+308 is out of range"),
        ("States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
            "Invalid arguments in States.ArrayRange: the range would have 18446744073709551615 elements, more than the maximum of 1000"),
        ("States.ArrayRange(0, 1, 1e308)",
            "Invalid arguments in States.ArrayRange: the step must be an integer, got 1e+308"),
        ("States.ArrayPartition(States.Array(1), -9223372036854775808)",
            "Invalid arguments in States.ArrayPartition: the chunk size must be greater than 0, got -9223372036854775808"),
        ("States.ArrayGetItem(States.Array(1), 9223372036854775807)",
            "Invalid arguments in States.ArrayGetItem: index 9223372036854775807 is out of bounds for an array of length 1"),
        ("States.MathRandom(-9223372036854775808, 9223372036854775807, 1)",
            "Invalid arguments in States.MathRandom: the range is too large"),
    ];
    for (expr, message) in failing {
        let exec = intrinsic(expr);
        let (error, cause) = failure(&exec);
        assert_eq!(error, "States.IntrinsicFailure", "{expr}");
        assert!(cause.ends_with(message), "{expr}: {cause}");
    }
    // Unseeded, the whole i64 range: some integer, no overflow.
    assert!(
        result(&intrinsic("States.MathRandom(-9223372036854775808, 9223372036854775807)")).is_i64()
    );
}

#[test]
fn jsonata_range_and_partition_with_extreme_numbers() {
    let pass = |expr: &str| {
        run(
            json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
                "End": true, "Output": {"r": expr}}}}),
            json!({}),
        )
    };
    assert_eq!(result(&pass("{% $partition([1, 2], 9007199254740991) %}")), json!([[1, 2]]));
    let exec = pass("{% $range(0, 9007199254740991, 1) %}");
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.QueryEvaluationError");
    assert!(cause.contains("must not exceed 1e7"), "{cause}");
    let exec = pass("{% $range(0, 1e308, 1) %}");
    assert_eq!(failure(&exec).0, "States.QueryEvaluationError");
}

#[test]
fn test_state_backoff_interval_of_an_infinite_backoff_saturates_at_the_api_integer() {
    use asl::test_state::{test_state, TestMock, TestStateRequest};
    let machine = StateMachine::from_value(&json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 1e308,
            "MaxAttempts": 99_999_999}]}}}))
    .unwrap();
    let request = |retrier_retry_count| TestStateRequest {
        inspection_level: asl::test_state::InspectionLevel::Trace,
        state_name: "T".into(),
        input: json!({}),
        mock: Some(TestMock::Error { error: "Boom".into(), cause: "c".into() }),
        context: None,
        retrier_retry_count,
        variables: serde_json::Map::new(),
        ..Default::default()
    };
    let details = |n| {
        let response = test_state(&machine, &request(n)).unwrap();
        assert_eq!(response.status, "RETRIABLE", "{n}");
        response.inspection_data["errorDetails"]["retryBackoffIntervalSeconds"].clone()
    };
    assert_eq!(details(0), json!(1));
    assert_eq!(details(5), json!(i32::MAX));
    assert_eq!(details(99_999_998), json!(i32::MAX));
    // Every attempt used (even u64::MAX of them): no retry left.
    for n in [99_999_999, u64::MAX] {
        assert_eq!(test_state(&machine, &request(n)).unwrap().status, "FAILED");
    }
}
