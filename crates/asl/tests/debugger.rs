//! The debugger API (issue 11 point 6): breakpoints and stepping (`runner::debug`), starting
//! at any state (`runner::start_at`), redrive (`runner::redrive`) and comparing histories
//! (`history::compare`), with the histories asserted.

use std::sync::Arc;

use asl::history::compare::{compare, visits, Difference};
use asl::runner::{NotRedrivable, PauseReason, RedriveRequest, ScopeStep, StartAt};
use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Map, Value};

const TUTORIAL: &str = include_str!("../../../examples/tutorial.asl.json");
const TUTORIAL_JSONATA: &str = include_str!("../../../examples/tutorial-jsonata.asl.json");

fn machine(text: &str) -> Arc<StateMachine> {
    Arc::new(StateMachine::from_text(text).expect("valid definition"))
}

fn machine_value(definition: Value) -> Arc<StateMachine> {
    Arc::new(StateMachine::from_value(&definition).expect("valid definition"))
}

fn start(machine: Arc<StateMachine>, input: Value) -> Execution {
    Execution::start(machine, ExecutionConfig { input, ..Default::default() })
}

fn mocks(config: Value) -> Option<MockConfig> {
    Some(MockConfig::from_value(&config).expect("valid mocks"))
}

fn start_mocked(machine: Arc<StateMachine>, input: Value, config: Value) -> Execution {
    Execution::start(
        machine,
        ExecutionConfig {
            input,
            mock_config: mocks(config),
            test_case: Some("T".into()),
            ..Default::default()
        },
    )
}

fn types(exec: &Execution) -> Vec<&str> {
    exec.history().iter().map(|e| e.type_name()).collect()
}

fn aws_json(exec: &Execution) -> Vec<Value> {
    exec.history().iter().map(|e| e.to_aws_json()).collect()
}

