//! Browser tests of the debugger (issue 11 point 1): a breakpoint from the graph's
//! "Breakpoint" toggle or the editor's gutter, "Paused at <state>", the paused state's data,
//! "Step", "Continue", "Pause" of a paced run, and breakpoints kept across reloads.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::breakpoint_lines;
use wasm_bindgen_test::*;
use web_sys::HtmlButtonElement;

wasm_bindgen_test_configure!(run_in_browser);

async fn status_becomes(want: &str, seconds: u32) {
    wait_up_to(&format!("status {want}"), seconds, || {
        (text_of("#execution-status .status-label") == want).then_some(())
    })
    .await;
}

fn node_class(state: &str) -> String {
    query(&format!("g[data-state='{state}']"))
        .and_then(|g| g.get_attribute("class"))
        .unwrap_or_default()
}

/// The 1-based line of the tutorial's text where `"<state>": {` is written.
fn line_of(state: &str) -> u32 {
    let text = stepwise::app::TUTORIAL;
    let at = text.lines().position(|l| l.contains(&format!("\"{state}\": {{"))).unwrap_or(0);
    at as u32 + 1
}

#[wasm_bindgen_test]
async fn a_breakpoint_pauses_the_429_run_step_moves_on_and_continue_finishes() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    wait_for("the graph", || query("g[data-breakpoint='Wait and Try Later']")).await;
    click_svg("g[data-breakpoint='Wait and Try Later']");
    sleep(30).await;
    assert!(node_class("Wait and Try Later").contains("breakpoint"));
    assert_eq!(text_of("#breakpoint-summary"), "Breakpoints: Wait and Try Later");
    assert_eq!(breakpoint_lines(&view), vec![line_of("Wait and Try Later")], "the gutter marks it");

    click("button[data-sample='429']");
    sleep(20).await;
    click("#start");
    status_becomes("Paused at Wait and Try Later", 10).await;
    assert!(node_class("Wait and Try Later").contains("paused"));
    // The Catch passes the error on: that is the input the Wait state is about to receive.
    assert!(text_of("#paused-input").contains("TooManyRequestsException"));
    assert!(text_of("#paused-context").contains("\"Name\": \"Wait and Try Later\""));
    assert_eq!(text_of("#paused-variables"), "{}");
    // The history shows the events so far: Call API has left, the Wait is not entered.
    assert_eq!(event_types().last().map(String::as_str), Some("TaskStateExited"));
    // Graph colours while paused: Call API caught its error, the Wait has not run.
    assert!(node_class("Call API").contains("caught-error"), "{}", node_class("Call API"));
    assert!(node_class("Wait and Try Later").contains("not-run"));
    let pause: HtmlButtonElement = element("#debug-pause");
    assert!(pause.disabled(), "already paused");

    click("#debug-step");
    status_becomes("Paused at Change to 200", 5).await;
    assert_eq!(event_types().last().map(String::as_str), Some("WaitStateExited"));
    assert!(node_class("Wait and Try Later").contains("succeeded"));
    assert!(node_class("Change to 200").contains("paused"));

    click("#debug-continue");
    status_becomes("Succeeded", 5).await;
    assert!(query(".paused-state").is_none(), "the paused panel goes away");
    assert!(!node_class("Change to 200").contains("paused"));
    assert_eq!(event_types().last().map(String::as_str), Some("ExecutionSucceeded"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_editor_gutter_sets_a_breakpoint_on_the_state_defined_on_that_line() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    let line = line_of("Call API");
    // The gutter element beside line `line`: level with its line number.
    let number = wait_for("line numbers", || {
        query_all(".cm-lineNumbers .cm-gutterElement")
            .into_iter()
            .find(|e| e.text_content().as_deref() == Some(line.to_string().as_str()))
    })
    .await;
    let rect = number.get_bounding_client_rect();
    let gutter = element::<web_sys::Element>(".cm-breakpoint-gutter");
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x(gutter.get_bounding_client_rect().left() as i32 + 3);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    let target = query_all(".cm-breakpoint-gutter .cm-gutterElement")
        .into_iter()
        .find(|e| (e.get_bounding_client_rect().top() - rect.top()).abs() < 1.0)
        .unwrap_or(gutter);
    let down = web_sys::MouseEvent::new_with_mouse_event_init_dict("mousedown", &init).unwrap();
    target.dispatch_event(&down).unwrap();
    sleep(30).await;
    assert_eq!(text_of("#breakpoint-summary"), "Breakpoints: Call API");
    assert!(node_class("Call API").contains("breakpoint"));
    assert_eq!(breakpoint_lines(&view), vec![line]);
    // The graph's toggle clears it again, and the gutter follows.
    click_svg("g[data-breakpoint='Call API']");
    sleep(30).await;
    assert!(breakpoint_lines(&view).is_empty());
    assert!(!node_class("Call API").contains("breakpoint"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn pause_stops_a_real_time_run_and_its_clock() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("button[data-sample='429']");
    click(".clock button:nth-child(2)"); // Real time
    sleep(20).await;
    click("#start");
    sleep(300).await;
    click("#debug-pause");
    let label = wait_up_to("a pause", 3, || {
        let l = text_of("#execution-status .status-label");
        l.starts_with("Paused at ").then_some(l)
    })
    .await;
    assert_eq!(label, "Paused at Call API", "paused inside Call API's retry interval");
    let events = event_types().len();
    // Paused for longer than the remaining retries and the Wait: nothing happens meanwhile.
    sleep(1500).await;
    assert_eq!(event_types().len(), events);
    assert_eq!(text_of("#execution-status .status-label"), "Paused at Call API");
    // The page stays usable while paused, and the graph keeps the colours of the run so far.
    click_svg("g[data-state='Call API']");
    sleep(30).await;
    assert!(node_class("Call API").contains("selected"), "{}", node_class("Call API"));
    assert!(node_class("Call API").contains("paused"), "{}", node_class("Call API"));
    assert!(node_class("Call API").contains("in-progress"), "{}", node_class("Call API"));
    assert!(node_class("OK").contains("not-run"), "{}", node_class("OK"));
    // The rest runs on ×10 once continued.
    click(".clock button:nth-child(3)");
    sleep(20).await;
    click("#debug-continue");
    status_becomes("Succeeded", 10).await;
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn breakpoints_are_kept_across_reloads_and_stop_still_aborts_a_paused_run() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    wait_for("the graph", || query("g[data-breakpoint='OK']")).await;
    click_svg("g[data-breakpoint='OK']");
    sleep(30).await;
    drop(handle);
    container.remove();

    let (container, handle) = mount();
    editor_view().await;
    wait_for("the graph", || query("g[data-state='OK']")).await;
    sleep(30).await;
    assert_eq!(text_of("#breakpoint-summary"), "Breakpoints: OK");
    assert!(node_class("OK").contains("breakpoint"));
    click("button[data-sample='200']");
    sleep(20).await;
    click("#start");
    status_becomes("Paused at OK", 10).await;
    click("#stop");
    status_becomes("Aborted", 3).await;
    assert_eq!(event_types().last().map(String::as_str), Some("ExecutionAborted"));
    assert!(!event_types().iter().any(|t| t == "PassStateAborted"), "OK was never entered");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn redrive_of_a_failed_run_reruns_its_fail_state() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    let redrive: HtmlButtonElement = element("#redrive");
    assert!(redrive.disabled(), "nothing to redrive yet");
    click("button[data-sample='503']");
    sleep(20).await;
    click("#start");
    status_becomes("Failed", 10).await;
    wait_for("Redrive", || (!element::<HtmlButtonElement>("#redrive").disabled()).then_some(()))
        .await;
    click("#redrive");
    wait_for("the redriven history", || {
        event_types().iter().any(|t| t == "ExecutionRedriven").then_some(())
    })
    .await;
    status_becomes("Failed", 5).await;
    let types = event_types();
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap_or(0);
    assert_eq!(types[at..], ["ExecutionRedriven", "FailStateEntered", "ExecutionFailed"]);
    assert!(text_of("#execution-status .err").contains("ServerUnavailable"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn a_stopped_503_run_redriven_after_the_mock_answers_200_succeeds() {
    reset_browser_state();
    use stepwise::persist::storage;
    let slow_503 = r#"{"Throw": {"Error": "ServerUnavailableException", "Cause": "503"}, "LatencySeconds": 30}"#;
    storage::save(storage::KEY_MOCKS, &tutorial_mocks(slow_503));
    storage::save(storage::KEY_TEST_CASE, "T");
    let (container, handle) = mount();
    editor_view().await;
    click("button[data-sample='503']");
    click(".clock button:nth-child(2)"); // Real time: Call API waits 30 s for its answer
    sleep(20).await;
    click("#start");
    wait_for("Call API waiting", || {
        event_types().iter().any(|t| t == "LambdaFunctionStarted").then_some(())
    })
    .await;
    click("#stop");
    status_becomes("Aborted", 3).await;

    let mocks: web_sys::HtmlTextAreaElement = element("#mock-config");
    mocks.set_value(&tutorial_mocks(r#"{"Return": "200 OK"}"#));
    mocks.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("dispatch");
    sleep(50).await;
    click("#redrive");
    status_becomes("Succeeded", 5).await;
    let types = event_types();
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap_or(0);
    assert_eq!(
        types[at..],
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
    assert!(node_class("OK").contains("succeeded"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn pause_stops_a_times_ten_run_inside_a_wait() {
    reset_browser_state();
    use stepwise::persist::storage;
    let definition = r#"{"StartAt": "Long wait", "States": {
  "Long wait": {"Type": "Wait", "Seconds": 600, "Next": "After"},
  "After": {"Type": "Pass", "End": true}}}"#;
    storage::save(storage::KEY_DEFINITION, definition);
    let (container, handle) = mount();
    editor_view().await;
    click(".clock button:nth-child(3)"); // ×10: the Wait takes a minute on screen
    sleep(20).await;
    click("#start");
    wait_for("the Wait entered", || {
        event_types().iter().any(|t| t == "WaitStateEntered").then_some(())
    })
    .await;
    click("#debug-pause");
    status_becomes("Paused at Long wait", 3).await;
    // Paused inside the Wait: the panel says what the state received, not what it will.
    assert!(text_of(".paused-state").contains("Input it received"));
    let events = event_types();
    sleep(500).await;
    assert_eq!(event_types(), events, "nothing happens while paused");
    click("#stop");
    status_becomes("Aborted", 3).await;
    assert_eq!(
        event_types().last().map(String::as_str),
        Some("ExecutionAborted"),
        "Stop still aborts a paused run"
    );
    drop(handle);
    container.remove();
}
