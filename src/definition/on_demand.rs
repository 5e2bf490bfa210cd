//! A wasm module the page fetches the first time it is needed (JSONata, the YAML reader: see
//! docs/decisions/0004 and 0025): where it stands, and the fetch itself. Each loader
//! (`jsonata_loader`, `yaml_loader`) says which module and how to install it in the engine.

use std::future::Future;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::host::import_module;

/// Where an on-demand module is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Not needed yet, not fetched.
    Absent,
    Loading,
    Ready,
    /// The module could not be fetched or started (the message says why).
    Failed(String),
}

/// A module's availability for the page: Ready from the start when it is built in (tests).
pub fn availability(built_in: bool) -> RwSignal<Availability> {
    RwSignal::new(if built_in { Availability::Ready } else { Availability::Absent })
}

/// Runs `load` unless the module is loaded or being loaded; `state` says when it is ready.
pub fn ensure_loaded<F>(state: RwSignal<Availability>, load: fn() -> F)
where
    F: Future<Output = Result<(), String>> + 'static,
{
    match state.get_untracked() {
        Availability::Ready | Availability::Loading => return,
        Availability::Absent | Availability::Failed(_) => {}
    }
    state.set(Availability::Loading);
    leptos::task::spawn_local(async move {
        state.set(match load().await {
            Ok(()) => Availability::Ready,
            Err(message) => Availability::Failed(message),
        });
    });
}

/// Imports the wasm-bindgen `--target web` module at `path` (relative to the page, so it works
/// under any sub-path) and starts it. A failure says which support (`what`) did not load.
pub async fn import(path: &str, what: &str) -> Result<JsValue, String> {
    let url = web_sys::Url::new_with_base(path, &crate::host::base_url())
        .map(|u| u.href())
        .unwrap_or_else(|_| path.to_string());
    wasm_bindgen_futures::JsFuture::from(import_module(&url)).await.map_err(|error| {
        let reason = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "unknown error".into());
        format!("{what} support could not be loaded ({path}): {reason}")
    })
}
