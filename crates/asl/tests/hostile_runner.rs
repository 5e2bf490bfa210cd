//! Hostile definitions and inputs against the runner's bounds (decision 0010): child
//! executions' own quotas, the ceiling on engine steps, payload nesting depth, the budget of
//! values a template builds, intrinsics on huge inputs, and extreme numbers.
//!
//! Each test runs in a thread with a 1 MiB stack (wasm's default), so a recursion that a
//! definition can drive deep fails the test instead of passing natively; a 60-second harness
//! bound turns a hang into a failure (no timing is asserted).

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use asl::runner::{MAX_HISTORY_EVENTS, MAX_PAYLOAD_DEPTH, MAX_TEMPLATE_BYTES};
use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::{json, Value};

/// `ExecutionConfig::default().start_time_ms`: 2024-01-01T00:00:00Z.
const START_MS: i64 = 1_704_067_200_000;

/// Runs `f` on a thread with a 1 MiB stack and fails if it takes more than 60 s.
fn guarded(f: impl FnOnce() + Send + 'static) {
    let (done, wait) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            f();
            let _ = done.send(());
        })
        .expect("spawn");
    match wait.recv_timeout(Duration::from_secs(60)) {
        Ok(()) => handle.join().expect("test thread"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The closure panicked: report its panic.
            if let Err(p) = handle.join() {
                std::panic::resume_unwind(p);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within 60 s"),
    }
}

fn run_with(definition: Value, config: ExecutionConfig) -> Execution {
    let machine = match StateMachine::from_value(&definition) {
        Ok(m) => m,
        Err(d) => panic!("invalid definition: {d:?}"),
    };
    let mut exec = Execution::start(Arc::new(machine), config);
    exec.run_to_completion();
    exec
}

fn run(definition: Value, input: Value) -> Execution {
    run_with(definition, ExecutionConfig { input, ..Default::default() })
}

fn failed(exec: &Execution) -> (String, String) {
    let d = exec.describe();
    assert_eq!(d.status, ExecutionStatus::Failed, "output {:?}", d.output);
    (d.error.unwrap_or_default(), d.cause.unwrap_or_default())
}

/// A Distributed Map over `$.items` with `processor` and extra Map fields.
fn distributed(processor: Value, execution_type: &str, extra: Value) -> Value {
    let mut processor = processor;
    processor["ProcessorConfig"] = json!({"Mode": "DISTRIBUTED", "ExecutionType": execution_type});
    let mut map =
        json!({"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": true});
    if let (Some(m), Some(e)) = (map.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    json!({"StartAt": "Fan", "States": {"Fan": map}})
}

/// A Pass/Choice loop that never ends by itself.
fn endless_loop() -> Value {
    json!({
        "StartAt": "Spin",
        "States": {
            "Spin": {"Type": "Pass", "Next": "Check"},
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "Out"}],
                "Default": "Spin"
            },
            "Out": {"Type": "Succeed"}
        }
    })
}

fn history_quota_cause() -> String {
    format!("The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS}).")
}

