//! AWS's `TestState` API: run one state of a definition on a given input, with an optional
//! mocked task result or error, and report each data-flow stage (`inspectionData`).

use crate::template::Template;
use serde_json::{json, Map, Value};

use crate::definition::{StateKind, StateMachine, Transition};
use crate::errors::{error_equals_matches, StatesError};
use crate::jsonpath::Scope;
use crate::random::Random;
use crate::runner::{Execution, ExecutionConfig};

/// What a task returns in a TestState call.
#[derive(Debug, Clone, PartialEq)]
pub enum TestMock {
    Result(Value),
    Error { error: String, cause: String },
}

#[derive(Debug, Clone)]
pub struct TestStateRequest {
    pub state_name: String,
    pub input: Value,
    pub mock: Option<TestMock>,
    /// `$$` as the caller wants it; a default context object otherwise.
    pub context: Option<Value>,
    /// `stateConfiguration.retrierRetryCount`: attempts already made.
    pub retrier_retry_count: u64,
    /// Workflow variables visible to the state (`$name`).
    pub variables: Map<String, Value>,
}

/// TestState's response.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResponse {
    pub status: &'static str,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    pub inspection_data: Value,
}

impl TestStateResponse {
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("status".into(), json!(self.status));
        if let Some(out) = &self.output {
            o.insert("output".into(), json!(crate::history::json_text(out)));
        }
        if let Some(e) = &self.error {
            o.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            o.insert("cause".into(), json!(c));
        }
        if let Some(n) = &self.next_state {
            o.insert("nextState".into(), json!(n));
        }
        o.insert("inspectionData".into(), self.inspection_data.clone());
        Value::Object(o)
    }
}

