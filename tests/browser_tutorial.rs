//! Browser tests of the tutorial panel, the example gallery and the Mock API panel (run by
//! `cargo xtask browser-test` in headless Chromium).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::app::TUTORIAL;
use stepwise::panels::editor::{get_text, set_text};
use stepwise::panels::gallery;
use stepwise::persist::storage;
use wasm_bindgen_test::*;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn status_containing(what: &str) -> String {
    wait_for(what, || Some(text_of("#execution-status")).filter(|t| t.contains(what))).await
}

#[wasm_bindgen_test]
async fn run_with_503_fails_with_server_unavailable_in_eight_events() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("#tutorial-run-503");
    let status = status_containing("Failed").await;
    assert!(status.contains("Error: ServerUnavailable"), "{status}");
    assert!(status.contains("The server is currently unable to handle the request."), "{status}");
    assert_eq!(count("tr.event"), 8);
    let input: HtmlTextAreaElement = element("#execution-input");
    assert!(input.value().contains("\"503\""), "the step set the input: {}", input.value());
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn run_with_429_succeeds_after_the_retries_and_the_wait() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("#tutorial-run-429");
    status_containing("Succeeded").await;
    assert_eq!(count("tr.event"), 24);
    assert!(text_of(".events").contains("Wait and Try Later"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_gallery_loads_an_example_and_the_tutorial_buttons_bring_the_tutorial_back() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    let select: HtmlSelectElement = element("#example-select");
    select.set_value("parallel");
    let change = web_sys::Event::new("change").expect("event");
    select.dispatch_event(&change).expect("dispatch");
    let parallel = gallery::by_id("parallel").map(|e| e.definition).unwrap_or_default();
    wait_for("the Parallel example", || (get_text(&view) == parallel).then_some(())).await;
    assert_eq!(select.value(), "", "the menu returns to its title");
    // The run buttons now say they load the tutorial.
    let label = wait_for("the relabelled button", || {
        Some(text_of("#tutorial-run-503")).filter(|t| t.starts_with("Load tutorial"))
    })
    .await;
    assert_eq!(label, "Load tutorial & run with 503");

    // A user's own text is replaced only with a notice saying how to get it back.
    set_text(&view, "{\"StartAt\": \"Mine\", \"States\": {\"Mine\": {\"Type\": \"Succeed\"}}}");
    click("#tutorial-run-503");
    status_containing("Failed").await;
    assert_eq!(get_text(&view), TUTORIAL);
    assert!(text_of(".banner.notice").contains("Ctrl+Z"), "{}", text_of(".status-area"));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_mock_api_panel_shows_the_source_and_runs_with_the_chosen_test_case() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    click("#tab-mock-api");
    let source = text_of("#mock-api-source");
    assert!(source.contains("class TooManyRequestsException(Exception): pass"), "{source}");
    assert!(source.contains("statuscode = event[\"statuscode\"]"), "{source}");

    click("#load-example-mocks");
    wait_for("the summary", || {
        Some(text_of("#mock-summary")).filter(|t| t.contains("ThrottledOnce"))
    })
    .await;
    assert!(text_of(".mock-cases").contains("Call API"));
    assert_eq!(storage::load_one(storage::KEY_TEST_CASE).as_deref(), Some("ThrottledOnce"));
    // Throttled once by the mock, answered on the retry one second later.
    click("#start");
    status_containing("Succeeded").await;
    assert_eq!(count("tr.event"), 12);

    // A located JSON error.
    let mocks: HtmlTextAreaElement = element("#mock-config");
    mocks.set_value("{\n  \"StateMachines\": ,\n}");
    mocks.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("dispatch");
    let error =
        wait_for("the mock error", || Some(text_of("#mock-error")).filter(|t| !t.is_empty())).await;
    assert_eq!(error, "Invalid JSON: expected value at 2:20");
    drop(handle);
    container.remove();
}
