//! Browser tests of callbacks answered by hand (src/panels/callbacks.rs): a run waiting on a
//! `.waitForTaskToken` task shows the task token and "Send task success" / "Send task
//! failure" / "Send task heartbeat" in the waiting state's details, and goes on when answered.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn status() -> String {
    text_of("#execution-status .status-label")
}

/// A task waiting for its callback, with deadlines far beyond the test: on the Instant clock
/// the run must still wait for the user rather than jump to them.
const WAITING: &str = r#"{"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 3600, "HeartbeatSeconds": 600, "End": true}}}"#;

fn graph_node(state: &str) -> Option<Element> {
    query_all("svg.sw-graph g")
        .into_iter()
        .find(|g| g.get_attribute("data-state").as_deref() == Some(state))
}

async fn start_and_select(definition: &str, state: &str) {
    let view = editor_view().await;
    set_text(&view, definition);
    wait_for("the new graph", || graph_node(state)).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    click("#start");
    wait_for("the run to start", || (status() == "Running").then_some(())).await;
    let node = wait_for("the graph node", || graph_node(state)).await;
    click_element(&node);
    wait_for("the panel header", || (text_of(".state-details .sd-name") == state).then_some(()))
        .await;
}

fn type_into_textarea(selector: &str, text: &str) {
    let area = element::<HtmlTextAreaElement>(selector);
    area.set_value(text);
    dispatch(&area, "input");
}

fn history_rows() -> Vec<Element> {
    query_all("table.events tbody tr.event")
}

#[wasm_bindgen_test]
async fn a_wait_for_task_token_run_completes_after_send_task_success() {
    reset_browser_state();
    let (container, handle) = mount();
    start_and_select(WAITING, "Ask").await;

    // The waiting task's token and the three calls.
    let token = wait_for("the task token", || {
        let t = text_of(".state-details .callbacks .cb-token");
        (!t.is_empty()).then_some(t)
    })
    .await;
    assert!(token.starts_with("AQB"), "{token}");
    assert_eq!(text_of(".callbacks .cb-success"), "Send task success");
    assert_eq!(text_of(".callbacks .cb-failure"), "Send task failure");
    assert_eq!(text_of(".callbacks .cb-heartbeat"), "Send task heartbeat");
    assert_eq!(text_of(".callbacks dd[data-field='timeout']"), "+3600 s");
    assert_eq!(status(), "Running", "Instant does not jump to the task's deadlines");

    // A heartbeat is accepted (and records no event).
    click(".callbacks .cb-heartbeat");
    wait_for("the heartbeat's answer", || {
        (text_of(".callbacks .cb-result") == "SendTaskHeartbeat sent.").then_some(())
    })
    .await;
    // Output that is not JSON is refused as AWS refuses it; the task keeps waiting.
    type_into_textarea(".callbacks .cb-output", "{not json");
    click(".callbacks .cb-success");
    let refused = wait_for("the refusal", || {
        query(".callbacks .cb-result.refused").and_then(|e| e.text_content())
    })
    .await;
    assert!(refused.starts_with("SendTaskSuccess refused: InvalidOutput:"), "{refused}");
    assert_eq!(status(), "Running");
    assert!(!event_types().iter().any(|t| t == "TaskSucceeded"));

    type_into_textarea(".callbacks .cb-output", r#"{"approved": true}"#);
    click(".callbacks .cb-success");
    wait_up_to("status Succeeded", 10, || (status() == "Succeeded").then_some(())).await;
    assert!(query(".state-details .callbacks").is_none(), "nothing waits any more");

    let types = event_types();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    // The TaskSucceeded event carries the output sent, as AWS records it.
    let rows = history_rows();
    let succeeded = rows
        .iter()
        .find(|r| r.text_content().is_some_and(|t| t.contains("TaskSucceeded")))
        .expect("a TaskSucceeded row");
    click_element(succeeded);
    let details = wait_for("the event's details", || {
        query("table.events tr.details .json-view").and_then(|e| e.text_content())
    })
    .await;
    assert!(details.contains(r#""output": "{\"approved\":true}""#), "{details}");
    assert!(details.contains(r#""resourceType": "sqs""#), "{details}");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn send_task_failure_fails_the_task_with_its_error_and_cause() {
    reset_browser_state();
    let (container, handle) = mount();
    start_and_select(WAITING, "Ask").await;
    wait_for("the controls", || query(".callbacks .cb-failure")).await;
    let error = element::<HtmlInputElement>(".callbacks .cb-error");
    error.set_value("Rejected");
    dispatch(&error, "input");
    type_into_textarea(".callbacks .cb-cause", "over budget");
    click(".callbacks .cb-failure");
    wait_up_to("status Failed", 10, || (status() == "Failed").then_some(())).await;
    assert_eq!(event_types().get(5).map(String::as_str), Some("TaskFailed"));
    assert!(text_of(".status-area").contains("Rejected"), "{}", text_of(".status-area"));
    drop(handle);
    container.remove();
}

/// In Real time a task whose heartbeat does not come times out as on AWS.
#[wasm_bindgen_test]
async fn in_real_time_a_missed_heartbeat_times_the_task_out() {
    reset_browser_state();
    let (container, handle) = mount();
    let real_time = query_all(".clock .seg")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Real time"))
        .expect("the Real time clock");
    click_element(&real_time);
    let definition = WAITING.replace("\"HeartbeatSeconds\": 600", "\"HeartbeatSeconds\": 1");
    start_and_select(&definition, "Ask").await;
    wait_up_to("status Failed", 30, || (status() == "Failed").then_some(())).await;
    let types = event_types();
    assert_eq!(types.get(5).map(String::as_str), Some("TaskTimedOut"), "{types:?}");
    assert!(text_of(".status-area").contains("States.HeartbeatTimeout"));
    drop(handle);
    container.remove();
}