/// Runs `request.state_name` of `machine` (top-level states only).
pub fn test_state(
    machine: &StateMachine,
    request: &TestStateRequest,
) -> Result<TestStateResponse, String> {
    let state = machine.program.state(&request.state_name).ok_or_else(|| {
        format!("state '{}' is not in the definition's top-level States", request.state_name)
    })?;
    let context = match &request.context {
        Some(c) => c.clone(),
        None => Execution::start(
            std::sync::Arc::new(machine.clone()),
            ExecutionConfig { input: request.input.clone(), ..ExecutionConfig::default() },
        )
        .context_for_test(&request.state_name),
    };
    if state.query_language == crate::definition::QueryLanguage::Jsonata {
        return Ok(test_jsonata_state(state, request, &context));
    }
    let mut random = Random::new(0);
    let mut inspection = Map::new();
    let vars = &request.variables;
    let lookup = |n: &str| vars.get(n).cloned();
    let text = |v: &Value| json!(crate::history::json_text(v));
    inspection.insert("input".into(), text(&request.input));
    let input = &request.input;
    let fail = |e: StatesError| (e, None::<Value>);
    let outcome: Result<(Value, Option<String>), (StatesError, Option<Value>)> = (|| {
        let scope = Scope { input, context: &context, variables: Some(&lookup) };
        let effective =
            crate::runner::apply_path_for_test(&state.input_path, &scope).map_err(fail)?;
        inspection.insert("afterInputPath".into(), text(&effective));
        let scope = Scope { input: &effective, context: &context, variables: Some(&lookup) };
        let params = match &state.parameters {
            Some(p) => p.resolve_jsonpath(&scope, &mut random).map_err(fail)?,
            None => effective.clone(),
        };
        if matches!(
            state.kind,
            StateKind::Task(_)
                | StateKind::Pass { .. }
                | StateKind::Parallel { .. }
                | StateKind::Map(_)
        ) {
            inspection.insert("afterParameters".into(), text(&params));
        }
        let result = match &state.kind {
            StateKind::Pass { result } => Some(result.clone().unwrap_or(params)),
            StateKind::Task(task) => match &request.mock {
                Some(TestMock::Result(v)) => Some(v.clone()),
                Some(TestMock::Error { error, cause }) => {
                    return Err((StatesError::new(error.clone(), cause.clone()), None))
                }
                None => {
                    let kind = crate::tasks::ResourceKind::of(&task.resource);
                    if crate::tasks::lambda_function_name(&kind, &params).as_deref()
                        == Some(crate::tasks::mock_api::FUNCTION_NAME)
                    {
                        let payload = match kind {
                            crate::tasks::ResourceKind::LambdaFunction { .. } => params.clone(),
                            _ => params.get("Payload").cloned().unwrap_or(Value::Null),
                        };
                        match crate::tasks::mock_api::invoke(
                            &payload,
                            "00000000-0000-4000-8000-000000000000",
                        ) {
                            crate::tasks::Outcome::Success(v) => Some(v),
                            crate::tasks::Outcome::Failure(e) => return Err((e, None)),
                        }
                    } else {
                        return Err((
                            StatesError::new(
                                crate::errors::names::TASK_FAILED,
                                format!("no mock given for the resource '{}': pass --mock-result or --mock-error", task.resource),
                            ),
                            None,
                        ));
                    }
                }
            },
            StateKind::Fail(fail) => {
                let lit = |t: &Option<crate::definition::TextSpec>| match t {
                    Some(crate::definition::TextSpec::Literal(s)) => s.clone(),
                    _ => String::new(),
                };
                return Err((
                    StatesError::new(lit(&fail.error), lit(&fail.cause)),
                    Some(Value::Null),
                ));
            }
            _ => None,
        };
        let after_rp = match result {
            Some(result) => {
                inspection.insert("result".into(), text(&result));
                let result = match &state.result_selector {
                    Some(sel) => {
                        let scope =
                            Scope { input: &result, context: &context, variables: Some(&lookup) };
                        let r = sel.resolve_jsonpath(&scope, &mut random).map_err(fail)?;
                        inspection.insert("afterResultSelector".into(), text(&r));
                        r
                    }
                    None => result,
                };
                let combined =
                    crate::runner::apply_result_path_for_test(&state.result_path, input, result)
                        .map_err(fail)?;
                inspection.insert("afterResultPath".into(), text(&combined));
                combined
            }
            None => effective.clone(),
        };
        let scope = Scope { input: &after_rp, context: &context, variables: Some(&lookup) };
        let mut next = state.next().map(str::to_string);
        if let StateKind::Choice(choice) = &state.kind {
            let scope_in = Scope { input: &effective, context: &context, variables: Some(&lookup) };
            next = None;
            for b in &choice.choices {
                if let crate::definition::ChoiceCondition::Rule(rule) = &b.rule {
                    let hit = crate::choice::evaluate(rule, &mut |p| {
                        crate::jsonpath::select_in(&scope_in, p)
                            .map_err(|e| StatesError::runtime(e.message))
                    })
                    .map_err(fail)?;
                    if hit {
                        next = Some(b.next.clone());
                        break;
                    }
                }
            }
            if next.is_none() {
                next = choice.default.clone();
            }
            if next.is_none() {
                return Err((
                    StatesError::new(
                        crate::errors::names::NO_CHOICE_MATCHED,
                        "No Matching Rule in Choice State",
                    ),
                    None,
                ));
            }
        }
        let out = crate::runner::apply_path_for_test(&state.output_path, &scope).map_err(fail)?;
        if let Some(assign) = &state.assign {
            let scope = Scope { input: &after_rp, context: &context, variables: Some(&lookup) };
            if let Value::Object(m) = assign.resolve_jsonpath(&scope, &mut random).map_err(fail)? {
                let mut all = request.variables.clone();
                all.extend(m);
                inspection.insert("variables".into(), text(&Value::Object(all)));
            }
        }
        Ok((out, next))
    })();
    let mut response = TestStateResponse {
        status: "SUCCEEDED",
        output: None,
        error: None,
        cause: None,
        next_state: None,
        inspection_data: Value::Null,
    };
    match outcome {
        Ok((out, next)) => {
            response.output = Some(out);
            response.next_state = next.filter(|_| !matches!(state.transition, Transition::End));
        }
        Err((e, _)) => {
            if let Some(details) = retry_details(state, request, &e.error) {
                response.status = "RETRIABLE";
                inspection.insert("errorDetails".into(), details);
            } else if let Some((i, c)) = catcher(state, &e.error) {
                response.status = "CAUGHT_ERROR";
                let err_out = json!({"Error": e.error, "Cause": e.cause});
                response.output =
                    crate::runner::apply_result_path_for_test(&c.result_path, input, err_out).ok();
                response.next_state = Some(c.next.clone());
                inspection.insert("errorDetails".into(), json!({"catchIndex": i}));
            } else {
                response.status = "FAILED";
            }
            response.error = Some(e.error);
            response.cause = Some(e.cause);
        }
    }
    response.inspection_data = Value::Object(inspection);
    Ok(response)
}

