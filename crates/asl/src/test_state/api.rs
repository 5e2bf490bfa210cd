//! A TestState request in the API's JSON shape (AWS CLI's `--cli-input-json`): `definition`,
//! `roleArn`, `input`, `inspectionLevel`, `revealSecrets`, `variables`, `stateName`, `mock`,
//! `context`, `stateConfiguration`, with `definition`, `input`, `variables`, `context`,
//! `mock.result` and `stateConfiguration.mapItemReaderData` as JSON *text*, as the API takes
//! them. A request AWS refuses gives a [`Rejection`] with AWS's exception name and message.

use std::fmt;

use serde_json::{json, Map, Value};

use super::{
    test_state, FieldValidationMode, InspectionLevel, TestMock, TestStateRequest,
    TestStateResponse, TESTED_STATE_NAME,
};
use crate::diagnostics::Severity;
use crate::StateMachine;

/// A request TestState refuses: AWS's exception (`ValidationException`,
/// `InvalidDefinition`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub exception: &'static str,
    pub message: String,
}

impl Rejection {
    pub fn validation(message: &str) -> Rejection {
        Rejection { exception: "ValidationException", message: message.to_string() }
    }

    pub fn invalid_definition(message: &str) -> Rejection {
        Rejection { exception: "InvalidDefinition", message: message.to_string() }
    }

    /// `{"exception", "message"}`.
    pub fn to_json(&self) -> Value {
        json!({"exception": self.exception, "message": self.message})
    }
}

impl fmt::Display for Rejection {
    /// The AWS CLI's line for it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "An error occurred ({}) when calling the TestState operation: {}",
            self.exception, self.message
        )
    }
}

/// AWS's limit on each JSON text field of the request (`definition` allows 1 MiB).
const TEXT_LIMIT: usize = 262_144;
const DEFINITION_LIMIT: usize = 1_048_576;

/// Runs a TestState request given in the API's JSON shape.
pub fn test_state_api(request: &Value) -> Result<TestStateResponse, Rejection> {
    let (machine, req) = parse_request(request)?;
    test_state(&machine, &req)
}

/// Reads a request: the compiled definition (a single state is wrapped as the state
/// [`TESTED_STATE_NAME`] of a one-state machine) and the typed request.
pub fn parse_request(request: &Value) -> Result<(StateMachine, TestStateRequest), Rejection> {
    let Value::Object(r) = request else {
        return Err(Rejection::validation("The request must be a JSON object"));
    };
    let definition = text_field(r, "definition", DEFINITION_LIMIT)?
        .ok_or_else(|| Rejection::validation("The request has no definition"))?;
    let state_name = text_field(r, "stateName", 80)?;
    let mut req = TestStateRequest::default();
    let parsed: Value = serde_json::from_str(&definition)
        .map_err(|e| definition_error(&[format!("INVALID_JSON_DESCRIPTION: Invalid JSON: {e}")]))?;
    let machine_value = match (&parsed, state_name) {
        (Value::Object(o), Some(name)) if o.contains_key("States") => {
            req.state_name = name;
            parsed.clone()
        }
        (Value::Object(o), None) if o.contains_key("States") => {
            return Err(Rejection::validation(
                "stateName is required when the definition is a whole state machine",
            ))
        }
        (Value::Object(state), name) => {
            let name = name.unwrap_or_else(|| TESTED_STATE_NAME.to_string());
            req.state_name = name.clone();
            one_state_machine(&name, state)
        }
        _ => {
            return Err(definition_error(&[
                "SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /".into(),
            ]))
        }
    };
    let machine = StateMachine::from_value(&machine_value).map_err(|diagnostics| {
        let lines: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {} at {}", d.code, d.message, d.location))
            .collect();
        definition_error(&lines)
    })?;
    if machine.program.state(&req.state_name).is_none() {
        return Err(Rejection::validation("State not found in definition"));
    }
    if let Some(input) = text_field(r, "input", TEXT_LIMIT)? {
        req.input = json_text(&input, "input")?;
    }
    req.role_arn = text_field(r, "roleArn", 256)?;
    req.inspection_level = match text_field(r, "inspectionLevel", TEXT_LIMIT)?.as_deref() {
        None | Some("INFO") => InspectionLevel::Info,
        Some("DEBUG") => InspectionLevel::Debug,
        Some("TRACE") => InspectionLevel::Trace,
        Some(other) => return Err(enum_error(other, "inspectionLevel", "[INFO, DEBUG, TRACE]")),
    };
    req.reveal_secrets = match r.get("revealSecrets") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Rejection::validation("revealSecrets must be a boolean")),
    };
    if let Some(vars) = text_field(r, "variables", TEXT_LIMIT)? {
        match json_text(&vars, "variables")? {
            Value::Object(m) => req.variables = m,
            _ => return Err(Rejection::validation("variables must be a JSON object")),
        }
    }
    if let Some(context) = text_field(r, "context", TEXT_LIMIT)? {
        req.context = Some(json_text(&context, "context")?);
    }
    if let Some(mock) = r.get("mock").filter(|m| !m.is_null()) {
        parse_mock(mock, &mut req)?;
    }
    if let Some(config) = r.get("stateConfiguration").filter(|c| !c.is_null()) {
        let Value::Object(c) = config else {
            return Err(Rejection::validation("stateConfiguration must be an object"));
        };
        req.retrier_retry_count = count_field(c, "retrierRetryCount")?.unwrap_or(0);
        req.map_iteration_failure_count = count_field(c, "mapIterationFailureCount")?;
        req.error_caused_by_state = text_field(c, "errorCausedByState", 80)?;
        req.map_item_reader_data = text_field(c, "mapItemReaderData", TEXT_LIMIT)?;
    }
    Ok((machine, req))
}