#[test]
fn a_runaway_child_execution_hits_its_own_history_quota() {
    guarded(|| {
        // Each item's child execution loops forever; its events are not in the parent's
        // history, so only the child's own 25,000-event quota can stop it.
        let exec =
            run(distributed(endless_loop(), "STANDARD", json!({})), json!({"items": [1, 2]}));
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.Runtime");
        assert!(cause.ends_with(&history_quota_cause()), "{cause}");
        // The parent's own history stays small.
        assert!(exec.history().len() < 20, "{}", exec.history().len());
        let types: Vec<&str> = exec.history().iter().map(|e| e.type_name()).collect();
        assert!(types.contains(&"MapRunFailed"), "{types:?}");

        // With tolerated failures set, the Map fails as AWS says when they are exceeded.
        let extra = json!({"ToleratedFailureCount": 1});
        let exec = run(distributed(endless_loop(), "STANDARD", extra), json!({"items": [1, 2]}));
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.ExceedToleratedFailureThreshold");
        assert_eq!(cause, "The specified tolerated failure threshold was exceeded");

        // Within the tolerance the Map succeeds; the failed child leaves null.
        let extra = json!({"ToleratedFailurePercentage": 100});
        let exec = run(distributed(endless_loop(), "EXPRESS", extra), json!({"items": [1]}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        assert_eq!(exec.describe().output, Some(json!([null])));
    });
}

#[test]
fn child_executions_time_out_after_their_duration_limit() {
    guarded(|| {
        let waiting = |seconds: u64| json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": true}}});
        // EXPRESS children: 5 minutes.
        let exec = run(distributed(waiting(600), "EXPRESS", json!({})), json!({"items": [1]}));
        let (error, _) = failed(&exec);
        assert_eq!(error, "States.Timeout");
        assert_eq!(exec.describe().stop_ms, Some(START_MS + 300_000));
        // Within 5 minutes an EXPRESS child is fine.
        let exec = run(distributed(waiting(299), "EXPRESS", json!({})), json!({"items": [1]}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        assert_eq!(exec.describe().stop_ms, Some(START_MS + 299_000));
        // STANDARD children: one year (365 days); 99,999,999 s is more.
        let exec =
            run(distributed(waiting(99_999_999), "STANDARD", json!({})), json!({"items": [1]}));
        let (error, _) = failed(&exec);
        assert_eq!(error, "States.Timeout");
        assert_eq!(exec.describe().stop_ms, Some(START_MS + 31_536_000_000));
        // A finished child's deadline does not hold the clock: the execution ends when the
        // child does.
        let exec = run(distributed(waiting(10), "STANDARD", json!({})), json!({"items": [1, 2]}));
        assert_eq!(exec.status(), ExecutionStatus::Succeeded);
        assert_eq!(exec.describe().stop_ms, Some(START_MS + 10_000));
    });
}

/// Distributed Maps nested three deep over 1,000 items each (10^9 child executions).
fn nested_fan_out() -> Value {
    let range = json!({"r.$": "States.ArrayRange(1, 1000, 1)"});
    let leaf = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let mut inner = leaf;
    for level in 0..3 {
        let name = format!("Fan{level}");
        let mut program = inner.clone();
        program["ProcessorConfig"] = json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"});
        inner = json!({
            "StartAt": "Range",
            "States": {
                "Range": {"Type": "Pass", "Parameters": range, "Next": name},
                name: {"Type": "Map", "ItemsPath": "$.r", "ItemProcessor": program, "End": true}
            }
        });
    }
    inner
}

#[test]
fn the_step_ceiling_stops_a_multiplying_fan_out_with_a_clear_cause() {
    guarded(|| {
        let config = ExecutionConfig { max_steps: 100_000, ..Default::default() };
        let exec = run_with(nested_fan_out(), config);
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.Runtime");
        assert_eq!(
            cause,
            "The execution exceeded Stepwise's limit of 100000 engine steps (states entered, \
             retries, waits, branches started, Map iterations listed and started, child \
             executions included)."
        );
        assert!(exec.steps() > 100_000);
        // A single runaway loop in the parent still ends at the history quota, well within the
        // default ceiling.
        let exec = run(endless_loop(), json!({}));
        let (_, cause) = failed(&exec);
        assert_eq!(cause, history_quota_cause());
        assert!(exec.steps() < asl::runner::DEFAULT_MAX_STEPS);
    });
}

#[test]
fn the_step_ceiling_is_exact_and_configurable() {
    guarded(|| {
        // Pass → Pass → Succeed: one step per state entered.
        let def = json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Next": "C"},
            "C": {"Type": "Succeed"}
        }});
        let ok = run_with(def.clone(), ExecutionConfig { max_steps: 3, ..Default::default() });
        assert_eq!(ok.status(), ExecutionStatus::Succeeded);
        assert_eq!(ok.steps(), 3);
        let stopped = run_with(def, ExecutionConfig { max_steps: 2, ..Default::default() });
        let (error, cause) = failed(&stopped);
        assert_eq!(error, "States.Runtime");
        assert!(cause.contains("limit of 2 engine steps"), "{cause}");
    });
}

#[test]
fn a_loop_nesting_its_input_deeper_fails_at_the_depth_limit() {
    guarded(|| {
        let def = json!({
            "StartAt": "Nest",
            "States": {
                "Nest": {"Type": "Pass", "Parameters": {"inner.$": "$"}, "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}],
                    "Default": "Nest"
                },
                "Done": {"Type": "Succeed"}
            }
        });
        let exec = run(def, json!({}));
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.DataLimitExceeded");
        assert_eq!(
            cause,
            format!(
                "The state/task 'Nest' returned a result nested deeper than the maximum of \
                 {MAX_PAYLOAD_DEPTH} levels of objects and arrays."
            )
        );
        // `{}` is one level; each pass adds one: the 127th output is the last that fits.
        let entered = exec.history().iter().filter(|e| e.type_name() == "PassStateEntered").count();
        assert_eq!(entered, MAX_PAYLOAD_DEPTH);

        // ResultPath nesting, and variables, are bounded the same way.
        let def = json!({
            "StartAt": "Nest",
            "States": {
                "Nest": {"Type": "Pass", "ResultPath": "$.a.b", "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}],
                    "Default": "Nest"
                },
                "Done": {"Type": "Succeed"}
            }
        });
        let (error, cause) = failed(&run(def, json!({})));
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(cause.contains("nested deeper than the maximum of 127 levels"), "{cause}");
        let def = json!({
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"v": 0}, "Next": "Nest"},
                "Nest": {"Type": "Pass", "Assign": {"v": {"inner.$": "$v"}}, "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}],
                    "Default": "Nest"
                },
                "Done": {"Type": "Succeed"}
            }
        });
        let (error, cause) = failed(&run(def, json!({})));
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(
            cause.contains("The value assigned to the variable 'v' is nested deeper"),
            "{cause}"
        );
    });
}