fn entered_names(exec: &Execution) -> Vec<String> {
    exec.history()
        .iter()
        .filter(|e| e.type_name().ends_with("StateEntered"))
        .map(|e| e.details_json()["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ----- breakpoints and stepping -----

#[test]
fn a_breakpoint_pauses_before_the_state_is_entered_and_step_and_continue_go_on() {
    let mut exec = start(machine(TUTORIAL), json!({"statuscode": "429"}));
    exec.set_breakpoints(["Wait and Try Later"]);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Running);
    let pause = exec.paused().expect("paused").clone();
    assert_eq!(pause.reason, PauseReason::Breakpoint);
    assert_eq!(pause.state, "Wait and Try Later");
    assert!(pause.entering);
    assert!(pause.scope.is_empty());
    // The Catch passed the error output on as the Wait state's input.
    assert_eq!(pause.input["Error"], "TooManyRequestsException");
    assert_eq!(pause.context["State"]["Name"], "Wait and Try Later");
    assert_eq!(pause.context["State"]["RetryCount"], 0);
    assert_eq!(pause.context["Execution"]["Input"], json!({"statuscode": "429"}));
    assert_eq!(pause.states, None, "JSONPath states have no $states");
    // Before the StateEntered event: the history ends with Call API leaving.
    assert_eq!(types(&exec).last(), Some(&"TaskStateExited"));
    // Paused: no step runs, and the virtual clock stands still.
    let clock = exec.now_ms();
    assert!(!exec.step());
    assert_eq!(exec.next_wakeup_ms(), None);
    assert_eq!(exec.advance_to(clock + 60_000, 100), 0);
    assert_eq!(exec.now_ms(), clock);

    // Step: the Wait runs (one virtual second) and the next state is about to be entered.
    exec.step_state();
    exec.run_to_completion();
    let pause = exec.paused().expect("paused after the step").clone();
    assert_eq!(pause.reason, PauseReason::Step);
    assert_eq!(pause.state, "Change to 200");
    assert_eq!(types(&exec).last(), Some(&"WaitStateExited"));
    assert_eq!(pause.at_ms, clock + 1_000);

    // Continue: no other breakpoint, the run ends as it would have.
    exec.resume();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert!(exec.paused().is_none());

    let mut plain = start(machine(TUTORIAL), json!({"statuscode": "429"}));
    plain.run_to_completion();
    assert_eq!(aws_json(&exec), aws_json(&plain), "pausing changes nothing in the history");
}

#[test]
fn stepping_pauses_once_before_every_state_entry_in_history_order() {
    let definition = include_str!("../../../examples/parallel.asl.json");
    let input = json!({"statuscode": "200"});
    let mut plain = start(machine(definition), input.clone());
    plain.run_to_completion();

    let mut exec = start(machine(definition), input);
    let mut seen = Vec::new();
    exec.step_state();
    loop {
        exec.run_to_completion();
        match exec.paused() {
            Some(p) => {
                assert_eq!(p.reason, PauseReason::Step);
                seen.push(p.state.clone());
                exec.step_state();
            }
            None => break,
        }
    }
    assert_eq!(seen, entered_names(&plain));
    assert_eq!(aws_json(&exec), aws_json(&plain));
}

#[test]
fn a_breakpoint_inside_a_map_pauses_in_every_iteration_with_its_scope() {
    let definition = include_str!("../../../examples/map.asl.json");
    let input: Value =
        serde_json::from_str(include_str!("../../../examples/map.input.json")).unwrap();
    let count = input["lines"].as_array().map_or(0, Vec::len);
    assert!(count >= 2);
    let mut exec = start(machine(definition), input.clone());
    exec.set_breakpoints(["Label line"]);
    let mut iterations = Vec::new();
    loop {
        exec.run_to_completion();
        let Some(p) = exec.paused() else { break };
        assert_eq!(p.state, "Label line");
        let [ScopeStep::Iteration { state, index }] = p.scope.as_slice() else {
            panic!("not inside one iteration: {:?}", p.scope)
        };
        assert_eq!(state, "Label lines");
        assert_eq!(p.context["Map"]["Item"]["Index"], json!(index));
        assert_eq!(p.input["line"], json!(index));
        iterations.push(*index);
        exec.resume();
    }
    assert_eq!(iterations, (0..count).collect::<Vec<_>>());
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    let mut plain = start(machine(definition), input);
    plain.run_to_completion();
    assert_eq!(aws_json(&exec), aws_json(&plain));
}

#[test]
fn a_paused_jsonata_state_shows_its_variables_and_states() {
    let mut exec = start(machine(TUTORIAL_JSONATA), json!({"statuscode": "200"}));
    exec.set_breakpoints(["OK"]);
    exec.run_to_completion();
    let p = exec.paused().expect("paused at OK");
    assert_eq!(p.variables.get("apiAnswer"), Some(&json!("200 OK")));
    let states = p.states.as_ref().expect("a JSONata state has $states");
    assert_eq!(states["input"], p.input);
    assert_eq!(states["context"]["State"]["Name"], "OK");
}

#[test]
fn pause_on_request_stops_inside_a_wait_and_stop_still_aborts() {
    let definition = include_str!("../../../examples/wait.asl.json");
    let input: Value =
        serde_json::from_str(include_str!("../../../examples/wait.input.json")).unwrap();
    let mut exec = start(machine(definition), input);
    // Run until a Wait state has been entered.
    while exec.step() {
        if types(&exec).last() == Some(&"WaitStateEntered") {
            break;
        }
    }
    exec.request_pause();
    assert!(!exec.step());
    let p = exec.paused().expect("paused on request").clone();
    assert_eq!(p.reason, PauseReason::Requested);
    assert!(!p.entering, "the Wait state was already entered");
    let events = exec.history().len();
    assert_eq!(exec.advance_to(exec.now_ms() + 3_600_000, 10), 0);
    assert_eq!(exec.history().len(), events);
    exec.stop(None, None);
    assert_eq!(exec.status(), ExecutionStatus::Aborted);
    assert!(exec.paused().is_none());
    assert_eq!(types(&exec)[types(&exec).len() - 2..], ["WaitStateAborted", "ExecutionAborted"]);
}

#[test]
fn a_paced_run_pauses_inside_a_long_wait_when_asked_not_when_the_wait_ends() {
    let definition = r#"{"StartAt": "Long wait", "States": {
        "Long wait": {"Type": "Wait", "Seconds": 600, "Next": "After"},
        "After": {"Type": "Pass", "End": true}}}"#;
    let mut exec = start(machine(definition), json!({}));
    let t0 = exec.now_ms();
    exec.advance_to(t0 + 1_000, 100);
    assert_eq!(types(&exec).last(), Some(&"WaitStateEntered"));
    exec.request_pause();
    // A paced driver advances the clock a little at a time: the pause is taken at once.
    assert_eq!(exec.advance_to(t0 + 2_000, 100), 0);
    let p = exec.paused().expect("paused inside the Wait").clone();
    assert_eq!(
        (p.state.as_str(), p.entering, p.reason),
        ("Long wait", false, PauseReason::Requested)
    );
    assert_eq!(exec.now_ms(), t0 + 2_000);
    // Paused: the clock stays where it is however far the caller asks.
    assert_eq!(exec.advance_to(t0 + 3_600_000, 100), 0);
    assert_eq!(exec.now_ms(), t0 + 2_000);
    exec.resume();
    exec.advance_to(t0 + 700_000, 100);
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        types(&exec),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn stop_while_paused_before_a_state_records_no_abort_of_that_state() {
    let mut exec = start(machine(TUTORIAL), json!({"statuscode": "429"}));
    exec.set_breakpoints(["Wait and Try Later"]);
    exec.run_to_completion();
    exec.stop(None, None);
    assert_eq!(types(&exec).last(), Some(&"ExecutionAborted"));
    assert_eq!(types(&exec)[types(&exec).len() - 2], "TaskStateExited");
}

// ----- start at a state -----

#[test]
fn start_at_a_state_runs_from_there_with_the_given_input() {
    let at = StartAt { state: "Change to 200".into(), ..Default::default() };
    let config = ExecutionConfig { input: json!({"anything": 1}), ..Default::default() };
    let mut exec = Execution::start_at(machine(TUTORIAL), config, at).expect("a state");
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        entered_names(&exec),
        ["Change to 200", "Call API", "OK"],
        "the states before it do not run"
    );
    let first = exec.history()[1].details_json();
    assert_eq!(first["input"], r#"{"anything":1}"#);
}

#[test]
fn start_at_a_state_sees_the_given_variables() {
    let mut variables = Map::new();
    variables.insert("apiAnswer".into(), json!("from the original run"));
    let at = StartAt { state: "OK".into(), variables, ..Default::default() };
    let mut exec =
        Execution::start_at(machine(TUTORIAL_JSONATA), ExecutionConfig::default(), at).unwrap();
    exec.run_to_completion();
    assert_eq!(
        exec.describe().output,
        Some(json!("The request has succeeded: from the original run"))
    );
}

#[test]
fn start_at_a_state_inside_a_map_runs_that_iteration_with_its_item() {
    let definition = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "First", "States": {
            "First": {"Type": "Pass", "Next": "Second"},
            "Second": {"Type": "Pass", "Parameters": {"i.$": "$$.Map.Item.Index",
                "v.$": "$$.Map.Item.Value", "in.$": "$", "seen.$": "$seen"}, "End": true}}},
        "End": true}}});
    let mut variables = Map::new();
    variables.insert("seen".into(), json!(true));
    let at = StartAt { state: "Second".into(), variables, map_item: Some((4, json!("item"))) };
    let config = ExecutionConfig { input: json!({"x": 1}), ..Default::default() };
    let mut exec = Execution::start_at(machine_value(definition), config, at).unwrap();
    exec.run_to_completion();
    assert_eq!(entered_names(&exec), ["Second"]);
    assert_eq!(
        exec.describe().output,
        Some(json!({"i": 4, "v": "item", "in": {"x": 1}, "seen": true}))
    );
}

