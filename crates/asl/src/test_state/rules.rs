//! TestState's rules that depend on the tested state: which states take a mock, the shape a
//! Parallel's or Map's mocked result must have, a Task result's schema
//! (`fieldValidationMode`), and the context object a caller may give. Messages are AWS's
//! where the recordings give them.

use serde_json::Value;

use super::{FieldValidationMode, Rejection, TestMock, TestStateRequest};
use crate::definition::{State, StateKind};
use crate::tasks::responses::{check_response, Strictness};
use crate::tasks::{Pattern, ResourceKind};

pub(super) fn check(state: &State, request: &TestStateRequest) -> Result<(), Rejection> {
    let mock = request.mock.as_ref();
    if request.reveal_secrets && mock.is_some() {
        return Err(Rejection::validation(
            "TestState does not support RevealSecrets when a mock is specified.",
        ));
    }
    if request.map_iteration_failure_count.is_some() && mock.is_none() {
        return Err(Rejection::validation(
            "TestState does not support MapIterationFailureCount when a mock is not specified.",
        ));
    }
    let type_name = state.kind.type_name();
    match (&state.kind, mock) {
        (StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_), _) | (_, None) => {}
        (_, Some(_)) => {
            return Err(Rejection::validation(&format!(
                "State type '{type_name}' is not supported when a mock is specified"
            )))
        }
    }
    match (&state.kind, mock) {
        (StateKind::Parallel { .. } | StateKind::Map(_), None) => {
            return Err(Rejection::invalid_definition(
                "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
            ))
        }
        (StateKind::Parallel { branches }, Some(TestMock::Result(result))) => {
            let Some(items) = result.as_array() else {
                return Err(Rejection::validation("Mocked result must be an array."));
            };
            if items.len() != branches.len() {
                return Err(Rejection::validation(
                    "Mocked result must contain the same number of items as number of Parallel branches.",
                ));
            }
        }
        (StateKind::Map(map), Some(TestMock::Result(result))) => {
            if map.result_writer.is_some() {
                if !result.is_object() {
                    return Err(Rejection::validation("Mocked result must be a JSON object."));
                }
            } else if !result.is_array() {
                return Err(Rejection::validation("Mocked result must be an array."));
            }
        }
        (StateKind::Task(task), Some(TestMock::Result(result))) => {
            let strictness = match request.field_validation_mode {
                FieldValidationMode::Strict => Some(Strictness::Strict),
                FieldValidationMode::Present => Some(Strictness::Present),
                FieldValidationMode::None => None,
            };
            if let Some(strictness) = strictness {
                check_response(&task.resource, result, strictness).map_err(|m| {
                    Rejection::validation(&format!("Mock result schema validation error: {m}"))
                })?;
            }
        }
        _ => {}
    }
    if let StateKind::Map(map) = &state.kind {
        if map.item_reader.is_some() && request.map_item_reader_data.is_none() {
            return Err(Rejection::validation(
                "Stepwise reads no S3 objects: give the ItemReader's data in stateConfiguration.mapItemReaderData",
            ));
        }
    }
    if let Some(context) = &request.context {
        check_context(state, context)?;
    }
    Ok(())
}

/// The fields a caller's context object may hold, each with its type (`"string"`,
/// `"integer"` or `"any"`).
const CONTEXT_FIELDS: &[(&str, &[(&str, &str)])] = &[
    (
        "Execution",
        &[
            ("Id", "string"),
            ("Input", "any"),
            ("Name", "string"),
            ("RoleArn", "string"),
            ("StartTime", "string"),
            ("RedriveCount", "integer"),
            ("RedriveTime", "string"),
        ],
    ),
    ("State", &[("EnteredTime", "string"), ("Name", "string"), ("RetryCount", "integer")]),
    ("StateMachine", &[("Id", "string"), ("Name", "string")]),
    ("Task", &[("Token", "string")]),
];

fn check_context(state: &State, context: &Value) -> Result<(), Rejection> {
    let invalid = |m: &str| Rejection::validation(&format!("Invalid Context object provided: {m}"));
    let Value::Object(sections) = context else {
        return Err(invalid("the Context object must be a JSON object"));
    };
    for (name, value) in sections {
        if name == "Map" {
            return Err(invalid("'Map' field is not supported when mocking a Context object"));
        }
        let Some((_, fields)) = CONTEXT_FIELDS.iter().find(|(n, _)| n == name) else {
            return Err(invalid(&format!("Field '{name}' is not allowed")));
        };
        let Value::Object(entries) = value else {
            return Err(invalid(&format!("{name} must be an object")));
        };
        for (field, v) in entries {
            let Some((_, kind)) = fields.iter().find(|(f, _)| f == field) else {
                return Err(invalid(&format!("Field '{field}' is not allowed")));
            };
            let fits = match *kind {
                "string" => v.is_string(),
                "integer" => v.is_u64() || v.is_i64(),
                _ => true,
            };
            if !fits {
                let article = if *kind == "integer" { "an" } else { "a" };
                return Err(invalid(&format!("{name}.{field} must be {article} {kind}")));
            }
        }
    }
    if sections.contains_key("Task") {
        let callback = match &state.kind {
            StateKind::Task(task) => matches!(
                ResourceKind::of(&task.resource),
                ResourceKind::Service { pattern: Pattern::Sync | Pattern::WaitForTaskToken, .. }
            ),
            _ => false,
        };
        if !callback {
            return Err(invalid(
                "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
            ));
        }
    }
    Ok(())
}
