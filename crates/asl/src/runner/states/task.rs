//! Task: effective parameters, `TimeoutSeconds` / `HeartbeatSeconds`, the `…Scheduled` and
//! `…Started` events, the answer (a mock, the built-in MockAPIFunction, a callback for
//! `.waitForTaskToken`, or an activity's worker: `runner::activities`), and the result or the
//! error.

use serde_json::{json, Value};

use crate::definition::{NumberSpec, State, StateKind};
use crate::errors::{names, StatesError};
use crate::history::{json_text, Event, Payload, TaskFamily};
use crate::jsonpath::Scope;
use crate::runner::flow::finish_with_result;
use crate::runner::frame::FrameId;
use crate::runner::io::{self};
use crate::runner::lang::{eval, eval_typed, is_jsonata, query_error, states_value, var_lookup};
use crate::runner::retry_catch::state_error;
use crate::runner::{activities, callbacks};
use crate::runner::{Execution, MAX_PAYLOAD_BYTES};
use crate::tasks::{self, mock_api, Outcome, Pattern, ResourceKind};

pub(in crate::runner) fn prepare_task(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    input: &Value,
) -> Result<(), StatesError> {
    let ctx = exec.context(fid);
    let vars = exec.frames[fid].variables.clone();
    let lookup = var_lookup(&vars);
    let jsonata = is_jsonata(state);
    let scope = Scope { input, context: &ctx, variables: Some(&lookup) };
    let effective = if jsonata {
        input.clone()
    } else {
        let effective = io::apply_path(&state.input_path, &scope)?;
        exec.record(fid, |t| t.after_input_path = Some(effective.clone()));
        effective
    };
    let wait_for_token = matches!(
        &state.kind,
        StateKind::Task(t) if matches!(
            ResourceKind::of(&t.resource),
            ResourceKind::Service { pattern: Pattern::WaitForTaskToken | Pattern::Sync, .. }
        )
    );
    // `.sync` / `.sync:2` tasks have a token too: SendTaskSuccess / Failure with it ends the
    // wait for the job, as on AWS.
    let ctx = if wait_for_token {
        let token = exec.task_token();
        exec.frames[fid].task_token = Some(token);
        exec.context(fid)
    } else {
        ctx
    };
    let params = match (&state.parameters, &state.arguments) {
        (_, Some(a)) if jsonata => {
            let states = states_value(input, &ctx, None, None);
            eval(exec, fid, a, "Arguments", &states)?
        }
        (Some(p), _) if !jsonata => {
            let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
            io::template(p, &scope, &mut exec.random)?
        }
        _ => effective,
    };
    exec.record(fid, |t| {
        if jsonata {
            t.after_arguments = Some(params.clone());
        } else {
            t.after_parameters = Some(params.clone());
        }
    });
    exec.frames[fid].effective = params;
    invoke(exec, fid, state);
    Ok(())
}

/// A number from a `…Seconds` / `…SecondsPath` field, read from the effective input (JSONPath)
/// or computed from `$states` (JSONata).
pub(in crate::runner) fn task_seconds(
    exec: &mut Execution,
    fid: FrameId,
    spec: &Option<NumberSpec>,
    field: &str,
    scope: &Scope,
    states: &Value,
) -> Result<Option<u64>, StatesError> {
    match spec {
        None => Ok(None),
        Some(NumberSpec::Literal(v)) => Ok(v.as_u64()),
        Some(NumberSpec::Path(p)) => {
            let target = p
                .target()
                .map_err(|e| StatesError::runtime(format!("Invalid path '{p}' : {}", e.message)))?;
            let v = scope
                .evaluate(target)
                .map_err(|e| StatesError::runtime(format!("Invalid path '{p}' : {}", e.message)))?;
            v.as_u64().filter(|n| *n > 0).map(Some).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The value of the path '{p}' must be a positive integer, but was {}",
                    json_text(&v)
                ))
            })
        }
        Some(NumberSpec::Expression(e)) => {
            let v = eval_typed(exec, fid, e, field, states, "number", Value::is_number)?;
            match v.as_f64() {
                Some(n) if n > 0.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
                _ => {
                    let message = format!(
                        "The {field} field must be a positive integer, but was: {}",
                        json_text(&v)
                    );
                    Err(query_error(exec, fid, Some(field), message))
                }
            }
        }
    }
}

