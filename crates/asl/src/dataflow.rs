//! The JSONPath input/output pipeline of a state: `InputPath` → (`Parameters`) → task →
//! (`ResultSelector`) → `ResultPath` → `OutputPath`, with AWS's errors and messages.
//!
//! The three path fields each have three forms in a definition, modelled by [`PathField`]
//! (`InputPath`, `OutputPath`) and [`ResultPathSpec`] (`ResultPath`):
//! - field absent: the default `$`;
//! - field given as JSON `null`: `InputPath` / `OutputPath` give `{}`, `ResultPath` discards
//!   the result and keeps the state input;
//! - a path string.
//!
//! Causes are the part after AWS's `An error occurred while executing the state '<name>'
//! (entered at the event id #<n>). ` prefix, which the runner adds.

use crate::errors::{names, StatesError};
use crate::intrinsics::compact;
use crate::jsonpath::{JsonPath, Path, PathTarget, Scope};
use serde_json::{Map, Value};

/// `InputPath` / `OutputPath` as written in a definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathField<'a> {
    /// The field is absent: `$`, the whole value.
    Absent,
    /// The field is JSON `null`: the empty object `{}`.
    Null,
    /// A path (`$…`, `$$…` or `$var…`).
    Path(&'a Path),
}

impl<'a> From<Option<&'a Path>> for PathField<'a> {
    fn from(p: Option<&'a Path>) -> Self {
        p.map(PathField::Path).unwrap_or(PathField::Absent)
    }
}

/// `ResultPath` as written in a definition.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ResultPathSpec<'a> {
    /// Absent (or `$`): the result replaces the input.
    #[default]
    Replace,
    /// JSON `null`: the result is discarded, the state input passes through.
    Discard,
    /// A reference path such as `$.result` or `$.a.b[0]`.
    Path(&'a Path),
}

/// `InputPath` (`None` = `$`). A path that selects nothing fails with `States.Runtime`,
/// cause `Invalid path '$.x' : No results for path: $['x']` (recorded).
pub fn apply_input_path(path: Option<&Path>, scope: &Scope) -> Result<Value, StatesError> {
    apply_path_field(PathField::from(path), scope)
}

/// `OutputPath` (`None` = `$`): `scope.input` is the value after `ResultPath`. Same errors as
/// [`apply_input_path`] (recorded: `Invalid path '$.no.such.result.path' : Missing property
/// in path $['no']`).
pub fn apply_output_path(path: Option<&Path>, scope: &Scope) -> Result<Value, StatesError> {
    apply_path_field(PathField::from(path), scope)
}

/// `InputPath` / `OutputPath` including the JSON-`null` form (→ `{}`).
pub fn apply_path_field(field: PathField, scope: &Scope) -> Result<Value, StatesError> {
    match field {
        PathField::Absent => Ok(scope.input.clone()),
        PathField::Null => Ok(Value::Object(Map::new())),
        PathField::Path(p) => p.evaluate(scope).map_err(|e| {
            e.limit_error().unwrap_or_else(|| {
                StatesError::runtime(format!("Invalid path '{p}' : {}", e.message))
            })
        }),
    }
}

/// `ResultPath`: combine the state input and the state's result.
///
/// A path writes the result into a copy of the input, creating missing objects on the way.
/// When it cannot (the input, or a value on the way, is not an object), the error is
/// `States.ResultPathMatchFailure`.
pub fn apply_result_path(
    path: ResultPathSpec,
    state_input: &Value,
    result: Value,
) -> Result<Value, StatesError> {
    match path {
        ResultPathSpec::Replace => Ok(result),
        ResultPathSpec::Discard => Ok(state_input.clone()),
        ResultPathSpec::Path(p) => {
            let reparsed;
            let compiled = match p.target() {
                Ok(PathTarget::Input(compiled)) => compiled,
                // `$$…` / `$var…` (not reference paths) or unparsable: as the input path parser
                // sees them, for its message.
                _ => {
                    reparsed = JsonPath::parse(p).map_err(|e| {
                        StatesError::runtime(format!("Invalid path '{p}' : {}", e.message))
                    })?;
                    &reparsed
                }
            };
            if !compiled.is_reference_path() {
                return Err(StatesError::runtime(format!(
                    "Invalid path '{p}' : ResultPath must be a reference path"
                )));
            }
            let mut out = state_input.clone();
            compiled.set(&mut out, result).map_err(|_| {
                StatesError::new(
                    names::RESULT_PATH_MATCH_FAILURE,
                    format!("Unable to apply ResultPath '{p}' to input '{}'", compact(state_input)),
                )
            })?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(input: &Value) -> Scope<'_> {
        Scope { input, context: &Value::Null, variables: None }
    }

    #[test]
    fn input_and_output_paths() {
        let input = json!({"a": {"b": 1}});
        assert_eq!(apply_input_path(None, &scope(&input)).unwrap(), input);
        assert_eq!(
            apply_input_path(Some(&Path::compile("$.a")), &scope(&input)).unwrap(),
            json!({"b": 1})
        );
        assert_eq!(apply_path_field(PathField::Null, &scope(&input)).unwrap(), json!({}));
        assert_eq!(
            apply_output_path(Some(&Path::compile("$.a.b")), &scope(&input)).unwrap(),
            json!(1)
        );
    }

    #[test]
    fn missing_paths_use_recorded_causes() {
        let input = json!({"int-literal": 0});
        let e = apply_input_path(Some(&Path::compile("$.NoSuchInputPath")), &scope(&input))
            .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
        );
        let e =
            apply_output_path(Some(&Path::compile("$.no.such.result.path")), &scope(&json!({})))
                .unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        );
    }

    #[test]
    fn result_path_forms() {
        let input = json!({"a": 1});
        assert_eq!(apply_result_path(ResultPathSpec::Replace, &input, json!(2)).unwrap(), json!(2));
        assert_eq!(apply_result_path(ResultPathSpec::Discard, &input, json!(2)).unwrap(), input);
        assert_eq!(
            apply_result_path(ResultPathSpec::Path(&Path::compile("$.r.s")), &input, json!(2))
                .unwrap(),
            json!({"a": 1, "r": {"s": 2}})
        );
        assert_eq!(
            apply_result_path(ResultPathSpec::Path(&Path::compile("$.a")), &input, json!([3]))
                .unwrap(),
            json!({"a": [3]})
        );
        assert_eq!(
            apply_result_path(ResultPathSpec::Path(&Path::compile("$")), &input, json!(2)).unwrap(),
            json!(2)
        );
        let e =
            apply_result_path(ResultPathSpec::Path(&Path::compile("$.x")), &json!("str"), json!(1))
                .unwrap_err();
        assert_eq!(e.error, "States.ResultPathMatchFailure");
        let e = apply_result_path(ResultPathSpec::Path(&Path::compile("$.a[*]")), &input, json!(1))
            .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
    }
}
