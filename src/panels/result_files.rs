//! The files a Distributed Map's `ResultWriter` wrote in the run (`manifest.json`,
//! `SUCCEEDED_0.json`, …), kept by the engine as virtual files (decision 0019): each can be
//! opened in the page or downloaded. The panel shows nothing until a run has written one.

use leptos::prelude::*;

use asl::runner::result_files::ResultFile;

use crate::session::{session, Session};

/// The name a download gets: the key's last segment prefixed by the map run's directory,
/// e.g. `3f2c…-manifest.json`, so the files of several map runs do not overwrite each other.
pub fn download_name(file: &ResultFile) -> String {
    let mut parts = file.key().rsplit('/');
    let name = parts.next().unwrap_or("result.json");
    match parts.next() {
        Some(run) if !run.is_empty() => format!("{run}-{name}"),
        _ => name.to_string(),
    }
}

/// Files up to this size get their download link as a `data:` URL when listed; larger ones
/// get a blob URL when the link is clicked (a map run of 100,000 items writes tens of MB).
const INLINE_LINK_BYTES: usize = 256 * 1024;

/// The most text an opened file shows (the download has all of it).
pub const SHOWN_BYTES: usize = 1_048_576;

/// A `data:` URL holding `text` (JSON), for a download link.
fn data_url(text: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(text).into();
    format!("data:application/json;charset=utf-8,{encoded}")
}

/// A blob URL holding `text`, revoked a minute later.
fn blob_url(text: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let revoke = url.clone();
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    if let Some(w) = web_sys::window() {
        use wasm_bindgen::JsCast;
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Some(url)
}

/// The text shown when a file is opened: JSON pretty-printed, JSON Lines as written; at most
/// [`SHOWN_BYTES`] of it.
pub fn display_text(file: &ResultFile) -> String {
    if file.contents.len() > SHOWN_BYTES {
        let mut end = SHOWN_BYTES;
        while !file.contents.is_char_boundary(end) {
            end -= 1;
        }
        return format!(
            "{}\n\u{2026} (the first {SHOWN_BYTES} of {} bytes: download the file for all of it)",
            file.contents.get(..end).unwrap_or_default(),
            file.contents.len()
        );
    }
    serde_json::from_str::<serde_json::Value>(&file.contents)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| file.contents.clone())
}

#[component]
pub fn ResultFilesPanel() -> impl IntoView {
    let Session { run_view, .. } = session();
    let files = Memo::new(move |_| {
        run_view.with(|r| r.as_ref().map(|r| r.result_files.clone()).unwrap_or_default())
    });
    let opened = RwSignal::new(None::<String>);
    move || {
        let list = files.get();
        if list.is_empty() {
            return None;
        }
        let rows = list
            .into_iter()
            .map(|file| {
                let uri = file.uri.clone();
                let toggle_uri = uri.clone();
                let is_open = {
                    let uri = uri.clone();
                    move || opened.get().as_deref() == Some(uri.as_str())
                };
                let is_open_label = is_open.clone();
                let is_open_body = is_open.clone();
                let text = display_text(&file);
                let size = file.contents.len();
                let inline = (size <= INLINE_LINK_BYTES).then(|| data_url(&file.contents));
                let contents = file.contents.clone();
                let on_download = move |ev: leptos::ev::MouseEvent| {
                    use wasm_bindgen::JsCast;
                    if size <= INLINE_LINK_BYTES {
                        return;
                    }
                    let link = ev
                        .current_target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok());
                    if let (Some(link), Some(url)) = (link, blob_url(&contents)) {
                        link.set_href(&url);
                    }
                };
                view! {
                    <li class="result-file">
                        <div class="result-file-row">
                            <code class="result-file-uri">{uri.clone()}</code>
                            <span class="result-file-size">{format!("{size} bytes")}</span>
                            <button
                                class="btn small result-file-open"
                                on:click=move |_| {
                                    opened.update(|o| {
                                        *o = if o.as_deref() == Some(toggle_uri.as_str()) {
                                            None
                                        } else {
                                            Some(toggle_uri.clone())
                                        };
                                    })
                                }
                            >
                                {move || if is_open_label() { "Close" } else { "Open" }}
                            </button>
                            <a
                                class="btn small result-file-download"
                                href=inline.unwrap_or_else(|| "#".to_string())
                                download=download_name(&file)
                                on:click=on_download
                            >
                                "Download"
                            </a>
                        </div>
                        {move || {
                            is_open_body()
                                .then(|| view! { <pre class="code-view result-file-text">{text.clone()}</pre> })
                        }}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="panel result-files" id="result-files" aria-label="ResultWriter files">
                <h2 class="panel-title">"ResultWriter files"</h2>
                <p class="hint">
                    "What the Distributed Map\u{2019}s ResultWriter wrote to Amazon S3 (kept in the page: nothing is uploaded)."
                </p>
                <ul class="result-file-list">{rows}</ul>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_keep_the_map_run() {
        let file =
            ResultFile { uri: "s3://b/out/run-1/manifest.json".into(), contents: "{}".into() };
        assert_eq!(download_name(&file), "run-1-manifest.json");
        let file = ResultFile { uri: "s3://b/SUCCEEDED_0.json".into(), contents: "[]".into() };
        assert_eq!(download_name(&file), "SUCCEEDED_0.json");
    }

    #[test]
    fn json_is_pretty_printed_and_jsonl_kept() {
        let file = ResultFile { uri: "s3://b/k".into(), contents: "{\"a\":1}".into() };
        assert_eq!(display_text(&file), "{\n  \"a\": 1\n}");
        let file = ResultFile { uri: "s3://b/k".into(), contents: "1\n2\n".into() };
        assert_eq!(display_text(&file), "1\n2\n");
        let big = ResultFile { uri: "s3://b/k".into(), contents: "é".repeat(SHOWN_BYTES) };
        let shown = display_text(&big);
        assert!(shown.starts_with("éé"));
        assert!(shown
            .ends_with("(the first 1048576 of 2097152 bytes: download the file for all of it)"));
    }
}
