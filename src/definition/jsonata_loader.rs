//! JSONata on demand: the JSONata language is most of the engine's size, so the release build
//! ships it as a separate wasm module (`crates/jsonata-module`, copied to `dist/jsonata/`) that
//! is fetched the first time a definition needs it. Until then validation skips JSONata syntax
//! and runs wait; once it is in, [`JsBackend`] is installed as the engine's JSONata evaluator.
//! Builds with the language compiled in (tests) never load anything.
//! See docs/decisions/0004-jsonata-on-demand.md.

use std::rc::Rc;

use asl::jsonata::{Backend, EvalError};
use asl::Random;
use leptos::prelude::*;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::definition::on_demand::{self, Availability};
use crate::host::{call_check_syntax, call_evaluate};

/// Where the module lives, relative to the page (works under any sub-path).
pub const MODULE_PATH: &str = "jsonata/stepwise_jsonata.js";

/// Does this definition (text) need JSONata? A cheap over-approximation: loading when it is
/// not needed costs a download, never a wrong result.
pub fn needs_jsonata(definition: &str) -> bool {
    definition.contains("JSONata") || definition.contains("{%")
}

/// The engine's JSONata evaluator backed by the loaded module.
struct JsBackend {
    module: JsValue,
}

impl Backend for JsBackend {
    fn check_syntax(&self, expr: &str) -> Result<(), String> {
        match call_check_syntax(&self.module, expr) {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }

    fn evaluate(
        &self,
        expr: &str,
        states: &Value,
        variables: &Map<String, Value>,
        now_ms: i64,
        random: &mut Random,
    ) -> Result<Option<Value>, EvalError> {
        let reply = call_evaluate(
            &self.module,
            expr,
            &states.to_string(),
            &Value::Object(variables.clone()).to_string(),
            now_ms as f64,
            &random.state().to_string(),
        );
        let mut reply: Map<String, Value> = serde_json::from_str(&reply)
            .map_err(|e| EvalError::new(format!("JSONata module reply: {e}")))?;
        if let Some(state) = reply.get("random").and_then(Value::as_str) {
            if let Ok(state) = state.parse() {
                *random = Random::new(state);
            }
        }
        if let Some(error) = reply.remove("error") {
            return Err(EvalError::new(error.as_str().unwrap_or_default()));
        }
        Ok(reply.remove("value"))
    }
}

/// JSONata availability for the page: starts as Ready when the language is built in.
pub fn availability() -> RwSignal<Availability> {
    on_demand::availability(asl::jsonata::available())
}

/// Fetches the module unless it is loaded or being loaded; `state` says when it is ready.
pub fn ensure_loaded(state: RwSignal<Availability>) {
    on_demand::ensure_loaded(state, load);
}

/// Imports the module and installs it as the engine's JSONata evaluator. The page and the
/// engine worker each call it once.
pub async fn load() -> Result<(), String> {
    if asl::jsonata::available() {
        return Ok(());
    }
    let module = on_demand::import(MODULE_PATH, "JSONata").await?;
    asl::jsonata::install_backend(Rc::new(JsBackend { module }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonata_is_needed_by_query_language_or_templates() {
        assert!(needs_jsonata(r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{}}"#));
        assert!(needs_jsonata(r#"{"States":{"A":{"Type":"Pass","Output":"{% 1 %}"}}}"#));
        assert!(!needs_jsonata(include_str!("../../examples/tutorial.asl.json")));
    }
}