#[test]
fn an_execution_input_deeper_than_the_limit_fails_at_once() {
    guarded(|| {
        let mut input = json!(1);
        for _ in 0..=MAX_PAYLOAD_DEPTH {
            input = json!([input]);
        }
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
        let exec = run(def, input);
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(cause.starts_with("The execution input is nested deeper"), "{cause}");
    });
}

#[test]
fn a_template_building_more_than_its_budget_fails_with_the_limit() {
    guarded(|| {
        let input = json!({"s": "x".repeat(200_000)});
        let many: serde_json::Map<String, Value> =
            (0..8).map(|i| (format!("k{i}.$"), json!("$.s"))).collect();
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": many, "End": true}}});
        let (error, cause) = failed(&run(def, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(cause.contains(&format!("{MAX_TEMPLATE_BYTES} bytes per template")), "{cause}");

        // Intrinsic calls count what they copy and build: arguments and results.
        let call = format!("States.Array({})", ["$.s"; 8].join(", "));
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"a.$": call}, "End": true}}});
        let (error, cause) = failed(&run(def, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(cause.contains("1048576"), "{cause}");

        // Nested calls multiply copies: States.Array of States.Array of …
        let mut call = "$.s".to_string();
        for _ in 0..5 {
            call = format!("States.Array({call}, {call})");
        }
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"a.$": call}, "End": true}}});
        let (error, _) = failed(&run(def, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");

        // A Map builds every ItemSelector result when it starts: 400 copies of 200 KB.
        let items: Vec<u32> = (0..400).collect();
        let map_input = json!({"s": "x".repeat(200_000), "items": items});
        let processor = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
        let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
            "ItemSelector": {"s.$": "$.s"}, "ItemProcessor": processor, "End": true}}});
        let (error, cause) = failed(&run(def, map_input));
        assert_eq!(error, "States.DataLimitExceeded");
        assert_eq!(
            cause,
            "The iteration inputs ItemSelector built for the Map state 'M' exceed Stepwise's \
             limit of 67108864 bytes per Map state."
        );

        // What fits the payload quota is unaffected.
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"a.$": "$.s", "f.$": "States.Format('{}', $.s)"}, "ResultPath": null, "End": true}}});
        assert_eq!(run(def, input).status(), ExecutionStatus::Succeeded);
    });
}

#[test]
fn a_path_selecting_subtrees_many_times_over_stops_at_the_budget() {
    guarded(|| {
        // 120 levels of {"a": …, "pad": "…"}: `$..*..*` selects every subtree once per
        // ancestor (megabytes from a 4 KB input).
        let mut input = json!("end");
        for _ in 0..120 {
            input = json!({"a": input, "pad": "0123456789"});
        }
        let cause = format!(
            "The JSONPath '$..*..*' selects more than Stepwise's limit of {MAX_TEMPLATE_BYTES} \
             bytes per evaluation."
        );
        let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"all.$": "$..*..*"}, "End": true}}});
        let (error, got) = failed(&run(pass, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");
        assert!(got.ends_with(&cause), "{got}");
        let input_path = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "InputPath": "$..*..*", "End": true}}});
        let (error, _) = failed(&run(input_path, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");
        let choice = json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$..*..*", "IsPresent": true, "Next": "D"}], "Default": "D"},
            "D": {"Type": "Succeed"}
        }});
        let (error, _) = failed(&run(choice, input.clone()));
        assert_eq!(error, "States.DataLimitExceeded");
        // One level of scanning fits.
        let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"n.$": "States.ArrayLength($..pad)"}, "End": true}}});
        assert_eq!(run(pass, input).describe().output, Some(json!({"n": 120})));
    });
}

#[test]
fn nested_parallel_branches_share_a_large_input() {
    guarded(|| {
        // Three levels of 30 branches over a 200 KB input: 27,930 branches. Each used to get
        // its own copy of the input (gigabytes before the history quota ended the run).
        let leaf = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
        let mut program = leaf;
        for _ in 0..3 {
            let branches: Vec<Value> = (0..30).map(|_| program.clone()).collect();
            program = json!({"StartAt": "Par", "States": {"Par": {"Type": "Parallel",
                "Branches": branches, "End": true}}});
        }
        let exec = run(program, json!({"s": "x".repeat(200_000)}));
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.Runtime");
        assert_eq!(cause, history_quota_cause());
    });
}

