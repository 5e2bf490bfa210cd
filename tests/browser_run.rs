//! Browser tests of executions: the tutorial's runs end as AWS's do, paced clocks take wall
//! time, Stop aborts, and a runaway definition leaves the page responsive.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The status label once it is `want` (waits up to `seconds`).
async fn status_becomes(want: &str, seconds: u32) {
    wait_up_to(&format!("status {want}"), seconds, || {
        (text_of("#execution-status .status-label") == want).then_some(())
    })
    .await;
}

/// Mounts the app, runs the tutorial with the given sample input and waits for `status`.
async fn run_tutorial(sample: &str, status: &str) -> (HtmlElement, impl Drop) {
    reset_browser_state();
    let mounted = mount();
    editor_view().await;
    click(&format!("button[data-sample='{sample}']"));
    sleep(20).await;
    click("#start");
    status_becomes(status, 10).await;
    mounted
}

#[wasm_bindgen_test]
async fn tutorial_200_succeeds_with_the_functions_answer() {
    let (container, handle) = run_tutorial("200", "Succeeded").await;
    click(".io [role=tab]:nth-child(2)");
    sleep(20).await;
    assert_eq!(text_of(".io .json-view"), "\"The request has succeeded.\"");
    assert_eq!(event_types().first().map(String::as_str), Some("ExecutionStarted"));
    assert_eq!(event_types().last().map(String::as_str), Some("ExecutionSucceeded"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn tutorial_503_fails_with_the_eight_events_of_the_tutorial() {
    let (container, handle) = run_tutorial("503", "Failed").await;
    assert!(text_of("#execution-status .err").contains("ServerUnavailable"));
    assert!(text_of("#execution-status .cause")
        .contains("The server is currently unable to handle the request."));
    assert_eq!(
        event_types(),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "TaskStateExited",
            "FailStateEntered",
            "ExecutionFailed",
        ]
    );
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn tutorial_429_retries_is_caught_waits_and_succeeds() {
    let (container, handle) = run_tutorial("429", "Succeeded").await;
    let types = event_types();
    let count = |t: &str| types.iter().filter(|x| *x == t).count();
    assert_eq!(count("LambdaFunctionFailed"), 3, "{types:?}");
    assert_eq!(count("WaitStateEntered"), 1);
    assert_eq!(count("LambdaFunctionSucceeded"), 1);
    // The retries (1 s, 2 s) and the Wait (1 s) are in the virtual timestamps.
    let elapsed: Vec<i64> = query_all("table.events tbody tr.event td:nth-child(5)")
        .iter()
        .filter_map(|c| c.text_content()?.trim().parse().ok())
        .collect();
    assert_eq!(elapsed.last().copied(), Some(4000), "{elapsed:?}");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn real_time_takes_wall_time_and_stop_aborts() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("button[data-sample='429']");
    click(".clock button:nth-child(2)"); // Real time
    sleep(20).await;
    click("#start");
    // The first retry interval is a real second: the run is still going after 300 ms.
    sleep(300).await;
    assert_eq!(text_of("#execution-status .status-label"), "Running");
    let stop: HtmlButtonElement = element("#stop");
    assert!(!stop.disabled(), "Stop is available while running");
    stop.click();
    status_becomes("Aborted", 2).await;
    let types = event_types();
    assert_eq!(types.last().map(String::as_str), Some("ExecutionAborted"), "{types:?}");
    assert!(types.iter().any(|t| t == "TaskStateAborted"), "{types:?}");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn times_ten_finishes_a_four_second_run_in_under_four_seconds() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("button[data-sample='429']");
    click(".clock button:nth-child(3)"); // ×10
    sleep(20).await;
    click("#start");
    sleep(100).await;
    assert_eq!(text_of("#execution-status .status-label"), "Running");
    // 4 virtual seconds at ×10 take about 0.4 s.
    status_becomes("Succeeded", 4).await;
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn an_infinite_loop_keeps_the_page_responsive_until_stopped() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(
        &view,
        r#"{"StartAt": "Spin", "States": {
            "Spin": {"Type": "Pass", "Result": {"go": true}, "Next": "Again"},
            "Again": {"Type": "Choice", "Default": "Done",
                "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Spin"}]},
            "Done": {"Type": "Succeed"}}}"#,
    );
    wait_for("the new graph", || query("svg.sw-graph [data-state='Spin']")).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    click("#start");
    // Timers still fire while it runs: the page is not frozen.
    let before = js_sys::Date::now();
    sleep(50).await;
    let waited = js_sys::Date::now() - before;
    assert!(waited < 1000.0, "a 50 ms timer took {waited} ms");
    // Either Stop ends it, or the 25,000-event quota already did.
    if text_of("#execution-status .status-label") == "Running" {
        click("#stop");
    }
    for _ in 0..200 {
        let label = text_of("#execution-status .status-label");
        if label == "Aborted" || label == "Failed" {
            break;
        }
        sleep(50).await;
    }
    let label = text_of("#execution-status .status-label");
    let rows = query_all("table.events tbody tr.event").len();
    let more = text_of(".more-rows span");
    assert!(label == "Aborted" || label == "Failed", "status {label}, {rows} rows, {more}");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn a_finished_loop_lists_its_history_projection_under_problems() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(
        &view,
        r#"{"StartAt": "Init", "States": {
  "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Poll"},
  "Poll": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Done?"},
  "Done?": {"Type": "Choice", "Default": "Poll",
    "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 5, "Next": "End"}]},
  "End": {"Type": "Succeed"}}}"#,
    );
    wait_for("the new graph", || query("svg.sw-graph [data-state='Poll']")).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    click("#start");
    status_becomes("Succeeded", 10).await;
    wait_for("the run's warning", || query(".problem.warning")).await;
    assert_eq!(text_of(".problem.warning .code"), "QUOTA_GUARDRAIL");
    assert_eq!(text_of(".problem.warning .pos"), "3:3");
    assert!(
        text_of(".problem.warning .msg").starts_with(
            "State 'Poll' loops: entered 5 times in this run, about 4 history events per iteration"
        ),
        "{}",
        text_of(".problem.warning .msg")
    );
    drop(handle);
    container.remove();
}
