//! Wait: `Seconds`, `SecondsPath`, `Timestamp`, `TimestampPath` (or JSONata expressions); the
//! frame sleeps on the virtual clock until then and leaves with the prepared output.

use serde_json::Value;

use crate::definition::{NumberSpec, State, TimestampSpec, Wait};
use crate::errors::StatesError;
use crate::history::json_text;
use crate::jsonpath::{Scope, VariableLookup};
use crate::runner::frame::{FrameId, Phase};
use crate::runner::io::{self, display_plain};
use crate::runner::lang::{
    eval, eval_typed, is_jsonata, prepare_assign, query_error, states_value, var_lookup,
};
use crate::runner::Execution;

/// Starts a Wait state: computes the wake-up time and the output, and schedules the frame.
pub(in crate::runner) fn start(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    wait: &Wait,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let (until, out) = wait_until(exec, fid, state, wait, input, &ctx, &lookup)?;
    let f = &mut exec.frames[fid];
    f.effective = out;
    f.phase = Phase::WaitOver;
    exec.schedule(fid, until);
    Ok(())
}

/// A Wait state's wake-up time and output (its `Assign` is prepared for the exit).
pub(in crate::runner) fn wait_until(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    wait: &Wait,
    input: &Value,
    ctx: &Value,
    lookup: &VariableLookup,
) -> Result<(i64, Value), StatesError> {
    if is_jsonata(state) {
        return wait_until_jsonata(exec, fid, state, wait, input, ctx);
    }
    let lookup = |n: &str| lookup(n);
    let scope = Scope { input, context: ctx, variables: Some(&lookup) };
    let effective = io::apply_path(&state.input_path, &scope)?;
    exec.record(fid, |t| t.after_input_path = Some(effective.clone()));
    let scope = Scope { input: &effective, context: ctx, variables: Some(&lookup) };
    let until = match wait {
        Wait::Seconds(NumberSpec::Literal(v)) => {
            crate::time::after_seconds(exec.clock, v.as_u64().unwrap_or(0))
        }
        Wait::Seconds(NumberSpec::Path(p)) => {
            let v = io::select(&scope, p)?.ok_or_else(|| {
                StatesError::runtime(format!(
                    "The SecondsPath parameter does not reference an input value: {p}"
                ))
            })?;
            match v.as_i64() {
                Some(n) if n < 0 => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {p} == {v}"
                    )))
                }
                Some(n) => crate::time::after_seconds(exec.clock, n.unsigned_abs()),
                None => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {}",
                        display_plain(&v)
                    )))
                }
            }
        }
        Wait::Timestamp(TimestampSpec::Literal(s)) => {
            crate::time::parse_timestamp(s).unwrap_or(exec.clock)
        }
        Wait::Timestamp(TimestampSpec::Path(p)) => {
            let v = io::select(&scope, p)?.ok_or_else(|| {
                StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference an input value: {p}"
                ))
            })?;
            match v.as_str().and_then(crate::time::parse_timestamp) {
                Some(t) => t,
                None => {
                    return Err(StatesError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {}",
                        display_plain(&v)
                    )))
                }
            }
        }
        Wait::Seconds(NumberSpec::Expression(_))
        | Wait::Timestamp(TimestampSpec::Expression(_)) => exec.clock,
    };
    prepare_assign(exec, fid, state.assign.as_ref(), false, &effective, ctx)?;
    let out = io::apply_path(&state.output_path, &scope)?;
    Ok((until.max(exec.clock), out))
}

pub(in crate::runner) fn wait_until_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    wait: &Wait,
    input: &Value,
    ctx: &Value,
) -> Result<(i64, Value), StatesError> {
    let states = states_value(input, ctx, None, None);
    let until = match wait {
        Wait::Seconds(NumberSpec::Literal(v)) => {
            crate::time::after_seconds(exec.clock, v.as_u64().unwrap_or(0))
        }
        Wait::Seconds(NumberSpec::Expression(e)) => {
            let v = eval_typed(exec, fid, e, "Seconds", &states, "number", |v| v.is_number())?;
            match v.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                    crate::time::after_fractional_seconds(exec.clock, n)
                }
                _ => {
                    let message = format!(
                        "The Seconds field must be a non-negative integer, but was: {}",
                        json_text(&v)
                    );
                    return Err(query_error(exec, fid, Some("Seconds"), message));
                }
            }
        }
        Wait::Timestamp(TimestampSpec::Literal(s)) => {
            crate::time::parse_timestamp(s).unwrap_or(exec.clock)
        }
        // The parser allows no `…Path` fields in JSONata states.
        Wait::Seconds(NumberSpec::Path(_)) | Wait::Timestamp(TimestampSpec::Path(_)) => exec.clock,
        Wait::Timestamp(TimestampSpec::Expression(e)) => {
            let v = eval(exec, fid, e, "Timestamp", &states)?;
            match v.as_str().and_then(crate::time::parse_timestamp) {
                Some(t) => t,
                None => {
                    let message = format!(
                        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                        display_plain(&v)
                    );
                    return Err(query_error(exec, fid, Some("Timestamp"), message));
                }
            }
        }
    };
    prepare_assign(exec, fid, state.assign.as_ref(), true, input, &states)?;
    let out = match &state.output {
        Some(o) => eval(exec, fid, o, "Output", &states)?,
        None => input.clone(),
    };
    Ok((until.max(exec.clock), out))
}