#[test]
fn start_at_an_unknown_state_is_refused() {
    let at = StartAt { state: "Nowhere".into(), ..Default::default() };
    let err = Execution::start_at(machine(TUTORIAL), ExecutionConfig::default(), at)
        .err()
        .expect("refused");
    assert_eq!(err.to_string(), "State 'Nowhere' does not exist in the state machine");
}

// ----- redrive -----

/// The tutorial's Call API answered by a mock: 503 after five virtual seconds, or 200.
fn tutorial_mock(answer: Value) -> Value {
    json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call API": "Answer"}}}},
        "MockedResponses": {"Answer": {"0": answer}}})
}

#[test]
fn a_stopped_503_tutorial_run_redriven_with_a_200_mock_succeeds() {
    let slow_503 = tutorial_mock(json!({"Throw": {"Error": "ServerUnavailableException",
        "Cause": "503 Service Unavailable"}, "LatencySeconds": 5}));
    let mut exec = start_mocked(machine(TUTORIAL), json!({"statuscode": "503"}), slow_503);
    // Stop while Call API waits for its answer.
    while exec.step() {
        if types(&exec).last() == Some(&"LambdaFunctionStarted") {
            break;
        }
    }
    exec.stop(None, None);
    assert_eq!(exec.status(), ExecutionStatus::Aborted);
    let ended = exec.history().len() as u64;

    let ok = tutorial_mock(json!({"Return": "200 OK"}));
    exec.redrive(RedriveRequest {
        at_ms: Some(exec.now_ms() + 60_000),
        mocks: Some((mocks(ok), Some("T".into()))),
    })
    .expect("an aborted execution is redrivable");
    assert_eq!(exec.status(), ExecutionStatus::Running);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!("The request has succeeded.")));
    let after: Vec<&str> = types(&exec).into_iter().skip(ended as usize).collect();
    assert_eq!(
        after,
        [
            "ExecutionRedriven",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let redriven = &exec.history()[ended as usize];
    assert_eq!(redriven.to_aws_json()["executionRedrivenEventDetails"], json!({"redriveCount": 1}));
    assert_eq!(redriven.previous_event_id, ended);
    assert_eq!(exec.redrive_count(), 1);
    // Call API restarts with the input it had.
    let entered = exec.history()[ended as usize + 1].details_json();
    assert_eq!(entered["input"], r#"{"statuscode":"503"}"#);
    // Redriven again? It succeeded.
    assert_eq!(exec.redrive(RedriveRequest::default()), Err(NotRedrivable::Succeeded));
}

#[test]
fn a_503_tutorial_run_that_failed_in_its_fail_state_fails_there_again() {
    let mut exec = start(machine(TUTORIAL), json!({"statuscode": "503"}));
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let ended = exec.history().len();
    exec.redrive(RedriveRequest::default()).expect("a failed execution is redrivable");
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(
        types(&exec)[ended..],
        ["ExecutionRedriven", "FailStateEntered", "ExecutionFailed"],
        "the unsuccessful step is the Fail state: Call API is not run again"
    );
    assert_eq!(exec.describe().error.as_deref(), Some("ServerUnavailable"));
    exec.redrive(RedriveRequest::default()).unwrap();
    exec.run_to_completion();
    let last_redrive =
        exec.history().iter().rev().find(|e| e.type_name() == "ExecutionRedriven").unwrap();
    assert_eq!(last_redrive.details_json()["redriveCount"], 2);
}

#[test]
fn redrive_count_and_time_reach_the_context_object() {
    let definition = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "Next": "Show"},
        "Show": {"Type": "Pass", "Parameters": {"count.$": "$$.Execution.RedriveCount",
            "time.$": "$$.Execution.RedriveTime"}, "End": true}}});
    let config = json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom", "Cause": "down"}},
            "1": {"Return": {"ok": true}}}}});
    let mut exec = start_mocked(machine_value(definition), json!({}), config);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let at = exec.now_ms() + 3_600_000;
    // The same mocks: the second invocation answers.
    exec.redrive(RedriveRequest { at_ms: Some(at), mocks: None }).unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(
        exec.describe().output,
        Some(json!({"count": 1, "time": asl::time::format_millis(at)}))
    );
}

