//! Browser tests of the selected state's "Data flow" and "Test state" tools and the
//! tutorial's data flow step (run by `cargo xtask browser-test` in headless Chromium).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::app::TUTORIAL;
use stepwise::panels::editor::set_text;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn graph_node(state: &str) -> Option<Element> {
    query_all("svg.sw-graph g").into_iter().find(|g| {
        g.get_attribute("data-state").as_deref() == Some(state)
            || (g.get_attribute("data-state").is_none()
                && g.text_content().is_some_and(|t| t.trim().starts_with(state)))
    })
}

async fn select_state(state: &str) {
    let node = wait_for("the graph node", || graph_node(state)).await;
    click_element(&node);
    wait_for("the panel header", || (text_of(".state-details .sd-name") == state).then_some(()))
        .await;
}

async fn status_is(expected: &str) {
    wait_up_to("the execution to finish", 20, || {
        (text_of("#execution-status .status-label") == expected).then_some(())
    })
    .await;
}

/// The field named by each stage shown, in order.
fn stage_fields() -> Vec<String> {
    query_all(".st-body .df-stages .df-stage .df-field")
        .iter()
        .filter_map(|e| e.text_content())
        .collect()
}

fn stage_text(key: &str) -> String {
    text_of(&format!(".st-body .df-stage[data-stage='{key}']"))
}

#[wasm_bindgen_test]
async fn the_data_flow_of_a_jsonpath_task_shows_each_stage() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("#tutorial-run-200");
    status_is("Succeeded").await;
    select_state("Call API").await;
    click("#state-tool-data-flow");
    wait_for("the stages", || query(".st-body .df-stage[data-stage='output']")).await;
    assert_eq!(
        stage_fields(),
        [
            "Input",
            "InputPath",
            "Parameters",
            "Result",
            "ResultSelector",
            "ResultPath",
            "OutputPath"
        ]
    );
    assert!(stage_text("input").contains("\"statuscode\": \"200\""), "{}", stage_text("input"));
    assert!(stage_text("afterInputPath").contains("Unchanged."));
    assert!(stage_text("result").contains("\"200 OK\""));
    // The result replaces the object: the whole value is marked changed.
    assert!(query(".df-stage[data-stage='result'] .df-changed").is_some());
    assert!(stage_text("afterResultSelector").contains("Not set: the data goes on unchanged."));
    assert!(stage_text("output").contains("\"200 OK\""));
    assert_eq!(text_of(".df-outcome"), "Went on to OK.");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_data_flow_of_a_retried_state_lets_the_user_pick_the_run() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    // The tutorial's data flow step runs 429 and opens Change to 200's data flow.
    click("#tutorial-data-flow");
    status_is("Succeeded").await;
    wait_for("the Pass state's stages", || query(".st-body .df-stage[data-stage='result']")).await;
    assert_eq!(text_of(".state-details .sd-name"), "Change to 200");
    assert!(stage_text("input").contains("TooManyRequestsException"));
    let result = stage_text("result");
    assert!(result.contains("\"statuscode\": \"200\""), "{result}");
    // Against the input, `statuscode` is added and Error / Cause are removed.
    assert!(query(".df-stage[data-stage='result'] .df-added").is_some());
    assert!(query(".df-stage[data-stage='result'] .df-removed").is_some());
    assert!(stage_text("output").contains("\"statuscode\": \"200\""));

    select_state("Call API").await;
    let picker: HtmlSelectElement =
        wait_for("the run picker", || query(".df-run-picker")?.dyn_into().ok()).await;
    assert_eq!(picker.length(), 4, "three attempts, then the second visit");
    picker.set_value("0");
    dispatch(&picker, "change");
    let outcome = wait_for("the first attempt", || {
        Some(text_of(".df-outcome")).filter(|t| t.contains("Retrier #1"))
    })
    .await;
    assert!(outcome.contains("TooManyRequestsException"), "{outcome}");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_data_flow_of_a_jsonata_state_shows_arguments_output_and_assign() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    let select: HtmlSelectElement = element("#example-select");
    select.set_value("tutorial-jsonata");
    dispatch(&select, "change");
    sleep(50).await;
    click("#start");
    status_is("Succeeded").await;
    select_state("Call API").await;
    click("#state-tool-data-flow");
    wait_for("the stages", || query(".st-body .df-stage[data-stage='output']")).await;
    assert_eq!(stage_fields(), ["$states.input", "Arguments", "Result", "Output"]);
    assert!(stage_text("afterArguments").contains("\"FunctionName\""));
    assert!(stage_text("result").contains("\"Payload\": \"200 OK\""), "{}", stage_text("result"));
    assert!(stage_text("output").contains("\"200 OK\""));
    let vars = text_of(".df-variables");
    assert!(vars.contains("$apiAnswer") && vars.contains("\"200 OK\""), "{vars}");
    drop(handle);
    container.remove();
}

fn set_input(selector: &str, value: &str) {
    let input: HtmlInputElement = element(selector);
    input.set_value(value);
    dispatch(&input, "input");
}

#[wasm_bindgen_test]
async fn test_state_with_a_mocked_error_is_caught() {
    reset_browser_state();
    let (container, handle) = mount();
    let editor = editor_view().await;
    click("#tutorial-run-503");
    status_is("Failed").await;
    select_state("Call API").await;
    click("#state-tool-test-state");
    let input = wait_for("the form", || query(".ts-field[data-field='input'] textarea")).await;
    // Prefilled with what the state last received.
    let prefilled = input.dyn_into::<web_sys::HtmlTextAreaElement>().map(|t| t.value());
    assert_eq!(prefilled.ok().as_deref(), Some("{\n  \"statuscode\": \"503\"\n}"));
    click(".ts-radio input[value='error']");
    wait_for("the error field", || query(".ts-field[data-field='mock-error'] input")).await;
    set_input(".ts-field[data-field='mock-error'] input", "ServerUnavailableException");
    set_input(".ts-field[data-field='mock-cause'] input", "down");
    click(".ts-run");
    wait_for("the answer", || query(".ts-answer")).await;
    assert_eq!(text_of(".ts-answer dd[data-field='status']"), "CAUGHT_ERROR");
    assert_eq!(text_of(".ts-answer dd[data-field='next-state']"), "Server Unavailable");
    assert_eq!(text_of(".ts-answer dd[data-field='error']"), "ServerUnavailableException");
    // DEBUG by default: the stages from inspectionData.
    assert!(query(".ts-answer .df-stage[data-stage='input']").is_some());

    // Edit the definition, run the test again: the answer follows the editor.
    // The catcher of ServerUnavailableException now names another error: States.ALL catches it.
    let edited = TUTORIAL.replacen("[\"ServerUnavailableException\"]", "[\"OtherException\"]", 1);
    assert_ne!(edited, TUTORIAL);
    set_text(&editor, &edited);
    sleep(50).await;
    click(".ts-run");
    wait_for("the new answer", || {
        (text_of(".ts-answer dd[data-field='next-state']") == "Catch All").then_some(())
    })
    .await;
    assert_eq!(text_of(".ts-answer dd[data-field='status']"), "CAUGHT_ERROR");
    drop(handle);
    container.remove();
}