/// `errorDetails` of a RETRIABLE answer: the first retrier matching `error`, if it has
/// attempts left after `retrierRetryCount`.
fn retry_details(
    state: &crate::definition::State,
    request: &TestStateRequest,
    error: &str,
) -> Option<Value> {
    let (i, r) = state
        .retry
        .iter()
        .enumerate()
        .find(|(_, r)| error_equals_matches(&r.error_equals, error))?;
    if request.retrier_retry_count >= r.max_attempts {
        return None;
    }
    let interval = crate::time::backoff_seconds(
        r.interval_seconds,
        r.backoff_rate,
        request.retrier_retry_count,
    );
    // The API's field is an Integer: an infinite backoff (BackoffRate 1e308) saturates there.
    let seconds = interval.round().min(f64::from(i32::MAX)) as u64;
    Some(json!({"retryIndex": i, "retryBackoffIntervalSeconds": seconds}))
}

/// The first catcher matching `error`, with its index.
fn catcher<'a>(
    state: &'a crate::definition::State,
    error: &str,
) -> Option<(usize, &'a crate::definition::Catcher)> {
    state.catch.iter().enumerate().find(|(_, c)| error_equals_matches(&c.error_equals, error))
}

/// A JSONata state's output, next state and variables after it.
type Finished = (Value, Option<String>, Map<String, Value>);