#[test]
fn only_failed_and_aborted_parallel_branches_are_redriven() {
    let definition = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
    "Branches": [
        {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "Result": "q", "End": true}}},
        {"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "OutputPath": "$.Payload", "End": true}}},
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 10,
            "Next": "After"}, "After": {"Type": "Pass", "Result": "s", "End": true}}}
    ]}}});
    let failing = json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom", "Cause": "down"}}}}});
    let mut exec = start_mocked(machine_value(definition), json!({}), failing);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert!(types(&exec).contains(&"WaitStateAborted"));
    let ended = exec.history().len();

    let ok = json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": {"Payload": "c"}}}}});
    exec.redrive(RedriveRequest { at_ms: None, mocks: Some((mocks(ok), Some("T".into()))) })
        .unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!(["q", "c", "s"])));
    let again: Vec<String> = entered_names(&exec).into_iter().collect();
    assert_eq!(again.iter().filter(|n| *n == "Quick").count(), 1, "the successful branch kept");
    let redriven: Vec<&str> = types(&exec)[ended..].to_vec();
    assert_eq!(redriven[0], "ExecutionRedriven");
    assert!(redriven.contains(&"TaskStateEntered") && redriven.contains(&"WaitStateEntered"));
    assert!(!redriven.contains(&"PassStateEntered") || redriven.contains(&"WaitStateExited"));
    assert_eq!(redriven.last(), Some(&"ExecutionSucceeded"));
}

