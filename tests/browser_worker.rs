//! Browser tests of the engine worker (docs/decisions/0008): whatever the definition does, the
//! page stays responsive and Stop works, even inside one evaluation that does not return.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::{get_text, set_text};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn status() -> String {
    text_of("#execution-status .status-label")
}

/// How long a 50 ms timer takes on the page right now (a frozen page makes it long).
async fn timer_lag_ms() -> f64 {
    let before = js_sys::Date::now();
    sleep(50).await;
    js_sys::Date::now() - before
}

/// A JSONata state whose expression recurses forever (the issue's probe). The evaluation
/// budget (docs/decisions/0009) ends it after 4,000,000 steps, which takes far longer than this
/// test waits in a debug wasm build (under a second natively in release), so Stop always comes
/// while that one evaluation is still running.
const BUSY: &str = r#"{"QueryLanguage": "JSONata", "StartAt": "Busy", "States": {
    "Busy": {"Type": "Pass", "Output": "{% ($f := function($n) { $f($n + 1) }; $f(0)) %}",
        "End": true}}}"#;

#[wasm_bindgen_test]
async fn stop_answers_within_a_second_inside_an_evaluation_that_does_not_return() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(&view, BUSY);
    wait_for("the new graph", || query("svg.sw-graph [data-state='Busy']")).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    click("#start");
    wait_for("the run to start", || (status() == "Running").then_some(())).await;
    // Well inside the first evaluation now.
    sleep(600).await;
    assert_eq!(status(), "Running");
    let lag = timer_lag_ms().await;
    assert!(lag < 1000.0, "the page is frozen: a 50 ms timer took {lag} ms");
    let pressed = js_sys::Date::now();
    click("#stop");
    wait_up_to("status Aborted", 5, || (status() == "Aborted").then_some(())).await;
    let answered = js_sys::Date::now() - pressed;
    assert!(answered < 1000.0, "Stop took {answered} ms");
    let types = event_types();
    let notice = text_of(".status-area");
    assert_eq!(types.first().map(String::as_str), Some("ExecutionStarted"), "{types:?} {notice}");
    assert_eq!(types.last().map(String::as_str), Some("ExecutionAborted"), "{types:?}");
    assert_eq!(get_text(&view), BUSY, "the editor still holds the definition");
    // The next run starts a fresh worker and runs normally.
    set_text(&view, r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#);
    wait_for("the new graph", || query("svg.sw-graph [data-state='P']")).await;
    click("#start");
    wait_up_to("status Succeeded", 10, || (status() == "Succeeded").then_some(())).await;
    drop(handle);
    container.remove();
}

/// A Distributed Map whose item processor loops forever: the run ends as Failed with its cause
/// shown (the engine's quotas end it), and the page never freezes meanwhile.
#[wasm_bindgen_test]
async fn a_distributed_map_looping_forever_fails_with_a_cause() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(
        &view,
        r#"{"StartAt": "Items", "States": {
            "Items": {"Type": "Pass", "Result": [1, 2], "Next": "Fan"},
            "Fan": {"Type": "Map", "End": true,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Spin", "States": {
                        "Spin": {"Type": "Pass", "Result": {"go": true}, "Next": "Again"},
                        "Again": {"Type": "Choice", "Default": "Out",
                            "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Spin"}]},
                        "Out": {"Type": "Succeed"}}}}}}"#,
    );
    wait_for("the new graph", || query("svg.sw-graph [data-state='Fan']")).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    click("#start");
    wait_for("the run to start", || (!status().is_empty()).then_some(())).await;
    for _ in 0..180 {
        if status() != "Running" {
            break;
        }
        let lag = timer_lag_ms().await;
        assert!(lag < 1000.0, "the page is frozen: a 50 ms timer took {lag} ms");
        sleep(200).await;
    }
    assert_eq!(status(), "Failed", "{:?} {}", event_types(), text_of(".status-area"));
    let cause = text_of("#execution-status .cause");
    assert!(
        cause.contains("maximum number of history events (25000)"),
        "the cause names the child execution's quota: {cause}"
    );
    drop(handle);
    container.remove();
}
