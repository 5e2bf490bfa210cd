//! Browser tests: run by `cargo xtask test` with wasm-bindgen-test-runner in headless Chromium.
#![cfg(target_arch = "wasm32")]

use stepwise::app::{App, TUTORIAL};
use stepwise::editor::{get_text, set_text, view_of, EditorView};
use stepwise::share::{self, Shared};
use stepwise::storage;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Polls until `probe` gives a value (up to ~5 s).
async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(v) = probe() {
            return v;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

fn query(selector: &str) -> Option<Element> {
    document().query_selector(selector).ok().flatten()
}

fn text_of(selector: &str) -> String {
    query(selector).and_then(|e| e.text_content()).unwrap_or_default()
}

/// Mounts a fresh app in its own container; returns the container (removed by `unmount`).
fn mount() -> (HtmlElement, impl Drop) {
    let container: HtmlElement =
        document().create_element("div").expect("div").dyn_into().expect("HtmlElement");
    document().body().expect("body").append_child(&container).expect("append");
    let handle = leptos::mount::mount_to(container.clone(), App);
    (container, handle)
}

fn reset_browser_state() {
    storage::clear();
    let _ = web_sys::window()
        .and_then(|w| w.history().ok())
        .map(|h| h.replace_state_with_url(&JsValue::NULL, "", Some("?")));
}

async fn editor_view() -> EditorView {
    wait_for("the editor", || query(".cm-editor .cm-content").and_then(|e| view_of(&e))).await
}

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
    let button: HtmlElement =
        query("button[data-sample='503']").and_then(|b| b.dyn_into().ok()).expect("sample button");
    button.click();
    let input: web_sys::HtmlTextAreaElement =
        query("#execution-input").and_then(|e| e.dyn_into().ok()).expect("input box");
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
    };
    let fragment = share::encode(&shared);
    assert_eq!(share::decode(&fragment), Ok(shared.clone()));

    // Opening a link puts its contents into the editors (and nothing else happens).
    let history = web_sys::window().and_then(|w| w.history().ok()).expect("history");
    history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}"))).ok();
    let (container, handle) = mount();
    let view = editor_view().await;
    assert_eq!(get_text(&view), shared.definition);
    let input: web_sys::HtmlTextAreaElement =
        query("#execution-input").and_then(|e| e.dyn_into().ok()).expect("input box");
    assert_eq!(input.value(), shared.input);
    assert!(query("#execution-status").is_none(), "nothing was executed");

    // Share writes the current state back into the fragment.
    let share_button: HtmlElement =
        query("#share").and_then(|e| e.dyn_into().ok()).expect("share button");
    share_button.click();
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
        let button: HtmlElement = query("button[data-sample='500']")
            .and_then(|b| b.dyn_into().ok())
            .expect("sample button");
        button.click();
        sleep(50).await;
        assert_eq!(storage::load().definition.as_deref(), Some(edited));
        drop(handle);
        container.remove();
    }
    // A new app instance (as after a reload) restores both.
    let (container, handle) = mount();
    let view = editor_view().await;
    assert_eq!(get_text(&view), edited);
    let input: web_sys::HtmlTextAreaElement =
        query("#execution-input").and_then(|e| e.dyn_into().ok()).expect("input box");
    assert!(input.value().contains("\"500\""), "input restored: {}", input.value());

    // Reset to example brings the tutorial back.
    let reset: HtmlElement = query("#reset").and_then(|e| e.dyn_into().ok()).expect("reset");
    reset.click();
    wait_for("the tutorial", || (get_text(&view) == TUTORIAL).then_some(())).await;
    drop(handle);
    container.remove();
    reset_browser_state();
}