#[test]
fn a_redriven_map_reruns_failed_iterations_and_starts_those_never_started() {
    let definition = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "OutputPath": "$.Payload", "End": true}}},
        "End": true}}});
    // Item 0 succeeds, item 1 fails, item 2 never starts.
    let first = json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": {"Payload": "a"}},
            "1": {"Throw": {"Error": "Boom", "Cause": "down"}}}}});
    let mut exec = start_mocked(machine_value(definition), json!([1, 2, 3]), first);
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    assert_eq!(entered_names(&exec).iter().filter(|n| *n == "Call").count(), 2);

    let fixed = json!({"StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": {"Payload": "b"}},
            "1": {"Return": {"Payload": "c"}}}}});
    exec.redrive(RedriveRequest { at_ms: None, mocks: Some((mocks(fixed), Some("T".into()))) })
        .unwrap();
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(exec.describe().output, Some(json!(["a", "b", "c"])));
    assert_eq!(entered_names(&exec).iter().filter(|n| *n == "Call").count(), 4);
}

#[test]
fn redrive_eligibility_follows_aws() {
    let mut running = start(machine(TUTORIAL), json!({"statuscode": "429"}));
    running.step();
    assert_eq!(running.redrive(RedriveRequest::default()), Err(NotRedrivable::Running));
    assert_eq!(NotRedrivable::Running.to_string(), "Execution is RUNNING and cannot be redriven");

    let mut failed = start(machine(TUTORIAL), json!({"statuscode": "500"}));
    failed.run_to_completion();
    let fifteen_days = failed.now_ms() + 15 * 24 * 3_600_000;
    assert_eq!(
        failed.redrive(RedriveRequest { at_ms: Some(fifteen_days), mocks: None }),
        Err(NotRedrivable::RedrivablePeriod)
    );
    assert!(failed.redrivable(failed.now_ms() + 13 * 24 * 3_600_000).is_ok());
    assert_eq!(failed.status(), ExecutionStatus::Failed, "a refused redrive changes nothing");
}

#[test]
fn a_timed_out_execution_gets_its_timeout_again_from_the_redrive() {
    let definition = json!({"TimeoutSeconds": 5, "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3, "Next": "V"},
        "V": {"Type": "Wait", "Seconds": 3, "End": true}}});
    let mut exec = start(machine_value(definition), json!({}));
    exec.run_to_completion();
    assert_eq!(exec.status(), ExecutionStatus::TimedOut);
    exec.redrive(RedriveRequest::default()).unwrap();
    exec.run_to_completion();
    // V restarts with a whole 5 s ahead of it, so its 3 s wait ends in time.
    assert_eq!(exec.status(), ExecutionStatus::Succeeded);
    assert_eq!(entered_names(&exec), ["W", "V", "V"]);
}

