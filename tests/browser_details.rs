//! Browser tests of the selected state's Input / Output / Details panel: run by
//! `cargo xtask browser-test` with wasm-bindgen-test-runner in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The graph node of a state: `[data-state]` when the graph sets it, else the `<g>` whose
/// text is the state's name.
fn graph_node(state: &str) -> Option<Element> {
    query_all("svg.sw-graph g").into_iter().find(|g| {
        g.get_attribute("data-state").as_deref() == Some(state)
            || (g.get_attribute("data-state").is_none()
                && g.text_content().is_some_and(|t| t.trim().starts_with(state)))
    })
}

async fn run_tutorial(code: &str, expected_status: &str) {
    click(&format!("button[data-sample='{code}']"));
    sleep(20).await;
    click("#start");
    wait_for("the execution to finish", || {
        let status = text_of("#execution-status .status-label");
        (status == expected_status).then_some(())
    })
    .await;
}

async fn select_state(state: &str) {
    let node = wait_for("the graph node", || graph_node(state)).await;
    click_element(&node);
    wait_for("the panel header", || (text_of(".state-details .sd-name") == state).then_some(()))
        .await;
}

fn details_field(key: &str) -> String {
    text_of(&format!(".state-details dd[data-field='{key}']"))
}

#[wasm_bindgen_test]
async fn a_selected_state_shows_its_input_output_and_details() {
    reset_browser_state();
    let (container, handle) = mount();
    wait_for("the graph", || query("svg.sw-graph")).await;
    assert_eq!(
        text_of(".state-details .sd-hint"),
        "Select a state in the graph to see its input and output."
    );

    run_tutorial("200", "Succeeded").await;
    select_state("Call API").await;
    assert_eq!(text_of(".state-details .state-badge"), "Succeeded");
    assert!(query(".state-details .state-badge.succeeded").is_some());

    // Input tab first.
    let input = wait_for("the input", || {
        query(".state-details .sd-body[data-tab='input'] .json-view").and_then(|e| e.text_content())
    })
    .await;
    assert_eq!(input, "{\n  \"statuscode\": \"200\"\n}");

    click(".state-details button[data-tab='output']");
    let output = wait_for("the output", || {
        query(".state-details .sd-body[data-tab='output'] .json-view")
            .and_then(|e| e.text_content())
    })
    .await;
    assert_eq!(output, "\"200 OK\"");

    click(".state-details button[data-tab='details']");
    wait_for("the details", || query(".state-details dd[data-field='resource']")).await;
    assert_eq!(
        details_field("resource"),
        "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction"
    );
    assert_eq!(details_field("status"), "Succeeded");
    assert_eq!(details_field("type"), "Task");
    assert_eq!(details_field("retries"), "0");
    assert_eq!(details_field("entered"), "1");
    assert_eq!(text_of(".state-details .sd-no-vars"), "No variables");

    // A state the run did not reach.
    select_state("Wait and Try Later").await;
    assert_eq!(text_of(".state-details .sd-hint"), "Not run in this execution.");
    assert_eq!(text_of(".state-details .state-badge"), "Not run");

    // Close.
    click(".state-details .sd-close");
    wait_for("the hint", || {
        (text_of(".state-details .sd-hint")
            == "Select a state in the graph to see its input and output.")
            .then_some(())
    })
    .await;
    drop(handle);
    container.remove();
    reset_browser_state();
}

#[wasm_bindgen_test]
async fn the_panel_follows_a_new_run_and_shows_the_error() {
    reset_browser_state();
    let (container, handle) = mount();
    wait_for("the graph", || query("svg.sw-graph")).await;
    run_tutorial("200", "Succeeded").await;
    select_state("Call API").await;
    click(".state-details button[data-tab='details']");
    wait_for("the details", || query(".state-details dd[data-field='error']")).await;
    assert_eq!(details_field("error"), "–");

    // A new execution replaces what the open panel shows.
    run_tutorial("503", "Failed").await;
    wait_for("the new error", || {
        (details_field("error") == "ServerUnavailableException").then_some(())
    })
    .await;
    assert_eq!(text_of(".state-details .state-badge"), "Caught error");
    assert!(
        details_field("cause").contains("503 Server Unavailable"),
        "{}",
        details_field("cause")
    );

    // 429: entered twice; the first run was retried twice and caught.
    run_tutorial("429", "Succeeded").await;
    wait_for("two runs", || (details_field("entered") == "2").then_some(())).await;
    assert_eq!(text_of(".state-details .sd-runs"), "Ran 2 times");
    assert_eq!(details_field("retries"), "0");
    let picker: HtmlSelectElement = element(".state-details .sd-run-picker");
    picker.set_value("0");
    dispatch(&picker, "change");
    wait_for("the first run", || (details_field("retries") == "2").then_some(())).await;
    assert_eq!(details_field("error"), "TooManyRequestsException");
    assert_eq!(details_field("status"), "Caught error");
    assert_eq!(text_of(".state-details .state-badge"), "Caught error");
    drop(handle);
    container.remove();
    reset_browser_state();
}
