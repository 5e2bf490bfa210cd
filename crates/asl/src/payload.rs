//! Payload templates: `Parameters`, `ResultSelector`, `ItemSelector` and the like.
//!
//! A template is JSON copied as-is, except that a key ending in `.$` takes its value (a
//! string) from a path into the state input (`$…`), the context object (`$$…`), a variable
//! (`$name…`), or an intrinsic call (`States.…(…)`); the key loses its `.$`. Nested objects and
//! arrays are resolved recursively; key order is the template's.

use crate::errors::StatesError;
use crate::intrinsics::{compact_json, evaluate_intrinsic_in_field, is_intrinsic, parse_intrinsic};
use crate::jsonpath::{parse_target, Scope};
use crate::random::Random;
use serde_json::{Map, Value};

/// Resolve a payload template against `scope`.
///
/// A definite path that selects nothing fails with `States.Runtime` and AWS's recorded cause
/// `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '<state
/// input as compact JSON>'` (the runner prefixes `An error occurred while executing the state
/// …`). An indefinite path that matches nothing yields `[]`. Intrinsic failures are
/// `States.IntrinsicFailure`.
pub fn resolve_template(
    template: &Value,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    match template {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                match key.strip_suffix(".$") {
                    Some(name) => {
                        let v = resolve_dynamic(key, value, scope, random)?;
                        out.insert(name.to_string(), v);
                    }
                    None => {
                        out.insert(key.clone(), resolve_template(value, scope, random)?);
                    }
                }
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => Ok(Value::Array(
            items.iter().map(|v| resolve_template(v, scope, random)).collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

/// The value of one `key.$` field: a path or an intrinsic call.
pub fn resolve_dynamic(
    field: &str,
    value: &Value,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    let Some(expr) = value.as_str() else {
        return Err(StatesError::runtime(format!(
            "The value for the field '{field}' must be a STRING that contains a JSONPath or an \
             intrinsic function, but was {}",
            compact_json(value)
        )));
    };
    if is_intrinsic(expr) {
        let call = parse_intrinsic(expr).map_err(|e| StatesError::intrinsic(e.message))?;
        return evaluate_intrinsic_in_field(&call, field, scope, random);
    }
    let target = parse_target(expr).map_err(|e| {
        StatesError::runtime(format!(
            "The value for the field '{field}' must be a valid JSONPath or a valid intrinsic \
             function call: {}",
            e.message
        ))
    })?;
    scope.evaluate(&target).map_err(|_| {
        StatesError::runtime(format!(
            "The JSONPath '{expr}' specified for the field '{field}' could not be found in the \
             input '{}'",
            compact_json(scope.input)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolve(template: Value, input: Value) -> Result<Value, StatesError> {
        let ctx = json!({"Execution": {"Input": input.clone(), "Name": "exec"}});
        let vars = |n: &str| (n == "v").then(|| json!({"k": [7, 8]}));
        let scope = Scope { input: &input, context: &ctx, variables: Some(&vars) };
        resolve_template(&template, &scope, &mut Random::new(3))
    }

    #[test]
    fn resolves_paths_context_variables_and_intrinsics() {
        let t = json!({
            "static": {"x": [1, {"y.$": "$.a"}]},
            "a.$": "$.a",
            "ctx.$": "$$.Execution.Name",
            "var.$": "$v.k[1]",
            "all.$": "$",
            "fmt.$": "States.Format('{}-{}', $.a, $$.Execution.Name)",
            "none.$": "$.items[*]",
            "lit": "$.not.a.path"
        });
        let out = resolve(t, json!({"a": 1})).unwrap();
        assert_eq!(
            out,
            json!({
                "static": {"x": [1, {"y": 1}]},
                "a": 1,
                "ctx": "exec",
                "var": 8,
                "all": {"a": 1},
                "fmt": "1-exec",
                "none": [],
                "lit": "$.not.a.path"
            })
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["static", "a", "ctx", "var", "all", "fmt", "none", "lit"]);
    }

    #[test]
    fn missing_path_is_runtime_error_with_aws_cause() {
        let e = resolve(json!({"value.$": "$.no_such_jsonpath"}), json!({"int-literal": 0}))
            .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be \
             found in the input '{\"int-literal\":0}'"
        );
        let e = resolve(json!({"value.$": "$$.Execution.Input.nope"}), json!({})).unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONPath '$$.Execution.Input.nope' specified for the field 'value.$' could not \
             be found in the input '{}'"
        );
    }

    #[test]
    fn intrinsic_failure_propagates() {
        let e = resolve(json!({"x.$": "States.ArrayGetItem($.a, 5)"}), json!({"a": []}));
        assert_eq!(e.unwrap_err().error, "States.IntrinsicFailure");
    }
}
