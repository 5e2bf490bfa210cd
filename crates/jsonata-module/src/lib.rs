//! JSONata for the browser app, as its own wasm module: the engine's built-in JSONata
//! evaluation (`asl::jsonata`, feature `jsonata`) behind a JSON-text interface. The app's
//! `asl::jsonata::Backend` calls these two functions; values cross as JSON text and the seeded
//! generator's state crosses as a decimal string (a `u64` does not fit a JS number).
#![forbid(unsafe_code)]

use asl::jsonata::{self, Bindings};
use asl::Random;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// `undefined` when `expr` parses, else the parser's message.
#[wasm_bindgen(js_name = checkSyntax)]
pub fn check_syntax(expr: &str) -> Option<String> {
    jsonata::check_syntax(expr).err()
}

/// Evaluates `expr`. `states` and `variables` are JSON texts (`variables` an object of the
/// workflow variables the expression references); `random` the generator state. Returns the
/// JSON text of `{"value"?: …, "error"?: "…", "random": "<state>"}` — no `value` and no `error`
/// means JSONata's *undefined*.
#[wasm_bindgen]
pub fn evaluate(expr: &str, states: &str, variables: &str, now_ms: f64, random: &str) -> String {
    let states: Value = match serde_json::from_str(states) {
        Ok(v) => v,
        Err(e) => {
            return json!({ "error": format!("bad $states: {e}"), "random": random }).to_string()
        }
    };
    let variables: Map<String, Value> = match serde_json::from_str(variables) {
        Ok(v) => v,
        Err(e) => {
            return json!({ "error": format!("bad variables: {e}"), "random": random }).to_string()
        }
    };
    let mut rng = Random::new(random.parse().unwrap_or(0));
    let lookup = |name: &str| variables.get(name).cloned();
    let b = Bindings { states: &states, variables: &lookup, now_ms: now_ms as i64 };
    let outcome = jsonata::evaluate(expr, &b, &mut rng);
    let random = rng.state().to_string();
    match outcome {
        Ok(Some(value)) => json!({ "value": value, "random": random }),
        Ok(None) => json!({ "random": random }),
        Err(e) => json!({ "error": e.message, "random": random }),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str, states: &str, variables: &str, random: &str) -> Value {
        serde_json::from_str(&evaluate(expr, states, variables, 1.7e12, random))
            .unwrap_or(Value::Null)
    }

    #[test]
    fn values_undefined_and_errors_cross_as_json() {
        let states = r#"{"input":{"a":[1,2,3]}}"#;
        assert_eq!(eval("$sum($states.input.a) + $x", states, r#"{"x":4}"#, "1")["value"], 10);
        assert_eq!(eval("$states.input.nothing", states, "{}", "1"), json!({ "random": "1" }));
        assert_eq!(
            eval("$f()", states, "{}", "1")["error"],
            "T1006: Attempted to invoke a non-function"
        );
        assert_eq!(check_syntax("$a["), Some("S0207: Unexpected end of expression".into()));
        assert_eq!(check_syntax("$a[0]"), None);
    }

    #[test]
    fn the_generator_state_round_trips() {
        let mut direct = Random::new(42);
        let lookup = |_: &str| None;
        let states = json!({"input": {}});
        let b = Bindings { states: &states, variables: &lookup, now_ms: 0 };
        let expected = jsonata::evaluate("$uuid()", &b, &mut direct);
        let crossed = eval("$uuid()", "{\"input\":{}}", "{}", "42");
        assert_eq!(expected.ok().flatten(), Some(crossed["value"].clone()));
        assert_eq!(crossed["random"], direct.state().to_string());
    }
}
