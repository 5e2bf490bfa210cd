//! The bridge from the definition model's path fields to the data-flow layer, and AWS's
//! error-message prefix for errors raised while a state runs.

use std::borrow::Cow;

use serde_json::Value;

use crate::history::json_text;

use crate::dataflow::{self, PathField, ResultPathSpec};
use crate::definition::PathSpec;
use crate::errors::{names, StatesError};
use crate::jsonpath::{Path, Scope, VariableLookup};
use crate::random::Random;
use crate::template::Template;

pub(crate) fn path_field(spec: &PathSpec) -> PathField<'_> {
    match spec {
        PathSpec::Default => PathField::Absent,
        PathSpec::Null => PathField::Null,
        PathSpec::Path(p) => PathField::Path(p),
    }
}

pub(crate) fn result_path_spec(spec: &PathSpec) -> ResultPathSpec<'_> {
    match spec {
        PathSpec::Default => ResultPathSpec::Replace,
        PathSpec::Null => ResultPathSpec::Discard,
        PathSpec::Path(p) if *p == "$" => ResultPathSpec::Replace,
        PathSpec::Path(p) => ResultPathSpec::Path(p),
    }
}

/// `InputPath` / `OutputPath` / `ItemsPath` applied to `scope.input`.
pub(crate) fn apply_path(spec: &PathSpec, scope: &Scope) -> Result<Value, StatesError> {
    dataflow::apply_path_field(path_field(spec), scope)
}

/// [`apply_path`] borrowing the input when the field is absent (`$`: the whole input).
pub(crate) fn apply_path_ref<'a>(
    spec: &PathSpec,
    scope: &Scope<'a>,
) -> Result<Cow<'a, Value>, StatesError> {
    match spec {
        PathSpec::Default => Ok(Cow::Borrowed(scope.input)),
        _ => apply_path(spec, scope).map(Cow::Owned),
    }
}

/// `OutputPath` applied to an owned value, which passes through unchanged (not copied) when
/// the field is absent.
pub(crate) fn apply_output_path(
    spec: &PathSpec,
    value: Value,
    context: &Value,
    variables: &VariableLookup,
) -> Result<Value, StatesError> {
    if matches!(spec, PathSpec::Default) {
        return Ok(value);
    }
    let scope = Scope { input: &value, context, variables: Some(variables) };
    apply_path(spec, &scope)
}

pub(crate) fn apply_result_path(
    spec: &PathSpec,
    state_input: &Value,
    result: Value,
) -> Result<Value, StatesError> {
    dataflow::apply_result_path(result_path_spec(spec), state_input, result)
}

pub(crate) fn template(
    template: &Template,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    template.resolve_jsonpath(scope, random)
}

/// A path a Choice rule or a `…Path` field reads; `None` when it selects nothing.
pub(crate) fn select(scope: &Scope, path: &Path) -> Result<Option<Value>, StatesError> {
    path.select(scope).map_err(|e| {
        e.limit_error().unwrap_or_else(|| {
            StatesError::runtime(format!("Invalid path '{path}' : {}", e.message))
        })
    })
}

/// AWS prefixes the causes of errors the service raises while running a state (as opposed to
/// errors a task reports) with where it happened.
pub(crate) fn located(mut e: StatesError, state: &str, entered_event: u64) -> StatesError {
    if e.error == names::RUNTIME
        || e.error == names::QUERY_EVALUATION_ERROR
        || e.error == names::INTRINSIC_FAILURE
    {
        e.cause = format!(
            "An error occurred while executing the state '{state}' (entered at the event id #{entered_event}). {}",
            e.cause
        );
    }
    e
}

/// An integer given as a JSON number or as a string holding one (AWS reads `…Path` values
/// such as `"1"` as numbers).
pub(in crate::runner) fn int_like(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_i64(),
    }
}

/// A value as Java's `toString` shows it in AWS messages: strings unquoted.
pub(in crate::runner) fn display_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}
