//! Workflow variables and JSONata evaluation as the runner uses them.
//!
//! - JSONPath states read variables through `$name` paths ([`var_lookup`] feeds
//!   [`Scope::variables`]); their `Assign` is a payload template whose `$` is the state's
//!   result ([`assign_jsonpath`]).
//! - JSONata states evaluate `{% … %}` templates with `$states` ([`states_value`]) and the
//!   frame's variables ([`eval`]). A failure is `States.QueryEvaluationError`; the failing
//!   field is remembered in the frame so that the `EvaluationFailed` event can name it.
//! - Every `Assign` value sees the variables as they were when the state was entered; the
//!   assignments are applied when the state exits ([`Execution`]'s `leave`).

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{Execution, FrameId};
use crate::definition::{QueryLanguage, State};
use crate::errors::{names, StatesError};
use crate::history::Payload;
use crate::jsonata::{self, Bindings};
use crate::jsonpath::Scope;
use crate::template::Template;

pub(super) fn is_jsonata(state: &State) -> bool {
    state.query_language == QueryLanguage::Jsonata
}

/// A variable lookup over a frame's variables, for [`Scope::variables`].
pub(super) fn var_lookup(vars: &Map<String, Value>) -> impl Fn(&str) -> Option<Value> + '_ {
    move |name: &str| vars.get(name).cloned()
}

/// The `$states` object: `input` and `context` always, `result` after a Task / Parallel /
/// Map body, `errorOutput` in a Catch.
pub(super) fn states_value(
    input: &Value,
    ctx: &Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("input".into(), input.clone());
    m.insert("context".into(), jsonata_context(ctx));
    if let Some(r) = result {
        m.insert("result".into(), r.clone());
    }
    if let Some(e) = error_output {
        m.insert("errorOutput".into(), e.clone());
    }
    Value::Object(m)
}

/// `$states.context` differs from JSONPath's `$$` as recorded on AWS: `State` has no
/// `RetryCount` before a retry. (Both carry `Execution.RedriveCount`.)
fn jsonata_context(ctx: &Value) -> Value {
    let mut ctx = ctx.clone();
    if super::trace::context_as_given() {
        return ctx;
    }
    if let Some(Value::Object(state)) = ctx.get_mut("State") {
        if state.get("RetryCount") == Some(&json!(0)) {
            state.remove("RetryCount");
        }
    }
    ctx
}

/// A `States.QueryEvaluationError` raised for `field` (`None`: not tied to a field, e.g. the
/// Map input check), remembered for the `EvaluationFailed` event.
pub(super) fn query_error(
    exec: &mut Execution,
    fid: FrameId,
    field: Option<&str>,
    message: String,
) -> StatesError {
    if let Some(f) = exec.frames.get_mut(fid) {
        f.failed_field = field.map(str::to_string);
    }
    StatesError::new(names::QUERY_EVALUATION_ERROR, message)
}

/// The field path AWS reports for a failed evaluation: the one quoted in the message
/// (`… specified for the field 'Arguments/FunctionName' …`), else the top-level field.
fn failed_location(message: &str, field: &str) -> String {
    const MARK: &str = "specified for the field '";
    message
        .find(MARK)
        .and_then(|i| message.get(i + MARK.len()..))
        .and_then(|rest| rest.find('\'').and_then(|j| rest.get(..j)))
        .map_or_else(|| field.to_string(), str::to_string)
}

/// Resolves a JSONata template (a `{% … %}` string, or a value with such strings inside) for
/// `field`, with `$states` = `states` and the frame's variables.
pub(super) fn eval(
    exec: &mut Execution,
    fid: FrameId,
    template: &Template,
    field: &str,
    states: &Value,
) -> Result<Value, StatesError> {
    let result = {
        let Execution { frames, random, clock, .. } = &mut *exec;
        let empty = Map::new();
        let vars = frames.get(fid).map_or(&empty, |f| &f.variables);
        let lookup = var_lookup(vars);
        let b = Bindings { states, variables: &lookup, now_ms: *clock };
        template.resolve_jsonata(field, &b, random)
    };
    result.map_err(|e| {
        let location = failed_location(&e.message, field);
        query_error(exec, fid, Some(&location), e.message)
    })
}

