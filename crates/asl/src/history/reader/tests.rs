//! The reader's tests: histories of the tutorial and of a machine that assigns variables in
//! a loop, a Map and a Parallel state.

use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::{Execution, ExecutionConfig, StateMachine};

const TUTORIAL: &str = include_str!("../../../../../examples/tutorial.asl.json");

/// A finished execution: its history, status and output.
struct Run {
    events: Vec<HistoryEvent>,
    status: ExecutionStatus,
    output: Option<Value>,
}

fn start(definition: &str, input: &Value) -> Run {
    let machine = match StateMachine::from_text(definition) {
        Ok(machine) => machine,
        Err(diagnostics) => panic!("invalid definition: {diagnostics:?}"),
    };
    let start_time_ms = ExecutionConfig::default().start_time_ms;
    let config = ExecutionConfig {
        input: input.clone(),
        start_time_ms,
        seed: start_time_ms as u64,
        ..ExecutionConfig::default()
    };
    let mut execution = Execution::start(Arc::new(machine), config);
    execution.run_to_completion();
    Run {
        events: execution.history().to_vec(),
        status: execution.status(),
        output: execution.describe().output,
    }
}

fn run(code: &str) -> Run {
    start(TUTORIAL, &json!({ "statuscode": code }))
}

fn status_of(view: &Run, state: &str) -> Option<StateStatus> {
    statuses(&view.events, view.status).get(state).copied()
}

#[test]
fn succeeded_run_colours_the_path_it_took() {
    let view = run("200");
    assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
    assert_eq!(status_of(&view, "OK"), Some(StateStatus::Succeeded));
    assert_eq!(status_of(&view, "Wait and Try Later"), None);
}

#[test]
fn caught_error_then_fail_state() {
    let view = run("503");
    assert_eq!(status_of(&view, "Call API"), Some(StateStatus::CaughtError));
    assert_eq!(status_of(&view, "Server Unavailable"), Some(StateStatus::Failed));
}

#[test]
fn a_retried_and_caught_task_that_later_succeeds_shows_its_latest_run() {
    let view = run("429");
    // Call API ran twice: caught (after retries), then succeeded.
    assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
    assert_eq!(status_of(&view, "Wait and Try Later"), Some(StateStatus::Succeeded));
}

#[test]
fn an_uncaught_failure_marks_the_state_failed() {
    let definition = r#"{"StartAt":"T","States":{"T":{"Type":"Task",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction","End":true}}}"#;
    let view = start(definition, &json!({ "statuscode": "503" }));
    assert_eq!(view.status, ExecutionStatus::Failed);
    assert_eq!(status_of(&view, "T"), Some(StateStatus::Failed));
}

#[test]
fn failure_events_exclude_execution_and_iteration_events() {
    let task_failed = |family, timed_out| Event::TaskFailed {
        family,
        resource: "arn:aws:lambda:f".into(),
        error: "E".into(),
        cause: String::new(),
        timed_out,
    };
    // LambdaFunctionFailed, TaskTimedOut.
    assert!(is_failure(&task_failed(TaskFamily::Lambda, false)));
    assert!(is_failure(&task_failed(TaskFamily::Service, true)));
    assert!(!is_failure(&Event::ExecutionFailed(crate::history::ErrorCause::default())));
    assert!(!is_failure(&Event::MapIterationFailed { index: 0, name: "M".into() }));
}

fn detail(view: &Run, state: &str) -> StateDetail {
    state_detail(&view.events, view.status, state)
}