// ----- enumerate and compare -----

fn tutorial_run(code: &str) -> Execution {
    let mut exec = start(machine(TUTORIAL), json!({"statuscode": code}));
    exec.run_to_completion();
    exec
}

#[test]
fn the_tutorials_503_and_429_runs_part_at_call_api() {
    let a = tutorial_run("503");
    let b = tutorial_run("429");
    let c = compare((a.history(), a.status()), (b.history(), b.status()));
    assert_eq!(c.parting_state(), Some("Call API"));
    assert_eq!(c.parted_at, Some(0));
    assert!(c.rows[0].differences.contains(&Difference::Input));
    assert_eq!(c.only_left, ["Server Unavailable"]);
    assert_eq!(c.only_right, ["Change to 200", "OK", "Wait and Try Later"]);
    // Call API's second visit exists only in the 429 run.
    let second = c.rows.iter().find(|r| {
        r.right
            .and_then(|i| c.right.get(i))
            .is_some_and(|v| v.state == "Call API" && v.occurrence == 1)
    });
    assert_eq!(second.map(|r| r.left), Some(None));
    let labels: Vec<(Option<&str>, Option<&str>)> = c
        .rows
        .iter()
        .map(|r| {
            (r.left.map(|i| c.left[i].state.as_str()), r.right.map(|i| c.right[i].state.as_str()))
        })
        .collect();
    assert_eq!(
        labels,
        [
            (Some("Call API"), Some("Call API")),
            (Some("Server Unavailable"), None),
            (None, Some("Wait and Try Later")),
            (None, Some("Change to 200")),
            (None, Some("Call API")),
            (None, Some("OK")),
        ]
    );
}

#[test]
fn identical_runs_do_not_part_and_map_iterations_are_keys() {
    let definition = include_str!("../../../examples/map.asl.json");
    let input: Value =
        serde_json::from_str(include_str!("../../../examples/map.input.json")).unwrap();
    let mut a = start(machine(definition), input.clone());
    a.run_to_completion();
    let mut b = start(machine(definition), input.clone());
    b.run_to_completion();
    let c = compare((a.history(), a.status()), (b.history(), b.status()));
    assert_eq!(c.parted_at, None);
    assert!(c.only_left.is_empty() && c.only_right.is_empty());

    let v = visits(a.history(), a.status());
    let inner: Vec<&Vec<(String, usize)>> =
        v.iter().filter(|v| v.state == "Label line").map(|v| &v.iterations).collect();
    let n = input["lines"].as_array().map_or(0, Vec::len);
    assert_eq!(inner.len(), n);
    for (i, path) in inner.iter().enumerate() {
        assert_eq!(path.as_slice(), [("Label lines".to_string(), i)]);
    }
    let after = v.iter().find(|v| v.state == "Count lines").unwrap();
    assert!(after.iterations.is_empty(), "back at the top level after the Map");

    // A different item in the second run: the histories part at that iteration.
    let mut changed = input.clone();
    changed["lines"][1]["quantity"] = json!(99);
    let mut d = start(machine(definition), changed);
    d.run_to_completion();
    let c = compare((a.history(), a.status()), (d.history(), d.status()));
    let row = &c.rows[c.parted_at.expect("they part")];
    let left = &c.left[row.left.unwrap()];
    assert_eq!(c.parting_state(), Some("Label lines"));
    assert_eq!(left.iterations.len(), 0);
    assert!(row.differences.contains(&Difference::Input));
}

// ----- run recipes -----