pub(in crate::runner) fn invoke(exec: &mut Execution, fid: FrameId, state: &State) {
    let StateKind::Task(task) = &state.kind else { return };
    let params = exec.frames[fid].effective.clone();
    let input = exec.frames[fid].input.clone();
    let ctx = exec.context(fid);
    let timeouts = {
        let vars = exec.frames[fid].variables.clone();
        let lookup = var_lookup(&vars);
        let states = states_value(&input, &ctx, None, None);
        let scope = Scope { input: &input, context: &ctx, variables: Some(&lookup) };
        let effective = io::apply_path(&state.input_path, &scope).unwrap_or(Value::Null);
        let scope = Scope { input: &effective, context: &ctx, variables: Some(&lookup) };
        task_seconds(exec, fid, &task.timeout_seconds, "TimeoutSeconds", &scope, &states).and_then(
            |t| {
                task_seconds(
                    exec,
                    fid,
                    &task.heartbeat_seconds,
                    "HeartbeatSeconds",
                    &scope,
                    &states,
                )
                .map(|h| (t, h))
            },
        )
    };
    let (timeout, heartbeat) = match timeouts {
        Ok(pair) => pair,
        Err(e) => {
            state_error(exec, fid, e, false);
            return;
        }
    };
    let (kind, family) = task_identity(&task.resource);
    let resource = task.resource.clone();
    let activity = family == TaskFamily::Activity;
    if activity && !exec.activities.exists(&resource) {
        // Recorded: no `ActivityScheduled`, the execution fails with States.Runtime.
        state_error(exec, fid, activities::does_not_exist(&resource), false);
        return;
    }
    let scheduled = Event::TaskScheduled {
        family,
        resource: resource.clone(),
        region: exec.region.clone(),
        input: Payload::new(params.clone()),
        timeout_seconds: timeout,
        heartbeat_seconds: heartbeat,
    };
    exec.emit(fid, scheduled);
    if !activity {
        exec.emit(
            fid,
            Event::TaskStarted { family, resource: resource.clone(), worker_name: None },
        );
    }
    if exec.frames[fid].phase_is_done() {
        return;
    }
    // A `.sync` task whose parameters hand its token out can be answered by a callback; with
    // no job to run, it waits for one like `.waitForTaskToken` (nobody else will answer it).
    let hands_out_token = exec.frames[fid]
        .task_token
        .as_deref()
        .is_some_and(|token| json_text(&params).contains(token));
    let waits_for_token = match kind {
        ResourceKind::Service { pattern: Pattern::WaitForTaskToken, .. } => true,
        ResourceKind::Service { pattern: Pattern::Sync, .. } => hands_out_token,
        _ => false,
    };
    let mut latency_ms = 0;
    let answer = match exec.one_state_answer(fid) {
        Some(mocked) => Some(mocked),
        None => {
            let index = exec.invocations.get(&*state.name).copied().unwrap_or(0);
            let answer = call_resource(exec, &state.name, &kind, &params);
            if answer.is_some() {
                latency_ms =
                    exec.test_case.as_ref().map_or(0, |tc| tc.latency_ms(&state.name, index));
            }
            answer
        }
    };
    let unanswered_here = if answer.is_none() { exec.one_state_unanswered(fid) } else { None };
    let outcome = match (answer, unanswered_here) {
        (Some(outcome), _) => outcome,
        // A one-state run (TestState) has nobody to answer later.
        (None, Some(e)) => Outcome::Failure(e),
        (None, None) if waits_for_token => {
            // Nobody answers now: the task waits for SendTaskSuccess / Failure / Heartbeat.
            let output = submitted_output(exec, &kind, &params);
            exec.emit(fid, Event::TaskSubmitted { resource, output });
            callbacks::await_callback(exec, fid, timeout, heartbeat);
            return;
        }
        (None, None) if activity => {
            // No mocked worker: the task stays scheduled until a worker takes it
            // (`get_activity_task`, or an answer by hand with its token).
            activities::await_worker(exec, fid, &resource, timeout, heartbeat);
            return;
        }
        (None, None) => unanswered(&task.resource, &state.name),
    };
    if activity {
        // A mocked answer is a worker that takes the task at once (and gives no name).
        exec.emit(
            fid,
            Event::TaskStarted { family, resource: resource.clone(), worker_name: None },
        );
        if exec.frames[fid].phase_is_done() {
            return;
        }
    }
    let outcome = match outcome {
        Outcome::Success(v) if json_text(&v).len() > MAX_PAYLOAD_BYTES => {
            Outcome::Failure(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            ))
        }
        other => other,
    };
    let submits = matches!(
        kind,
        ResourceKind::Service { pattern: Pattern::Sync | Pattern::WaitForTaskToken, .. }
    );
    if submits {
        // The service accepted the request: a mock gives only the final answer, the
        // submission's own response is synthesized (tasks::submitted).
        let output = submitted_output(exec, &kind, &params);
        exec.emit(fid, Event::TaskSubmitted { resource, output });
    }
    if latency_ms > 0 {
        // The mock answers later on the virtual clock; the task's timeouts may come first.
        callbacks::await_mock(exec, fid, timeout, heartbeat, latency_ms, outcome);
        return;
    }
    complete_task(exec, fid, state, outcome);
}

/// The `TaskSubmitted` output: the submission call's own response where Stepwise knows its
/// shape (ids from the seeded random source, dates from the virtual clock), else `{}`.
fn submitted_output(exec: &mut Execution, kind: &ResourceKind, params: &Value) -> Payload {
    let response = match kind {
        ResourceKind::Service { service, action, .. } => {
            crate::tasks::submitted::submission_response(
                service,
                action,
                params,
                exec.clock,
                &mut exec.random,
            )
        }
        _ => None,
    };
    Payload::new(response.unwrap_or_else(|| json!({})))
}

