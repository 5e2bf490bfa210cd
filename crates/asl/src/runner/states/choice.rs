//! Choice: the first rule that holds (JSONPath rules or JSONata `Condition`s), else the
//! `Default`, else `States.NoChoiceMatched`; the rule's (or the state's) `Assign` / `Output`.

use serde_json::Value;

use crate::definition::{ChoiceCondition, ChoiceState, PathSpec, State};
use crate::errors::{names, StatesError};
use crate::history::Payload;
use crate::jsonpath::Scope;
use crate::runner::flow::leave;
use crate::runner::frame::FrameId;
use crate::runner::io::{self};
use crate::runner::lang::{eval, eval_typed, is_jsonata, prepare_assign, states_value, var_lookup};
use crate::runner::Execution;

/// Runs a Choice state.
pub(in crate::runner) fn run(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    choice: &ChoiceState,
    input: &Value,
) -> Result<(), StatesError> {
    if is_jsonata(state) {
        return choice_jsonata(exec, fid, state, choice, input);
    }
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective = io::apply_path_ref(&state.input_path, &scope)?;
    exec.record(fid, |t| t.after_input_path = Some(effective.clone().into_owned()));
    let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
    let mut chosen = None;
    for (i, branch) in choice.choices.iter().enumerate() {
        let matched = match &branch.rule {
            ChoiceCondition::Rule(rule) => {
                crate::choice::evaluate(rule, &mut |p| io::select(&scope, p))?
            }
            ChoiceCondition::Condition(t) => *t.source() == Value::Bool(true),
        };
        if matched {
            chosen = Some((i, branch.next.clone(), branch.assign.as_ref()));
            break;
        }
    }
    let (rule, next, assign) = match chosen {
        Some((i, next, assign)) => (Some(i), next, assign),
        None => match &choice.default {
            Some(d) => (None, d.clone(), state.assign.as_ref()),
            None => {
                return Err(StatesError::new(
                    names::NO_CHOICE_MATCHED,
                    "No Matching Rule in Choice State".to_string(),
                ))
            }
        },
    };
    exec.decide(|| crate::runner::Decision::Choice { state: state.pointer.clone(), rule });
    // With neither InputPath nor OutputPath, the output is the input itself: shared, not copied.
    let out = match (&state.input_path, &state.output_path) {
        (PathSpec::Default, PathSpec::Default) => exec.frames[fid].input.clone(),
        _ => Payload::new(io::apply_path(&state.output_path, &scope)?),
    };
    prepare_assign(exec, fid, assign, false, &effective, &ctx)?;
    leave(exec, fid, out, Some(next));
    Ok(())
}

/// A JSONata Choice state: the first rule whose `Condition` is true (or the Default), with
/// that rule's `Assign` / `Output` (the state's own for the Default; absent Output: the input).
pub(in crate::runner) fn choice_jsonata(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    choice: &ChoiceState,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let states = states_value(input, &ctx, None, None);
    let mut chosen = None;
    for (i, branch) in choice.choices.iter().enumerate() {
        let matched = match &branch.rule {
            ChoiceCondition::Condition(c) => {
                eval_typed(exec, fid, c, "Condition", &states, "boolean", Value::is_boolean)?
                    == Value::Bool(true)
            }
            ChoiceCondition::Rule(rule) => {
                let vars = exec.frames[fid].variables.clone();
                let lookup = var_lookup(&vars);
                let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
                crate::choice::evaluate(rule, &mut |p| io::select(&scope, p))?
            }
        };
        if matched {
            chosen = Some((i, branch.next.clone(), branch.assign.as_ref(), branch.output.as_ref()));
            break;
        }
    }
    let (rule, next, assign, output) = match chosen {
        Some((i, next, assign, output)) => (Some(i), next, assign, output),
        None => match &choice.default {
            Some(d) => (None, d.clone(), state.assign.as_ref(), state.output.as_ref()),
            None => {
                return Err(StatesError::new(
                    names::NO_CHOICE_MATCHED,
                    "No Matching Rule in Choice State".to_string(),
                ))
            }
        },
    };
    exec.decide(|| crate::runner::Decision::Choice { state: state.pointer.clone(), rule });
    prepare_assign(exec, fid, assign, true, input, &states)?;
    let out = match output {
        Some(o) => eval(exec, fid, o, "Output", &states)?,
        None => input.clone(),
    };
    leave(exec, fid, Payload::new(out), Some(next));
    Ok(())
}