/// Like [`eval`] for a field that must give a value of one JSON type (`expected`: AWS's
/// name, e.g. `array`, `boolean`, `string`).
pub(super) fn eval_typed(
    exec: &mut Execution,
    fid: FrameId,
    template: &Template,
    field: &str,
    states: &Value,
    expected: &str,
    ok: impl Fn(&Value) -> bool,
) -> Result<Value, StatesError> {
    let v = eval(exec, fid, template, field, states)?;
    if ok(&v) {
        return Ok(v);
    }
    let expr = match template.source() {
        Value::String(s) => jsonata::template_expression(s).unwrap_or(s).to_string(),
        other => other.to_string(),
    };
    let message = jsonata::unexpected_type(&expr, field, expected, &v).message;
    Err(query_error(exec, fid, Some(field), message))
}

/// A JSONPath `Assign` block: a payload template whose `$` is `dollar`, `$$` the context and
/// `$name` the variables as they were before the state.
pub(super) fn assign_jsonpath(
    exec: &mut Execution,
    fid: FrameId,
    template: &Template,
    dollar: &Value,
    ctx: &Value,
) -> Result<Map<String, Value>, StatesError> {
    let Execution { frames, random, .. } = &mut *exec;
    let empty = Map::new();
    let vars = frames.get(fid).map_or(&empty, |f| &f.variables);
    let lookup = var_lookup(vars);
    let scope = Scope { input: dollar, context: ctx, variables: Some(&lookup) };
    match template.resolve_jsonpath(&scope, random)? {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// Computes a state's (or Catch / Choice rule's) `Assign` and keeps it for the exit.
/// JSONPath: `dollar` is the template's `$` and `states` the context object (`$$`);
/// JSONata: `states` is `$states`.
pub(super) fn prepare_assign(
    exec: &mut Execution,
    fid: FrameId,
    assign: Option<&Template>,
    jsonata_mode: bool,
    dollar: &Value,
    states: &Value,
) -> Result<(), StatesError> {
    let Some(template) = assign else {
        exec.frames[fid].pending_assign = None;
        return Ok(());
    };
    let values = if jsonata_mode {
        match eval(exec, fid, template, "Assign", states)? {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    } else {
        assign_jsonpath(exec, fid, template, dollar, states)?
    };
    let limit = crate::template::budget::MAX_PAYLOAD_DEPTH;
    if let Some((name, _)) =
        values.iter().find(|(_, v)| crate::template::budget::deeper_than(v, limit))
    {
        let e = crate::template::budget::too_deep(&format!(
            "The value assigned to the variable '{name}' is"
        ));
        crate::template::budget::dismantle(Value::Object(values));
        return Err(e);
    }
    let assigned: Vec<(String, Payload)> =
        values.into_iter().map(|(name, value)| (name, Payload::new(value))).collect();
    check_assign_size(&assigned)?;
    exec.frames[fid].pending_assign = Some(assigned);
    Ok(())
}

/// AWS's variable quotas: one variable, and all the variables of one `Assign` together, may
/// hold at most 256 KiB (as JSON text).
pub(crate) const MAX_ASSIGN_BYTES: usize = 262_144;

fn check_assign_size(assigned: &[(String, Payload)]) -> Result<(), StatesError> {
    let mut total = 0;
    for (name, value) in assigned {
        let size = value.byte_len();
        if size > MAX_ASSIGN_BYTES {
            return Err(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The value assigned to the variable '{name}' is {size} bytes, over the \
                     {MAX_ASSIGN_BYTES}-byte limit for a variable."
                ),
            ));
        }
        total += size;
    }
    if total > MAX_ASSIGN_BYTES {
        return Err(StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The variables assigned together are {total} bytes, over the \
                 {MAX_ASSIGN_BYTES}-byte limit for one Assign."
            ),
        ));
    }
    Ok(())
}

/// Applies the pending assignments of frame `fid`; returns the `assignedVariables` of the
/// exit event when anything was assigned (the values with the JSON text the quota measured).
pub(super) fn apply_assign(exec: &mut Execution, fid: FrameId) -> Option<Vec<(String, Payload)>> {
    let frame = exec.frames.get_mut(fid)?;
    let assigned = frame.pending_assign.take()?;
    if assigned.is_empty() {
        return None;
    }
    let variables = Arc::make_mut(&mut frame.variables);
    for (name, value) in &assigned {
        variables.insert(name.clone(), value.value().clone());
    }
    Some(assigned)
}

/// A JSONata Pass or Succeed state: `Assign`, then `Output` (absent: the input).
pub(super) fn simple_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<Value, StatesError> {
    let ctx = exec.context(fid);
    let states = states_value(input, &ctx, None, None);
    prepare_assign(exec, fid, state.assign.as_ref(), true, input, &states)?;
    match &state.output {
        Some(o) => eval(exec, fid, o, "Output", &states),
        None => Ok(input.clone()),
    }
}