/// Records a task's answer and moves on: result processing, or Retry / Catch.
pub(in crate::runner) fn complete_task(
    exec: &mut Execution,
    fid: FrameId,
    state: &State,
    outcome: Outcome,
) {
    let StateKind::Task(task) = &state.kind else { return };
    let (_, family) = task_identity(&task.resource);
    let resource = task.resource.clone();
    match outcome {
        Outcome::Success(result) => {
            let output = Payload::new(result);
            exec.emit(fid, Event::TaskSucceeded { family, resource, output: output.clone() });
            if exec.frames[fid].phase_is_done() {
                return;
            }
            if let Err(e) = finish_with_result(exec, fid, state, output.into_value()) {
                state_error(exec, fid, e, false);
            }
        }
        Outcome::Failure(e) => {
            let timed_out = e.error == names::TIMEOUT || e.error == names::HEARTBEAT_TIMEOUT;
            let failed = Event::TaskFailed {
                family,
                resource,
                error: e.error.clone(),
                cause: e.cause.clone(),
                timed_out,
            };
            exec.emit(fid, failed);
            if exec.frames[fid].phase_is_done() {
                return;
            }
            state_error(exec, fid, e, true);
        }
    }
}

/// What a Task resource is and which family of history events it uses.
pub(in crate::runner) fn task_identity(resource: &str) -> (ResourceKind, TaskFamily) {
    let kind = ResourceKind::of(resource);
    let family = match &kind {
        ResourceKind::LambdaFunction { .. } => TaskFamily::Lambda,
        ResourceKind::Activity { .. } => TaskFamily::Activity,
        _ => TaskFamily::Service,
    };
    (kind, family)
}

/// Who answers a task: the test case's mock, the built-in MockAPIFunction, or nobody (`None`).
pub(in crate::runner) fn call_resource(
    exec: &mut Execution,
    state: &str,
    kind: &ResourceKind,
    params: &Value,
) -> Option<Outcome> {
    let counter = exec.invocations.entry(state.to_string()).or_insert(0);
    let index = *counter;
    *counter += 1;
    if let Some(answer) = exec.test_case.as_ref().and_then(|tc| tc.answer(state, index)) {
        return Some(match answer {
            Ok(Outcome::Success(v)) => match kind {
                // A bare Lambda ARN's mock holds the Invoke response: the result is its Payload.
                ResourceKind::LambdaFunction { .. } => match v {
                    Value::Object(ref m) if m.contains_key("Payload") => {
                        Outcome::Success(m.get("Payload").cloned().unwrap_or(Value::Null))
                    }
                    other => Outcome::Success(other),
                },
                _ => Outcome::Success(v),
            },
            Ok(failure) => failure,
            Err(message) => Outcome::Failure(StatesError::new(names::TASK_FAILED, message)),
        });
    }
    if tasks::lambda_function_name(kind, params).as_deref() == Some(mock_api::FUNCTION_NAME) {
        let request_id = exec.request_id();
        return Some(match kind {
            ResourceKind::LambdaFunction { .. } => mock_api::invoke(params, &request_id),
            _ => {
                let payload = params.get("Payload").cloned().unwrap_or(Value::Null);
                match mock_api::invoke(&payload, &request_id) {
                    Outcome::Success(v) => {
                        Outcome::Success(mock_api::invoke_response(v, &request_id))
                    }
                    failure => failure,
                }
            }
        });
    }
    None
}

/// The failure of a task nobody answers, saying how to answer it.
pub(in crate::runner) fn unanswered(resource: &str, state: &str) -> Outcome {
    Outcome::Failure(StatesError::new(
        names::TASK_FAILED,
        format!(
            "Stepwise has no answer for the resource '{resource}' called by state '{state}'. Mock it with a mock configuration (AWS Step Functions Local MockConfigFile format) whose test case maps '{state}' to a mocked response, or call the built-in {} ({}).",
            mock_api::FUNCTION_NAME,
            crate::validate::MOCK_API_FUNCTION_ARN
        ),
    ))
}

/// A waiting task's scheduled wake-up: it times out if a deadline has passed.
pub(in crate::runner) fn callback_due(exec: &mut Execution, fid: FrameId) {
    if let Some(outcome) = callbacks::due(exec, fid) {
        answer_callback(exec, fid, outcome);
    }
}

/// A waiting task is answered (or timed out): it completes as if the resource had answered.
pub(in crate::runner) fn answer_callback(exec: &mut Execution, fid: FrameId, outcome: Outcome) {
    callbacks::stop_waiting(exec, fid);
    let frame = &exec.frames[fid];
    let (program, index) = (frame.program.clone(), frame.index);
    if let Some(state) = program.state_at(index) {
        complete_task(exec, fid, state, outcome);
    }
}
