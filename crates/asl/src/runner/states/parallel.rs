//! Parallel: the effective input goes to every branch, each a child frame; the state's result
//! is the array of the branches' outputs (collected in `step`'s children check).

use std::sync::Arc;

use serde_json::Value;

use crate::definition::{Program, State};
use crate::errors::StatesError;
use crate::history::Event;
use crate::jsonpath::Scope;
use crate::runner::children::new_child;
use crate::runner::frame::{Children, FrameId, Phase, Role};
use crate::runner::io::{self};
use crate::runner::lang::{eval, is_jsonata, states_value, var_lookup};
use crate::runner::retry_catch::complete_body;
use crate::runner::Execution;

pub(in crate::runner) fn start_parallel(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    branches: &[Arc<Program>],
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let effective = if is_jsonata(state) {
        let args = match &state.arguments {
            Some(a) => {
                let states = states_value(input, &ctx, None, None);
                eval(exec, fid, a, "Arguments", &states)?
            }
            None => input.clone(),
        };
        exec.record(fid, |t| t.after_arguments = Some(args.clone()));
        args
    } else {
        let vars = exec.frames[fid].variables.clone();
        let lookup = var_lookup(&vars);
        let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
        let effective = io::apply_path(&state.input_path, &scope)?;
        exec.record(fid, |t| t.after_input_path = Some(effective.clone()));
        let params = match &state.parameters {
            Some(p) => {
                let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
                io::template(p, &scope, &mut exec.random)?
            }
            None => effective,
        };
        exec.record(fid, |t| t.after_parameters = Some(params.clone()));
        params
    };
    if let Some(answer) = exec.one_state_answer(fid) {
        // TestState's mock answers for the branches.
        complete_body(exec, fid, state, answer);
        return Ok(());
    }
    exec.emit(fid, Event::ParallelStateStarted);
    if exec.frames[fid].phase_is_done() {
        return Ok(());
    }
    exec.frames[fid].children = Some(Children {
        results: vec![None; branches.len()],
        total: branches.len(),
        ..Children::default()
    });
    exec.frames[fid].phase = Phase::Children;
    // Every branch shares the one effective input (no copy per branch: nested Parallel
    // states would otherwise multiply copies of a large input).
    let effective = crate::history::Payload::new(effective);
    for (i, b) in branches.iter().enumerate() {
        new_child(
            exec,
            fid,
            b.clone(),
            effective.clone(),
            Role::Branch { parent: fid, index: i },
            None,
        );
        if let Some(ch) = exec.frames[fid].children.as_mut() {
            ch.running += 1;
        }
    }
    Ok(())
}
