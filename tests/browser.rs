//! Browser tests: run by `cargo xtask test` with wasm-bindgen-test-runner in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::app::TUTORIAL;
use stepwise::panels::editor::{get_text, set_text};
use stepwise::persist::share::{self, Shared};
use stepwise::persist::storage;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::HtmlTextAreaElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn mounts_and_shows_the_tutorial() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    assert_eq!(get_text(&view), TUTORIAL);
    // CodeMirror renders the visible lines; the start of the document is visible.
    let content = text_of(".cm-content");
    assert!(content.contains("\"StartAt\": \"Call API\""), "editor shows: {content}");
    assert!(query(".cm-lineNumbers").is_some(), "line numbers are shown");
    assert_eq!(text_of(".problems .empty"), "No problems found.");
    assert_eq!(text_of("h1"), "Stepwise");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn invalid_json_shows_a_located_problem_and_the_page_keeps_working() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(&view, "{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}");
    let position = wait_for("a problem", || {
        query(".problem .pos").and_then(|e| e.text_content()).filter(|t| !t.is_empty())
    })
    .await;
    assert_eq!(position, "3:14");
    assert_eq!(text_of(".problem .msg"), "Invalid JSON: key must be a string");
    // A lint marker is shown in the editor too.
    wait_for("a lint marker", || query(".cm-lintRange-error, .cm-lint-marker-error")).await;

    // Still working: a sample input button fills the input box, and fixing the text clears the
    // problem.
    click("button[data-sample='503']");
    let input: HtmlTextAreaElement = element("#execution-input");
    wait_for("the 503 sample", || input.value().contains("\"503\"").then_some(())).await;
    set_text(&view, TUTORIAL);
    wait_for("no problems", || query(".problems .empty.ok")).await;
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn share_link_round_trips_through_the_app() {
    reset_browser_state();
    let shared = Shared {
        definition: "{\"StartAt\":\"Only\",\"States\":{\"Only\":{\"Type\":\"Succeed\"}}}".into(),
        input: "{\"statuscode\": \"429\"}".into(),
        mocks: String::new(),
        test_case: None,
        // The debugger's breakpoints travel in links too.
        breakpoints: vec!["Only".into()],
    };
    let fragment = share::encode(&shared);
    assert_eq!(share::decode(&fragment), Ok(shared.clone()));

    // Opening a link puts its contents into the editors (and nothing else happens).
    let history = web_sys::window().and_then(|w| w.history().ok()).expect("history");
    history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}"))).ok();
    let (container, handle) = mount();
    let view = editor_view().await;
    assert_eq!(get_text(&view), shared.definition);
    let input: HtmlTextAreaElement = element("#execution-input");
    assert_eq!(input.value(), shared.input);
    assert!(query("#execution-status").is_none(), "nothing was executed");
    assert_eq!(text_of("#breakpoint-summary"), "Breakpoints: Only");

    // Share writes the current state back into the fragment.
    click("#share");
    sleep(20).await;
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    assert_eq!(share::decode(&hash), Ok(shared));
    drop(handle);
    container.remove();
    reset_browser_state();
}

#[wasm_bindgen_test]
async fn local_storage_persists_edits_across_reloads() {
    reset_browser_state();
    let edited = "{\"StartAt\":\"Mine\",\"States\":{\"Mine\":{\"Type\":\"Pass\",\"End\":true}}}";
    {
        let (container, handle) = mount();
        let view = editor_view().await;
        set_text(&view, edited);
        click("button[data-sample='500']");
        sleep(50).await;
        assert_eq!(storage::load().definition.as_deref(), Some(edited));
        drop(handle);
        container.remove();
    }
    // A new app instance (as after a reload) restores both.
    let (container, handle) = mount();
    let view = editor_view().await;
    assert_eq!(get_text(&view), edited);
    let input: HtmlTextAreaElement = element("#execution-input");
    assert!(input.value().contains("\"500\""), "input restored: {}", input.value());

    // Reset to example brings the tutorial back.
    click("#reset");
    wait_for("the tutorial", || (get_text(&view) == TUTORIAL).then_some(())).await;
    drop(handle);
    container.remove();
    reset_browser_state();
}
