//! Pass: `InputPath` → `Result` or `Parameters` → `Assign` → `ResultPath` → `OutputPath`
//! (JSONPath), or `Assign` and `Output` (JSONata).

use serde_json::Value;

use crate::definition::{PathSpec, State};
use crate::errors::StatesError;
use crate::history::Payload;
use crate::jsonpath::Scope;
use crate::runner::flow::leave;
use crate::runner::frame::FrameId;
use crate::runner::io::{self};
use crate::runner::lang::{is_jsonata, prepare_assign, simple_jsonata, var_lookup};
use crate::runner::Execution;

/// Runs a Pass state.
pub(in crate::runner) fn run(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    result: Option<&Value>,
    input: &Value,
) -> Result<(), StatesError> {
    if is_jsonata(state) {
        let out = simple_jsonata(exec, fid, state, input)?;
        leave(exec, fid, Payload::new(out), None);
        return Ok(());
    }
    pass(exec, fid, state, result, input)
}

pub(in crate::runner) fn pass(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    result: Option<&Value>,
    input: &Value,
) -> Result<(), StatesError> {
    let plain = |p: &PathSpec| {
        matches!(p, PathSpec::Default) || matches!(p, PathSpec::Path(s) if *s == "$")
    };
    if result.is_none()
        && state.parameters.is_none()
        && state.assign.is_none()
        && plain(&state.input_path)
        && plain(&state.result_path)
        && plain(&state.output_path)
        && !exec.traced(fid)
    {
        // Nothing to do: the output is the input itself, shared (no copy per state, which the
        // history would otherwise keep once per event).
        let output = exec.frames[fid].input.clone();
        leave(exec, fid, output, None);
        return Ok(());
    }
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective = io::apply_path_ref(&state.input_path, &scope)?;
    exec.record(fid, |t| t.after_input_path = Some(effective.clone().into_owned()));
    let result = match (result, &state.parameters) {
        (Some(r), _) => {
            exec.record(fid, |t| t.after_parameters = Some(effective.clone().into_owned()));
            r.clone()
        }
        (None, Some(p)) => {
            let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
            let params = io::template(p, &scope, &mut exec.random)?;
            exec.record(fid, |t| t.after_parameters = Some(params.clone()));
            params
        }
        (None, None) => {
            exec.record(fid, |t| t.after_parameters = Some(effective.clone().into_owned()));
            effective.into_owned()
        }
    };
    exec.record(fid, |t| t.result = Some(result.clone()));
    prepare_assign(exec, fid, state.assign.as_ref(), false, &result, &ctx)?;
    let combined = io::apply_result_path(&state.result_path, input, result)?;
    exec.record(fid, |t| t.after_result_path = Some(combined.clone()));
    let out = io::apply_output_path(&state.output_path, combined, &ctx, &lookup)?;
    leave(exec, fid, Payload::new(out), None);
    Ok(())
}