fn vars(pairs: &[(&str, Value)]) -> Variables {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[test]
fn details_of_a_succeeded_task() {
    let view = run("200");
    let d = detail(&view, "Call API");
    assert_eq!(d.status, Some(StateStatus::Succeeded));
    assert_eq!(d.times_entered(), 1);
    let Some(r) = d.latest() else { panic!("Call API ran") };
    assert_eq!(r.state_type, "Task");
    assert_eq!(r.input, Some(json!({ "statuscode": "200" })));
    assert_eq!(r.output, Some(json!("200 OK")));
    assert_eq!(
        r.resource.as_deref(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction")
    );
    assert_eq!((r.attempts, r.retry_count()), (1, 0));
    assert_eq!((r.error.as_deref(), r.cause.as_deref()), (None, None));
    assert!(r.variables_before.is_empty());
    assert_eq!(r.variables_after, Some(Variables::new()));
}

#[test]
fn details_of_a_retried_caught_then_succeeding_task() {
    let view = run("429");
    let d = detail(&view, "Call API");
    assert_eq!(d.times_entered(), 2);
    let [caught, latest] = d.runs.as_slice() else { panic!("two runs: {:?}", d.runs) };
    // MaxAttempts 2: the first try and two retries, all failing; then caught.
    assert_eq!((caught.attempts, caught.retry_count()), (3, 2));
    assert_eq!(caught.status, Some(StateStatus::CaughtError));
    assert_eq!(latest.status, Some(StateStatus::Succeeded));
    assert_eq!(caught.error.as_deref(), Some("TooManyRequestsException"));
    let cause = caught.cause.clone().unwrap_or_default();
    assert!(cause.starts_with("{\"errorMessage\":\"429 Too Many Requests\""), "{cause}");
    assert!(cause.contains("raise TooManyRequestsException('429 Too Many Requests')"), "{cause}");
    let output = caught.output.clone().unwrap_or_default();
    assert_eq!(output["Error"], json!("TooManyRequestsException"));
    assert_eq!(output["Cause"], json!(cause));
    // The run after "Change to 200" succeeds first time.
    assert_eq!(latest.input, Some(json!({ "statuscode": "200" })));
    assert_eq!(latest.output, Some(json!("200 OK")));
    assert_eq!((latest.retry_count(), latest.error.as_deref()), (0, None));
    assert!(latest.entered_id > caught.entered_id);
}

#[test]
fn details_of_a_caught_server_error_and_the_fail_state() {
    let view = run("503");
    let d = detail(&view, "Call API");
    assert_eq!(d.status, Some(StateStatus::CaughtError));
    let Some(r) = d.latest() else { panic!("Call API ran") };
    assert_eq!(r.error.as_deref(), Some("ServerUnavailableException"));
    assert_eq!(r.retry_count(), 0);
    let fail = detail(&view, "Server Unavailable");
    assert_eq!(fail.status, Some(StateStatus::Failed));
    let Some(f) = fail.latest() else { panic!("the Fail state ran") };
    assert_eq!(f.state_type, "Fail");
    assert_eq!(f.error.as_deref(), Some("ServerUnavailable"));
    assert_eq!(f.cause.as_deref(), Some("The server is currently unable to handle the request."));
    assert_eq!(f.output, None);
    assert_eq!(f.variables_after, None);
}

#[test]
fn a_state_that_never_ran() {
    let view = run("200");
    let d = detail(&view, "Wait and Try Later");
    assert_eq!(d.status, None);
    assert!(d.runs.is_empty());
}

const ASSIGNING: &str = r#"{"QueryLanguage":"JSONata","StartAt":"Init","States":{
    "Init":{"Type":"Pass","Assign":{"count":0,"who":"{% $states.input.who %}"},"Next":"Loop"},
    "Loop":{"Type":"Pass","Assign":{"count":"{% $count + 1 %}"},"Output":"{% $count %}",
        "Next":"Check"},
    "Check":{"Type":"Choice","Choices":[{"Condition":"{% $count < 3 %}","Next":"Loop"}],
        "Default":"Each"},
    "Each":{"Type":"Map","Items":"{% [1,2] %}","ItemProcessor":{
        "ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Inner","States":{
        "Inner":{"Type":"Pass","Assign":{"local":"{% $states.input * 10 %}"},"End":true}}},
        "Assign":{"done":true},"Next":"Par"},
    "Par":{"Type":"Parallel","Branches":[
        {"StartAt":"B1","States":{"B1":{"Type":"Pass","Assign":{"b":1},"Next":"B1b"},
            "B1b":{"Type":"Pass","End":true}}},
        {"StartAt":"B2","States":{"B2":{"Type":"Pass","End":true}}}],"Next":"Done"},
    "Done":{"Type":"Succeed","Output":"{% {'count': $count, 'who': $who} %}"}}}"#;

