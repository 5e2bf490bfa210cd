//! Browser tests of the header's Export menu (headless Chromium via `cargo xtask browser-test`).
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{HtmlAnchorElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The downloads the page starts, as (file name, URL), kept instead of saved: a click on a
/// link with a `download` attribute is caught and cancelled. Dropping it stops listening.
struct Downloads {
    seen: Rc<RefCell<Vec<(String, String)>>>,
    listener: Closure<dyn FnMut(web_sys::Event)>,
}

impl Downloads {
    fn catch() -> Downloads {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let record = seen.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let link = ev.target().and_then(|t| t.dyn_into::<HtmlAnchorElement>().ok());
            if let Some(link) = link.filter(|l| l.has_attribute("download")) {
                ev.prevent_default();
                record.borrow_mut().push((link.download(), link.href()));
            }
        });
        document()
            .add_event_listener_with_callback_and_bool(
                "click",
                listener.as_ref().unchecked_ref(),
                true,
            )
            .expect("listen");
        Downloads { seen, listener }
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        let _ = document().remove_event_listener_with_callback_and_bool(
            "click",
            self.listener.as_ref().unchecked_ref(),
            true,
        );
    }
}

/// The text behind a (blob) URL.
async fn fetch_text(url: &str) -> String {
    let fetch = js_sys::Function::new_with_args("url", "return fetch(url).then(r => r.text())");
    let promise: js_sys::Promise =
        fetch.call1(&JsValue::NULL, &JsValue::from_str(url)).expect("fetch").unchecked_into();
    JsFuture::from(promise).await.expect("the download's text").as_string().unwrap_or_default()
}

/// Picks "AWS SAM template" in the Export menu.
fn export_sam() {
    let select: HtmlSelectElement = element("#export-select");
    select.set_value("sam");
    select.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    assert_eq!(select.value(), "", "the menu returns to its title");
}

#[wasm_bindgen_test]
async fn export_downloads_the_tutorial_s_sam_template() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_view().await;
    let options: Vec<String> = query_all("#export-select option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(options, ["Export", "AWS SAM template"]);

    let downloads = Downloads::catch();
    export_sam();
    let (name, url) = wait_for("the download", || downloads.seen.borrow().first().cloned()).await;
    assert_eq!(name, "template.yaml");
    assert!(url.starts_with("blob:"), "{url}");
    let template = fetch_text(&url).await;
    for expected in [
        "Transform: \"AWS::Serverless-2016-10-31\"",
        "  StateMachine:\n    Type: \"AWS::Serverless::StateMachine\"",
        "        MockAPIFunctionArn:\n          \"Fn::GetAtt\": [\"MockAPIFunction\", \"Arn\"]",
        "          \"Call API\":\n            Type: \"Task\"\n            Resource: \"${MockAPIFunctionArn}\"",
        "  MockAPIFunction:\n    Type: \"AWS::Serverless::Function\"",
        "        def lambda_handler(event, context):\n            statuscode = event[\"statuscode\"]",
        "Service: \"states.amazonaws.com\"",
    ] {
        assert!(template.contains(expected), "missing {expected:?} in\n{template}");
    }
    // The same text as the engine (and `asl export sam`) writes.
    let engine = asl::export::sam::template(stepwise::app::TUTORIAL, asl::export::Format::Yaml);
    assert_eq!(Ok(template), engine.map_err(|_| ()));
    drop(downloads);
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_definition_is_not_exported() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(&view, "{\"StartAt\": \"Nowhere\", \"States\": {}}");
    wait_for("the problems", || (count(".problems li") > 0).then_some(())).await;
    let downloads = Downloads::catch();
    export_sam();
    let notice = wait_for("the notice", || {
        Some(text_of(".banner.notice")).filter(|t| t.contains("Fix the problems"))
    })
    .await;
    assert_eq!(notice.trim(), "Fix the problems in the definition to export it.");
    sleep(200).await;
    assert!(downloads.seen.borrow().is_empty());
    drop(downloads);
    drop(handle);
    container.remove();
}
