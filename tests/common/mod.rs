//! Helpers shared by the browser tests (`tests/browser*.rs`, each says `mod common;`).
// Each test file uses only some of these.
#![allow(dead_code)]

use stepwise::app::App;
use stepwise::panels::editor::{view_of, EditorView};
use stepwise::persist::storage;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement, NodeList};

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Waits `ms` milliseconds (a browser timer; other tasks run meanwhile).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Polls `probe` every 50 ms until it gives a value; panics after `seconds`.
pub async fn wait_up_to<T>(what: &str, seconds: u32, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..seconds * 20 {
        if let Some(v) = probe() {
            return v;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// [`wait_up_to`] 5 seconds.
pub async fn wait_for<T>(what: &str, probe: impl FnMut() -> Option<T>) -> T {
    wait_up_to(what, 5, probe).await
}

pub fn query(selector: &str) -> Option<Element> {
    document().query_selector(selector).ok().flatten()
}

/// The element `selector` finds, as a `T`; panics when there is none.
pub fn element<T: JsCast>(selector: &str) -> T {
    query(selector).and_then(|e| e.dyn_into().ok()).unwrap_or_else(|| panic!("no {selector}"))
}

fn elements(list: Result<NodeList, JsValue>) -> Vec<Element> {
    let Ok(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

pub fn query_all(selector: &str) -> Vec<Element> {
    elements(document().query_selector_all(selector))
}

/// [`query_all`] below `root`.
pub fn query_all_in(root: &Element, selector: &str) -> Vec<Element> {
    elements(root.query_selector_all(selector))
}

/// How many elements `selector` finds.
pub fn count(selector: &str) -> u32 {
    document().query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
}

/// The text content of the first element `selector` finds ("" when none).
pub fn text_of(selector: &str) -> String {
    query(selector).and_then(|e| e.text_content()).unwrap_or_default()
}

/// Clicks an HTML element; panics when there is none.
pub fn click(selector: &str) {
    element::<HtmlElement>(selector).click();
}

/// Dispatches a bubbling event of type `event` on `element`.
pub fn dispatch(element: &Element, event: &str) {
    let script = "el.dispatchEvent(new Event(type, { bubbles: true }))";
    let f = js_sys::Function::new_with_args("el, type", script);
    f.call2(&JsValue::NULL, element, &JsValue::from_str(event)).expect("dispatch an event");
}

/// Dispatches a bubbling click on `element` (SVG elements have no `click()`).
pub fn click_element(element: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("event");
    element.dispatch_event(&event).expect("dispatch");
}

/// [`click_element`] on what `selector` finds; panics when there is none.
pub fn click_svg(selector: &str) {
    click_element(&query(selector).unwrap_or_else(|| panic!("no {selector}")));
}

/// Clears local storage and the URL's query and fragment.
pub fn reset_browser_state() {
    storage::clear();
    let _ = web_sys::window()
        .and_then(|w| w.history().ok())
        .map(|h| h.replace_state_with_url(&JsValue::NULL, "", Some("?")));
}

/// Mounts a fresh app in a new container; the caller drops the handle and removes the container.
pub fn mount() -> (HtmlElement, impl Drop) {
    let container: HtmlElement =
        document().create_element("div").expect("div").dyn_into().expect("HtmlElement");
    document().body().expect("body").append_child(&container).expect("append");
    let handle = leptos::mount::mount_to(container.clone(), App);
    (container, handle)
}

/// The definition editor below `root`, once it is there (up to 5 s).
pub async fn editor_in(root: &Element) -> EditorView {
    wait_for("the editor", || {
        root.query_selector(".cm-editor .cm-content").ok().flatten().and_then(|e| view_of(&e))
    })
    .await
}

/// The first definition editor on the page (up to 5 s).
pub async fn editor_view() -> EditorView {
    editor_in(&document().document_element().expect("<html>")).await
}

/// The event types of the history table, top to bottom.
pub fn event_types() -> Vec<String> {
    query_all("table.events tbody tr.event td:nth-child(2)")
        .iter()
        .filter_map(|c| c.text_content())
        .collect()
}

/// The tutorial's mock configuration: Call API answers `answer` (a MockConfigFile response,
/// e.g. `{"Return": …}`) in test case "T".
pub fn tutorial_mocks(answer: &str) -> String {
    format!(
        r#"{{"StateMachines": {{"MyStateMachine": {{"TestCases": {{"T": {{"Call API": "Answer"}}}}}}}},
  "MockedResponses": {{"Answer": {{"0": {answer}}}}}}}"#
    )
}