fn assigning_run() -> Run {
    start(ASSIGNING, &json!({ "who": "ann" }))
}

#[test]
fn variables_before_and_after_each_state() {
    let view = assigning_run();
    assert_eq!(view.status, ExecutionStatus::Succeeded);
    assert_eq!(view.output, Some(json!({ "count": 3, "who": "ann" })));

    let init = detail(&view, "Init");
    let Some(i) = init.latest() else { panic!("Init ran") };
    assert_eq!(i.variables_before, Variables::new());
    assert_eq!(i.assigned, vars(&[("count", json!(0)), ("who", json!("ann"))]));
    assert_eq!(i.variables_after, Some(vars(&[("count", json!(0)), ("who", json!("ann"))])));

    // A loop: three runs, each seeing the count the previous one left.
    let looped = detail(&view, "Loop");
    assert_eq!(looped.times_entered(), 3);
    let counts: Vec<(Value, Option<Value>)> = looped
        .runs
        .iter()
        .map(|r| {
            (
                r.variables_before["count"].clone(),
                r.variables_after.as_ref().map(|v| v["count"].clone()),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![(json!(0), Some(json!(1))), (json!(1), Some(json!(2))), (json!(2), Some(json!(3)))]
    );
    assert_eq!(looped.latest().and_then(|r| r.output.clone()), Some(json!(2)));
}

#[test]
fn map_iterations_and_parallel_branches_have_local_scopes() {
    let view = assigning_run();
    let outer = vars(&[("count", json!(3)), ("who", json!("ann"))]);

    // Each iteration sees the outer variables and its own assignment only.
    let inner = detail(&view, "Inner");
    assert_eq!(inner.times_entered(), 2);
    let afters: Vec<Option<Variables>> =
        inner.runs.iter().map(|r| r.variables_after.clone()).collect();
    let mut first = outer.clone();
    first.insert("local".into(), json!(10));
    let mut second = outer.clone();
    second.insert("local".into(), json!(20));
    assert_eq!(afters, vec![Some(first), Some(second)]);
    assert!(inner.runs.iter().all(|r| r.variables_before == outer));

    // The iteration's variables stay inside it; the Map's own Assign is outside.
    let each = detail(&view, "Each");
    let Some(e) = each.latest() else { panic!("Each ran") };
    assert_eq!(e.variables_before, outer);
    let mut after_map = outer.clone();
    after_map.insert("done".into(), json!(true));
    assert_eq!(e.variables_after, Some(after_map.clone()));
    assert_eq!(e.attempts, 1);

    // A branch's assignment is seen later in that branch, not in the other one.
    let b1b = detail(&view, "B1b");
    let mut in_b1 = after_map.clone();
    in_b1.insert("b".into(), json!(1));
    assert_eq!(b1b.latest().map(|r| r.variables_before.clone()), Some(in_b1));
    let b2 = detail(&view, "B2");
    assert_eq!(b2.latest().map(|r| r.variables_before.clone()), Some(after_map.clone()));
    let done = detail(&view, "Done");
    assert_eq!(done.latest().map(|r| r.variables_before.clone()), Some(after_map));
}

#[test]
fn a_partial_history_shows_the_run_so_far() {
    let view = run("429");
    let partial: Vec<HistoryEvent> = view.events.iter().filter(|e| e.id <= 8).cloned().collect();
    let d = state_detail(&partial, ExecutionStatus::Running, "Call API");
    assert_eq!(d.status, Some(StateStatus::InProgress));
    let Some(r) = d.latest() else { panic!("Call API is running") };
    assert_eq!((r.attempts, r.output.clone(), r.variables_after.clone()), (2, None, None));
    assert_eq!(r.error.as_deref(), Some("TooManyRequestsException"));
}