fn parse_mock(mock: &Value, req: &mut TestStateRequest) -> Result<(), Rejection> {
    let Value::Object(m) = mock else {
        return Err(Rejection::validation("mock must be an object"));
    };
    let result = text_field(m, "result", TEXT_LIMIT)?;
    let error_output = m.get("errorOutput").filter(|e| !e.is_null());
    req.field_validation_mode = match text_field(m, "fieldValidationMode", TEXT_LIMIT)?.as_deref() {
        None | Some("STRICT") => FieldValidationMode::Strict,
        Some("PRESENT") => FieldValidationMode::Present,
        Some("NONE") => FieldValidationMode::None,
        Some(other) => {
            return Err(enum_error(other, "mock.fieldValidationMode", "[STRICT, PRESENT, NONE]"))
        }
    };
    req.mock = Some(match (result, error_output) {
        (Some(_), Some(_)) => {
            return Err(Rejection::validation(
                "A test mock should have only one of the following fields: [result, errorOutput].",
            ))
        }
        (None, None) => {
            return Err(Rejection::validation(
                "A test mock should have one of the following fields: [result, errorOutput].",
            ))
        }
        (Some(text), None) => TestMock::Result(
            serde_json::from_str(&text)
                .map_err(|_| Rejection::validation("Mocked result must be valid JSON"))?,
        ),
        (None, Some(Value::Object(e))) => TestMock::Error {
            error: text_field(e, "error", TEXT_LIMIT)?.unwrap_or_default(),
            cause: text_field(e, "cause", TEXT_LIMIT)?.unwrap_or_default(),
        },
        (None, Some(_)) => return Err(Rejection::validation("mock.errorOutput must be an object")),
    });
    Ok(())
}

/// A single state as the one state of a machine named `name`; the states it may go to
/// (`Next`, a Choice's `Default` and rules, a catcher's `Next`) are added as Succeed states, so
/// that validation accepts transitions out of the definition, as AWS's TestState does.
fn one_state_machine(name: &str, state: &Map<String, Value>) -> Value {
    let mut targets: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(t) = v.and_then(Value::as_str) {
            if t != name && !targets.iter().any(|x| x == t) {
                targets.push(t.to_string());
            }
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        for rule in state.get(list).and_then(Value::as_array).into_iter().flatten() {
            add(rule.get("Next"));
        }
    }
    let mut states = Map::new();
    states.insert(name.to_string(), Value::Object(state.clone()));
    for t in targets {
        states.insert(t, json!({"Type": "Succeed"}));
    }
    json!({"StartAt": name, "States": states})
}

fn definition_error(lines: &[String]) -> Rejection {
    Rejection::invalid_definition(&format!(
        "Invalid State Machine Definition: '{}'",
        lines.join(", ")
    ))
}

/// AWS's message for a value outside an enumeration.
fn enum_error(value: &str, field: &str, values: &str) -> Rejection {
    Rejection::validation(&format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: {values}"
    ))
}

/// A string field, at most `limit` characters.
fn text_field(
    o: &Map<String, Value>,
    name: &str,
    limit: usize,
) -> Result<Option<String>, Rejection> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > limit => Err(Rejection::validation(&format!(
            "1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must have length less than or equal to {limit}"
        ))),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Rejection::validation(&format!("{name} must be a string"))),
    }
}

/// A non-negative Integer field.
fn count_field(o: &Map<String, Value>, name: &str) -> Result<Option<u64>, Rejection> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n <= i32::MAX as u64 => Ok(Some(n)),
            _ => Err(Rejection::validation(&format!(
                "1 validation error detected: Value at 'stateConfiguration.{name}' failed to satisfy constraint: Member must have value greater than or equal to 0"
            ))),
        },
    }
}

fn json_text(text: &str, field: &str) -> Result<Value, Rejection> {
    serde_json::from_str(text)
        .map_err(|e| Rejection::validation(&format!("{field} is not valid JSON: {e}")))
}