/// TestState for a JSONata state: `Arguments` → the task (mocked) → `Output` / `Assign`, with
/// `$states` and the request's variables; errors go through Retry / Catch (`Output`, `Assign`
/// with `$states.errorOutput`). `inspectionData` reports `input`, `afterArguments`, `result`
/// and `variables` (after the state's assignments).
fn test_jsonata_state(
    state: &crate::definition::State,
    request: &TestStateRequest,
    context: &Value,
) -> TestStateResponse {
    use crate::jsonata::Bindings;
    let mut random = Random::new(0);
    let mut inspection = Map::new();
    let text = |v: &Value| json!(crate::history::json_text(v));
    let input = &request.input;
    inspection.insert("input".into(), text(input));
    let vars = &request.variables;
    let lookup = |n: &str| vars.get(n).cloned();
    let qerr = |e: crate::jsonata::EvalError| {
        StatesError::new(crate::errors::names::QUERY_EVALUATION_ERROR, e.message)
    };
    let mut eval = |t: &Template, field: &str, states: &Value| {
        let b = Bindings { states, variables: &lookup, now_ms: 0 };
        t.resolve_jsonata(field, &b, &mut random).map_err(qerr)
    };
    let states_of = |result: Option<&Value>, error: Option<&Value>| {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), context.clone());
        if let Some(r) = result {
            m.insert("result".into(), r.clone());
        }
        if let Some(e) = error {
            m.insert("errorOutput".into(), e.clone());
        }
        Value::Object(m)
    };
    let with_assign =
        |assign: Option<&Template>,
         states: &Value,
         eval: &mut dyn FnMut(&Template, &str, &Value) -> Result<Value, StatesError>|
         -> Result<Map<String, Value>, StatesError> {
            let mut all = request.variables.clone();
            if let Some(a) = assign {
                if let Value::Object(m) = eval(a, "Assign", states)? {
                    all.extend(m);
                }
            }
            Ok(all)
        };
    let plain = states_of(None, None);
    let outcome: Result<Finished, StatesError> = (|| {
        let body_result = match &state.kind {
            StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) => {
                let args = match &state.arguments {
                    Some(a) => eval(a, "Arguments", &plain)?,
                    None => input.clone(),
                };
                inspection.insert("afterArguments".into(), text(&args));
                let result = match &request.mock {
                    Some(TestMock::Result(v)) => v.clone(),
                    Some(TestMock::Error { error, cause }) => {
                        return Err(StatesError::new(error.clone(), cause.clone()))
                    }
                    None => {
                        return Err(StatesError::new(
                            crate::errors::names::TASK_FAILED,
                            "no mock given for the state: pass --mock-result or --mock-error",
                        ))
                    }
                };
                inspection.insert("result".into(), text(&result));
                Some(result)
            }
            _ => None,
        };
        let states = states_of(body_result.as_ref(), None);
        let (assign, output, next) = match &state.kind {
            StateKind::Choice(choice) => {
                let mut chosen = None;
                for b in &choice.choices {
                    if let crate::definition::ChoiceCondition::Condition(c) = &b.rule {
                        if eval(c, "Condition", &states)? == Value::Bool(true) {
                            chosen = Some((b.assign.as_ref(), b.output.as_ref(), b.next.clone()));
                            break;
                        }
                    }
                }
                match chosen.or_else(|| {
                    choice
                        .default
                        .clone()
                        .map(|d| (state.assign.as_ref(), state.output.as_ref(), d))
                }) {
                    Some((a, o, n)) => (a, o, Some(n)),
                    None => {
                        return Err(StatesError::new(
                            crate::errors::names::NO_CHOICE_MATCHED,
                            "No Matching Rule in Choice State",
                        ))
                    }
                }
            }
            StateKind::Fail(fail) => {
                let mut field = |t: &Option<crate::definition::TextSpec>, name: &str| match t {
                    Some(crate::definition::TextSpec::Literal(s)) => Ok(s.clone()),
                    Some(crate::definition::TextSpec::Expression(e)) => {
                        eval(e, name, &states).map(|v| match v {
                            Value::String(s) => s,
                            other => crate::history::json_text(&other),
                        })
                    }
                    _ => Ok(String::new()),
                };
                let error = field(&fail.error, "Error")?;
                let cause = field(&fail.cause, "Cause")?;
                return Err(StatesError::new(error, cause));
            }
            _ => (state.assign.as_ref(), state.output.as_ref(), state.next().map(str::to_string)),
        };
        let variables = with_assign(assign, &states, &mut eval)?;
        let out = match output {
            Some(o) => eval(o, "Output", &states)?,
            None => body_result.unwrap_or_else(|| input.clone()),
        };
        Ok((out, next, variables))
    })();
    let mut response = TestStateResponse {
        status: "SUCCEEDED",
        output: None,
        error: None,
        cause: None,
        next_state: None,
        inspection_data: Value::Null,
    };
    match outcome {
        Ok((out, next, variables)) => {
            response.output = Some(out);
            response.next_state = next.filter(|_| !matches!(state.transition, Transition::End));
            inspection.insert("variables".into(), text(&Value::Object(variables)));
        }
        Err(e) => {
            if let Some(details) = retry_details(state, request, &e.error) {
                response.status = "RETRIABLE";
                inspection.insert("errorDetails".into(), details);
            } else if let Some((i, c)) = catcher(state, &e.error) {
                let err_out = json!({"Error": e.error, "Cause": e.cause});
                let states = states_of(None, Some(&err_out));
                let caught = with_assign(c.assign.as_ref(), &states, &mut eval).and_then(|vars| {
                    let out = match &c.output {
                        Some(o) => eval(o, "Output", &states)?,
                        None => err_out.clone(),
                    };
                    Ok((out, vars))
                });
                match caught {
                    Ok((out, vars)) => {
                        response.status = "CAUGHT_ERROR";
                        response.output = Some(out);
                        response.next_state = Some(c.next.clone());
                        inspection.insert("variables".into(), text(&Value::Object(vars)));
                        inspection.insert("errorDetails".into(), json!({"catchIndex": i}));
                    }
                    Err(e2) => {
                        response.status = "FAILED";
                        response.error = Some(e2.error);
                        response.cause = Some(e2.cause);
                        response.inspection_data = Value::Object(inspection);
                        return response;
                    }
                }
            } else {
                response.status = "FAILED";
            }
            response.error = Some(e.error);
            response.cause = Some(e.cause);
        }
    }
    response.inspection_data = Value::Object(inspection);
    response
}
