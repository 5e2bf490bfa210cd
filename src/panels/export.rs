//! The header's Export menu: "AWS SAM template" downloads `template.yaml`, the template the
//! engine's `asl::export::sam` writes for the current definition (the same as `asl export
//! sam`; docs/decisions/0017-deploy-kit.md). The app only hands it the compiled definition
//! and saves the text.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use asl::export::{sam, Format};

use crate::definition::problems::Compiled;
use crate::session::session;

/// The file name: the one `sam deploy` looks for by default.
pub const SAM_FILE_NAME: &str = "template.yaml";

/// The value of the menu's "AWS SAM template" option.
const SAM: &str = "sam";

#[component]
pub fn ExportMenu() -> impl IntoView {
    let session = session();
    let on_pick = move |ev: leptos::ev::Event| {
        if event_target_value(&ev) == SAM {
            match sam_template(&session.compiled.get_untracked()) {
                Some(text) => {
                    session.notice.set(None);
                    save(&text, Format::Yaml.media_type(), SAM_FILE_NAME);
                }
                None => session
                    .notice
                    .set(Some("Fix the problems in the definition to export it.".into())),
            }
        }
        // Back to the menu's title so the same export can be picked again.
        if let Some(select) =
            ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            select.set_value("");
        }
    };
    view! {
        <select id="export-select" class="export-menu" aria-label="Export" on:change=on_pick>
            <option value="" selected>"Export"</option>
            <option value=SAM>"AWS SAM template"</option>
        </select>
    }
}

/// The SAM template (YAML) of the compiled definition; None while it has errors.
fn sam_template(compiled: &Compiled) -> Option<String> {
    let machine = compiled.machine.as_ref()?;
    let (definition, _) = asl::source::parse(&compiled.text).ok()?;
    Some(sam::render(&sam::template_value(machine, definition), Format::Yaml))
}

/// Saves `text` as a download named `file_name`: a blob URL on a link in the page, clicked,
/// then removed (the URL is revoked a little later, once the browser has read it).
fn save(text: &str, media_type: &str, file_name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let link =
        doc.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let (Some(link), Some(body)) = (link, doc.body()) {
        link.set_href(&url);
        link.set_download(file_name);
        if body.append_child(&link).is_ok() {
            link.click();
            link.remove();
        }
    }
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 30_000);
    }
}
