//! Succeed (its input, through `InputPath` / `OutputPath` or JSONata's `Output`) and Fail (its
//! `Error` and `Cause`: fixed, from a path or an intrinsic, or JSONata).

use serde_json::Value;

use crate::definition::{Fail, State, TextSpec};
use crate::errors::StatesError;
use crate::history::json_text;
use crate::history::Payload;
use crate::jsonpath::{Path, Scope};
use crate::runner::flow::{finish, leave};
use crate::runner::frame::{Failure, FrameId};
use crate::runner::io::{self, display_plain};
use crate::runner::lang::{eval_typed, is_jsonata, simple_jsonata, states_value, var_lookup};
use crate::runner::Execution;

/// Runs a Succeed state.
pub(in crate::runner) fn succeed(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<(), StatesError> {
    let out = if is_jsonata(state) {
        simple_jsonata(exec, fid, state, input)?
    } else {
        let ctx = exec.context(fid);
        let vars = exec.frames[fid].variables.clone();
        let lookup = var_lookup(&vars);
        let lookup = |n: &str| lookup(n);
        let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
        let effective = io::apply_path(&state.input_path, &scope)?;
        exec.record(fid, |t| t.after_input_path = Some(effective.clone()));
        let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
        io::apply_path(&state.output_path, &scope)?
    };
    leave(exec, fid, Payload::new(out), None);
    Ok(())
}

/// Runs a Fail state: the frame ends with its error and cause.
pub(in crate::runner) fn fail(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    fail: &Fail,
    input: &Value,
) -> Result<(), StatesError> {
    let jsonata = is_jsonata(state);
    if !jsonata {
        // A Fail state has no InputPath: its effective input is its input.
        exec.record(fid, |t| t.after_input_path = Some(input.clone()));
    }
    let ctx = exec.context(fid);
    let states = states_value(input, &ctx, None, None);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let text = |spec: &Option<TextSpec>, field: &str, exec: &mut Execution| match spec {
        None => Ok(None),
        Some(TextSpec::Literal(s)) => Ok(Some(s.clone())),
        Some(TextSpec::Path(p)) => fail_path(p, field, &scope, exec).map(Some),
        Some(TextSpec::Expression(e)) => {
            let v = eval_typed(exec, fid, e, field, &states, "string", |v| v.is_string())?;
            Ok(Some(display_plain(&v)))
        }
    };
    let (error_field, cause_field) =
        if jsonata { ("Error", "Cause") } else { ("ErrorPath", "CausePath") };
    let error = text(&fail.error, error_field, exec)?;
    let cause = text(&fail.cause, cause_field, exec)?;
    finish(exec, fid, Err(Failure { error, cause }));
    Ok(())
}

pub(in crate::runner) fn fail_path(
    path: &Path,
    field: &str,
    scope: &Scope,
    exec: &mut Execution,
) -> Result<String, StatesError> {
    if let Some(call) = path.intrinsic() {
        let call = call.map_err(|e| StatesError::intrinsic(e.message.clone()))?;
        let v =
            crate::intrinsics::evaluate_intrinsic_in_field(call, field, scope, &mut exec.random)?;
        return Ok(match v {
            Value::String(s) => s,
            other => json_text(&other),
        });
    }
    match io::select(scope, path)? {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Ok(json_text(&other)),
        None => Err(StatesError::runtime(format!(
            "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
            json_text(scope.input)
        ))),
    }
}
