//! The app's bindings to its one JavaScript module, `src/host.js` (JSONata on demand and the
//! engine worker). Every snippet of the app's own JavaScript lives in that file, so the page
//! loads at most two modules (it and the CodeMirror bundle): see docs/decisions/0008.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// Imports the wasm-bindgen `--target web` module at `url` (JSONata, the YAML reader) and
    /// starts it.
    #[wasm_bindgen(js_name = importModule)]
    pub fn import_module(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = callCheckSyntax)]
    pub fn call_check_syntax(module: &JsValue, expr: &str) -> Option<String>;
    #[wasm_bindgen(js_name = callEvaluate)]
    pub fn call_evaluate(
        module: &JsValue,
        expr: &str,
        states: &str,
        variables: &str,
        now_ms: f64,
        random: &str,
    ) -> String;
    /// Parses YAML with the module [`import_module`] imported from the YAML reader's URL.
    #[wasm_bindgen(js_name = callYamlParse)]
    pub fn call_yaml_parse(module: &JsValue, text: &str) -> String;
    /// The page's base URL (in the worker: the page's, as sent when it started).
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url() -> String;

    /// Starts the engine worker with this glue script and compiled wasm module; `on_message`
    /// receives every message it posts (JSON text).
    #[wasm_bindgen(js_name = spawnEngine)]
    pub fn spawn_engine(
        glue_url: &str,
        wasm_module: &JsValue,
        on_message: &Closure<dyn FnMut(String)>,
    ) -> JsValue;
    #[wasm_bindgen(js_name = postToEngine)]
    pub fn post_to_engine(worker: &JsValue, text: &str);
    #[wasm_bindgen(js_name = terminateEngine)]
    pub fn terminate_engine(worker: &JsValue);
    /// From inside the worker: a message for the page.
    #[wasm_bindgen(js_name = postToPage)]
    pub fn post_to_page(text: &str);
}

#[wasm_bindgen]
extern "C" {
    /// The URL of the wasm-bindgen glue script this wasm was loaded by (the worker imports it).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The URL of the page's wasm-bindgen glue script.
pub fn glue_url() -> String {
    GLUE_URL.with(String::clone)
}
