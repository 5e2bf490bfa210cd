//! The bar above the definition editor: **Open file…** (a definition in JSON or YAML, or a
//! CloudFormation / SAM template, loaded into the editor as written), the chooser of a
//! template's state machine when it has several, and **Download definition** (the definition
//! the page runs, as JSON or YAML). Reading templates is the engine's (`asl::import`); the
//! compiled definition carries what it found.

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::definition::problems::Compiled;
use crate::session::{session, Session};

/// What "Download definition" writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadFormat {
    Json,
    Yaml,
}

/// The file "Download definition" saves: `(name, MIME type, text)`, or why there is none.
pub fn download_file(
    compiled: &Compiled,
    format: DownloadFormat,
) -> Result<(String, &'static str, String), String> {
    let definition = compiled.definition.trim();
    if definition.is_empty() {
        return Err("There is no definition to download: fix the problem shown first.".into());
    }
    let base = compiled.state_machine.clone().unwrap_or_else(|| "definition".into());
    let value = serde_json::from_str::<serde_json::Value>(definition);
    match (format, value) {
        // A JSON definition the user wrote is saved as written.
        (DownloadFormat::Json, _) if compiled.is_verbatim() => {
            Ok((format!("{base}.asl.json"), "application/json", compiled.text.to_string()))
        }
        (DownloadFormat::Json, Ok(value)) => Ok((
            format!("{base}.asl.json"),
            "application/json",
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n",
        )),
        (DownloadFormat::Yaml, Ok(value)) => {
            Ok((format!("{base}.asl.yaml"), "application/yaml", asl::import::yaml::to_yaml(&value)))
        }
        (_, Err(e)) => {
            Err(format!("The definition is not valid JSON ({e}), so it cannot be converted."))
        }
    }
}

#[component]
pub fn ImportBar() -> impl IntoView {
    let Session { editor, compiled, state_machine, notice, .. } = session();
    let file_input = NodeRef::<Input>::new();
    let format = RwSignal::new(DownloadFormat::Json);
    let machines = Memo::new(move |_| compiled.with(|c| c.state_machines.clone()));
    let current = Memo::new(move |_| compiled.with(|c| c.state_machine.clone()));

    let on_file = move |_| {
        let Some(input) = file_input.get_untracked() else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        // The same file can be opened again after an edit.
        input.set_value("");
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => {
                    state_machine.set(None);
                    editor.load(text.as_string().unwrap_or_default());
                    notice.set(None);
                }
                Err(_) => notice.set(Some(format!("Cannot read {name}."))),
            }
        });
    };
    let on_download = move |_| {
        let file = compiled.with_untracked(|c| download_file(c, format.get_untracked()));
        match file {
            Ok((name, mime, text)) => save(&text, mime, &name),
            Err(message) => notice.set(Some(message)),
        }
    };
    let options = move || {
        let chosen = current.get();
        machines
            .get()
            .into_iter()
            .map(|id| {
                let selected = chosen.as_deref() == Some(id.as_str());
                view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
            })
            .collect::<Vec<_>>()
    };
    let note = move || current.get().map(|id| format!("State machine {id} of the template"));

    view! {
        <div class="import-bar">
            <button
                class="btn small"
                id="open-file"
                on:click=move |_| {
                    if let Some(input) = file_input.get_untracked() {
                        input.click();
                    }
                }
            >
                "Open file…"
            </button>
            <input
                type="file"
                id="open-file-input"
                class="hidden"
                accept=".json,.yaml,.yml,.template,.asl,.txt"
                node_ref=file_input
                on:change=on_file
            />
            <Show when=move || machines.with(|m| m.len() > 1)>
                <label class="import-chooser">
                    "State machine "
                    <select
                        id="state-machine-chooser"
                        on:change=move |ev| {
                            let value = ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                                .map(|s| s.value());
                            state_machine.set(value);
                        }
                    >
                        {options}
                    </select>
                </label>
            </Show>
            <Show when=move || machines.with(|m| m.len() == 1)>
                <span class="import-note" id="import-note">{note}</span>
            </Show>
            <span class="import-spacer"></span>
            <select
                id="download-format"
                aria-label="Download format"
                on:change=move |ev| {
                    let yaml = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                        .is_some_and(|s| s.value() == "yaml");
                    format.set(if yaml { DownloadFormat::Yaml } else { DownloadFormat::Json });
                }
            >
                <option value="json">"JSON"</option>
                <option value="yaml">"YAML"</option>
            </select>
            <button class="btn small" id="download-definition" on:click=on_download>
                "Download definition"
            </button>
        </div>
    }
}

/// Saves `text` as a file named `name` (an object URL and a link's download).
fn save(text: &str, mime: &str, name: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = link {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 5000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::problems::compile;

    #[test]
    fn download_saves_the_definition_as_json_or_yaml() {
        let tutorial = include_str!("../../examples/tutorial.asl.json");
        let compiled = compile(tutorial);
        let (name, _, text) = download_file(&compiled, DownloadFormat::Json).unwrap();
        assert_eq!((name.as_str(), text.as_str()), ("definition.asl.json", tutorial));
        let (name, mime, yaml) = download_file(&compiled, DownloadFormat::Yaml).unwrap();
        assert_eq!((name.as_str(), mime), ("definition.asl.yaml", "application/yaml"));
        let back = asl::import::parse_document(&yaml).unwrap().value;
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(tutorial).unwrap());

        let sam = compile(include_str!("../../crates/asl/tests/fixtures/import/sam.yaml"));
        let (name, _, text) = download_file(&sam, DownloadFormat::Json).unwrap();
        assert_eq!(name, "OrderStateMachine.asl.json");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["StartAt"], "Process order");

        let broken = compile("a: [1,\n");
        assert!(download_file(&broken, DownloadFormat::Yaml).is_err());
    }
}
