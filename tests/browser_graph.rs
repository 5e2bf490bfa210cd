//! Browser tests of the graph panel (headless Chromium via `cargo xtask browser-test`).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen_test::*;
use web_sys::HtmlTextAreaElement;

wasm_bindgen_test_configure!(run_in_browser);

fn class_of(state: &str) -> String {
    query(&format!("[data-state=\"{state}\"]"))
        .and_then(|e| e.get_attribute("class"))
        .unwrap_or_default()
}

fn has_class(state: &str, class: &str) -> bool {
    class_of(state).split(' ').any(|c| c == class)
}

/// Runs the tutorial with the sample input for `code`.
async fn run_sample(code: &str) {
    click(&format!("button[data-sample='{code}']"));
    let input: HtmlTextAreaElement = element("#execution-input");
    wait_for("the sample input", || input.value().contains(code).then_some(())).await;
    click("#start");
}

#[wasm_bindgen_test]
async fn tutorial_graph_is_coloured_by_the_run() {
    reset_browser_state();
    let (container, handle) = mount();
    wait_for("the graph", || (count("svg.sw-graph g.state") == 6).then_some(())).await;
    assert_eq!(count("svg.sw-graph g.marker"), 2, "Start and End");
    assert_eq!(count("svg.sw-graph path.edge.catch"), 3);
    assert_eq!(count("svg.sw-graph path.edge.retry"), 1);
    assert!(has_class("Call API", "not-run"), "{}", class_of("Call API"));

    run_sample("503").await;
    wait_for("Call API caught", || has_class("Call API", "caught-error").then_some(())).await;
    assert!(has_class("Server Unavailable", "failed"), "{}", class_of("Server Unavailable"));
    assert!(has_class("OK", "not-run"), "{}", class_of("OK"));

    run_sample("200").await;
    wait_for("Call API succeeded", || has_class("Call API", "succeeded").then_some(())).await;
    assert!(has_class("Wait and Try Later", "not-run"), "{}", class_of("Wait and Try Later"));
    assert!(has_class("OK", "succeeded"), "{}", class_of("OK"));
    assert!(has_class("Server Unavailable", "not-run"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_state_selects_it_and_direction_toggles() {
    reset_browser_state();
    let (container, handle) = mount();
    wait_for("the graph", || query("[data-state=\"OK\"] .name")).await;
    click_svg("[data-state=\"OK\"] .name");
    wait_for("OK selected", || has_class("OK", "selected").then_some(())).await;
    assert!(!has_class("Call API", "selected"));

    let before = query("[data-state=\"OK\"] .box").and_then(|b| b.get_attribute("x"));
    click("#graph-dir-lr");
    wait_for("left-right layout", || {
        let now = query("[data-state=\"OK\"] .box").and_then(|b| b.get_attribute("x"));
        (now.is_some() && now != before).then_some(())
    })
    .await;
    // The selection survives the relayout.
    assert!(has_class("OK", "selected"), "{}", class_of("OK"));
    assert_eq!(count("svg.sw-graph g.state"), 6);
    drop(handle);
    container.remove();
}

const PARALLEL_MAP: &str = r#"{
  "StartAt": "Fan out",
  "States": {
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "Result": 2, "End": true}}}
      ],
      "Next": "Each"
    },
    "Each": {
      "Type": "Map",
      "ItemsPath": "$",
      "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
      "End": true
    }
  }
}"#;

#[wasm_bindgen_test]
async fn parallel_and_map_states_draw_their_nested_states() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(&view, PARALLEL_MAP);
    wait_for("nested states", || query("[data-state=\"Right\"]")).await;
    assert_eq!(count("svg.sw-graph g.state"), 5);
    assert_eq!(count("svg.sw-graph g.state.container"), 2);
    assert_eq!(count("svg.sw-graph rect.lane"), 3, "two branches and one item processor");
    // Start + End at the top level and in each of the three lanes.
    assert_eq!(count("svg.sw-graph g.marker"), 8);

    // A nested state is clickable.
    click_svg("[data-state=\"Right\"] .box");
    wait_for("Right selected", || has_class("Right", "selected").then_some(())).await;

    // Run it (input: an array for the Map): nested states are coloured too.
    let input: HtmlTextAreaElement = element("#execution-input");
    input.set_value("[1, 2]");
    let event = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&event).expect("dispatch");
    sleep(50).await;
    click("#start");
    wait_for("Item succeeded", || has_class("Item", "succeeded").then_some(())).await;
    assert!(has_class("Left", "succeeded"), "{}", class_of("Left"));
    assert!(has_class("Fan out", "succeeded"), "{}", class_of("Fan out"));
    drop(handle);
    container.remove();
}