#[test]
fn a_recipe_replays_a_stopped_and_redriven_run_event_for_event() {
    use asl::runner::{RecipeRedrive, RunRecipe};
    let slow_503 = tutorial_mock(json!({"Throw": {"Error": "ServerUnavailableException",
        "Cause": "503 Service Unavailable"}, "LatencySeconds": 5}));
    let ok = tutorial_mock(json!({"Return": "200 OK"}));
    let mut recipe = RunRecipe {
        definition: TUTORIAL.to_string(),
        input: json!({"statuscode": "503"}),
        mock_config: Some(slow_503.to_string()),
        test_case: Some("T".into()),
        seed: 7,
        start_time_ms: 1_704_067_200_000,
        execution_name: "first".into(),
        start_at: None,
        stop: None,
        redrives: Vec::new(),
    };
    // The original: stopped two seconds into Call API's wait, then redriven with a 200.
    let mut exec = recipe.start(machine(TUTORIAL)).unwrap();
    while exec.step() {
        if types(&exec).last() == Some(&"LambdaFunctionStarted") {
            break;
        }
    }
    exec.advance_to(exec.now_ms() + 2_000, 100);
    recipe.stop = Some(exec.recipe_stop());
    exec.stop(None, None);
    let at_ms = exec.now_ms() + 60_000;
    exec.redrive(RedriveRequest {
        at_ms: Some(at_ms),
        mocks: Some((mocks(ok.clone()), Some("T".into()))),
    })
    .unwrap();
    exec.run_to_completion();
    recipe.redrives.push(RecipeRedrive {
        at_ms,
        mocks: Some((Some(ok.to_string()), Some("T".into()))),
        stop: None,
    });

    let text = serde_json::to_string(&recipe).unwrap();
    let back: RunRecipe = serde_json::from_str(&text).unwrap();
    assert_eq!(back, recipe);
    let replayed = back.replay().unwrap();
    assert_eq!(replayed.status(), ExecutionStatus::Succeeded);
    assert_eq!(aws_json(&replayed), aws_json(&exec));
    let aborted = replayed.history().iter().find(|e| e.type_name() == "ExecutionAborted").unwrap();
    assert_eq!(aborted.timestamp_ms, recipe.stop.unwrap().at_ms);

    // A driver with its own configuration (the page keeps the data flow) re-creates the
    // attempts with `replay_attempts`: the same history.
    let config = ExecutionConfig {
        data_flow: Some(asl::runner::DataFlowLimits { max_visits: 100, max_bytes: 1 << 20 }),
        ..recipe.config().unwrap()
    };
    let mut driven = Execution::start(machine(TUTORIAL), config);
    driven.replay_attempts(recipe.stop, &recipe.redrives).unwrap();
    assert_eq!(aws_json(&driven), aws_json(&exec));
    assert!(driven.data_flow().is_some_and(|f| f.visits.iter().any(|v| v.state == "OK")));
}

#[test]
fn stop_as_recorded_re_creates_a_stopped_run_with_its_data_flow() {
    use asl::runner::DataFlowLimits;
    let slow = tutorial_mock(json!({"Return": "200 OK", "LatencySeconds": 5}));
    let config = || ExecutionConfig {
        input: json!({"statuscode": "200"}),
        mock_config: mocks(slow.clone()),
        test_case: Some("T".into()),
        seed: 3,
        data_flow: Some(DataFlowLimits { max_visits: 100, max_bytes: 1 << 20 }),
        ..Default::default()
    };
    // The original: stopped three seconds into Call API's latency.
    let mut original = Execution::start(machine(TUTORIAL), config());
    while original.step() {
        if types(&original).last() == Some(&"LambdaFunctionStarted") {
            break;
        }
    }
    original.advance_to(original.now_ms() + 3_000, 100);
    let stop = original.recipe_stop();
    original.stop(None, None);
    assert_eq!(original.status(), ExecutionStatus::Aborted);

    // Re-created by a driver that keeps the data flow (the page's Executions list).
    let mut again = Execution::start(machine(TUTORIAL), config());
    again.stop_as_recorded(stop);
    assert_eq!(aws_json(&again), aws_json(&original));
    assert_eq!(again.data_flow(), original.data_flow());
    assert_eq!(again.history().last().map(|e| e.timestamp_ms), Some(stop.at_ms));
}