#[test]
fn intrinsics_on_huge_inputs_finish_or_fail_cleanly() {
    guarded(|| {
        let pass = |params: Value| json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": params, "End": true}}});
        // 40,000 distinct numbers: ArrayUnique is linear.
        let numbers: Vec<Value> = (0..40_000).map(|n| json!(n)).collect();
        let input = json!({"a": numbers});
        let exec =
            run(pass(json!({"n.$": "States.ArrayLength(States.ArrayUnique($.a))"})), input.clone());
        assert_eq!(exec.describe().output, Some(json!({"n": 40_000})));
        // Partitions of one item.
        let exec = run(
            pass(json!({"n.$": "States.ArrayLength(States.ArrayPartition($.a, 1))"})),
            input.clone(),
        );
        assert_eq!(exec.describe().output, Some(json!({"n": 40_000})));
        // A 100,000-character delimiter set over a 100,000-character string.
        let text: String = (0..100_000u32).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let input = json!({"s": text, "d": "b".repeat(100_000)});
        let exec =
            run(pass(json!({"n.$": "States.ArrayLength(States.StringSplit($.s, $.d))"})), input);
        assert_eq!(exec.describe().output, Some(json!({"n": 3848})));
        // ArrayRange past its 1,000 elements.
        let exec =
            run(pass(json!({"r.$": "States.ArrayRange(0, 9223372036854775807, 1)"})), json!({}));
        let (error, cause) = failed(&exec);
        assert_eq!(error, "States.IntrinsicFailure");
        assert!(cause.contains("more than the maximum of 1000"), "{cause}");
        // JsonMerge of two 10,000-key objects.
        let a: serde_json::Map<String, Value> =
            (0..10_000).map(|i| (format!("a{i}"), json!(i))).collect();
        let b: serde_json::Map<String, Value> =
            (0..10_000).map(|i| (format!("b{i}"), json!(i))).collect();
        let exec =
            run(pass(json!({"m.$": "States.JsonMerge($.a, $.b, false)"})), json!({"a": a, "b": b}));
        let merged = exec.describe().output.and_then(|o| o["m"].as_object().map(|m| m.len()));
        assert_eq!(merged, Some(20_000));
        // States.Format with many placeholders and arguments.
        let call =
            format!("States.Format('{}', {})", "{}".repeat(500), vec!["$.s"; 500].join(", "));
        let exec = run(pass(json!({"f.$": call})), json!({"s": "x".repeat(1000)}));
        let (error, _) = failed(&exec);
        assert_eq!(error, "States.DataLimitExceeded");
    });
}

#[test]
fn extreme_numbers_still_end_cleanly() {
    guarded(|| {
        // The issue's probes, each now a clean answer (tests/extreme_numbers.rs has the rest).
        let wait = |field: Value| {
            let mut w = json!({"Type": "Wait", "End": true});
            if let (Some(w), Some(f)) = (w.as_object_mut(), field.as_object()) {
                w.extend(f.clone());
            }
            json!({"StartAt": "W", "States": {"W": w}})
        };
        assert!(StateMachine::from_value(&wait(json!({"Seconds": u64::MAX}))).is_err());
        let exec =
            run(wait(json!({"SecondsPath": "$.s"})), json!({"s": 9_000_000_000_000_000_i64}));
        assert_eq!(exec.describe().stop_ms, Some(asl::time::LATEST_MS));
        let exec = run(wait(json!({"SecondsPath": "$.s"})), json!({"s": 9e15}));
        assert_eq!(failed(&exec).0, "States.Runtime");
        let mut def = wait(json!({"Seconds": "{% 1e308 %}"}));
        def["QueryLanguage"] = json!("JSONata");
        assert_eq!(run(def, json!({})).describe().stop_ms, Some(asl::time::LATEST_MS));
        // TimeoutSeconds(Path) near i64::MAX: tests/extreme_numbers.rs.
        // Retry with BackoffRate 1e308 and many attempts: intervals saturate, the history quota
        // ends it.
        let def = json!({"StartAt": "P", "States": {"P": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}],
            "Retry": [{"ErrorEquals": ["Boom"], "BackoffRate": 1e308, "MaxAttempts": 99_999_999, "IntervalSeconds": 1}],
            "End": true
        }}});
        let exec = run(def, json!({}));
        let d = exec.describe();
        assert!(matches!(d.status, ExecutionStatus::Failed), "{:?}", d.status);
        assert!(d.stop_ms.is_some_and(|t| t <= asl::time::LATEST_MS));
    });
}
