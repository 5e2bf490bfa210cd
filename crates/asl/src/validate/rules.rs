//! Rules AWS applies when a definition is created (`CreateStateMachine` /
//! `ValidateStateMachineDefinition`) rather than when it runs: the `Credentials` field of a
//! Task, literal `HeartbeatSeconds` against literal `TimeoutSeconds`, the mutually exclusive
//! fields of a Map's `ItemReader` / `ItemBatcher`, a Distributed Map's `ExecutionType`, and what
//! an EXPRESS state machine may not contain (docs/decisions/0014-validation-rules.md).

use serde_json::{Map, Value};

use crate::definition::{FieldSpec, MapMode, Program, QueryLanguage, State, StateKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::jsonpath::Path;
use crate::source::escape_token;

/// The longest role ARN the API takes (`TaskCredentials.roleArn`: 1 to 2000 characters).
pub const MAX_ROLE_ARN_LENGTH: usize = 2000;

/// The state machine type a definition is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

impl MachineType {
    /// `STANDARD` or `EXPRESS` (as the API and `--type` spell them); anything else is none.
    pub fn parse(text: &str) -> Option<MachineType> {
        match text {
            "STANDARD" => Some(MachineType::Standard),
            "EXPRESS" => Some(MachineType::Express),
            _ => None,
        }
    }
}

fn schema(out: &mut Vec<Diagnostic>, message: impl Into<String>, location: String) {
    out.push(Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, message, location));
}

fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_token(key))
}

/// The creation-time rules of one state (`raw` is the state as written).
pub(super) fn state_rules(state: &State, raw: Option<&Value>, out: &mut Vec<Diagnostic>) {
    let sp = &state.pointer;
    let raw = raw.and_then(Value::as_object);
    match &state.kind {
        StateKind::Task(task) => {
            if let Some(credentials) = raw.and_then(|r| r.get("Credentials")) {
                check_credentials(credentials, &child(sp, "Credentials"), state, out);
            }
            if let (Some(FieldSpec::Literal(h)), Some(FieldSpec::Literal(t))) =
                (&task.heartbeat_seconds, &task.timeout_seconds)
            {
                if let (Some(h), Some(t)) = (h.as_f64(), t.as_f64()) {
                    if h >= t {
                        schema(
                            out,
                            format!(
                                "HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t})"
                            ),
                            child(sp, "HeartbeatSeconds"),
                        );
                    }
                }
            }
        }
        StateKind::Map(map) => {
            if let Some(raw) = raw {
                map_rules(raw, sp, map.mode, out);
            }
        }
        _ => {}
    }
}

/// `Credentials`: an object with exactly one role, `RoleArn` (a literal, or a `{% … %}`
/// expression in JSONata) or, in JSONPath, `RoleArn.$` (a path or an intrinsic call).
fn check_credentials(value: &Value, at: &str, state: &State, out: &mut Vec<Diagnostic>) {
    let Value::Object(obj) = value else {
        schema(out, "Credentials must be an object", at.to_string());
        return;
    };
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    for key in obj.keys() {
        let allowed = key == "RoleArn" || (!jsonata && key == "RoleArn.$");
        if !allowed {
            schema(out, format!("Field \"{key}\" is not supported"), child(at, key));
        }
    }
    match (obj.get("RoleArn"), obj.get("RoleArn.$").filter(|_| !jsonata)) {
        (None, None) => schema(out, "These fields are required: [RoleArn]", at.to_string()),
        (Some(_), Some(_)) => {
            schema(out, "Only one of RoleArn or RoleArn.$ can be set", at.to_string())
        }
        (Some(Value::String(s)), None) => {
            if s.is_empty() || s.chars().count() > MAX_ROLE_ARN_LENGTH {
                schema(
                    out,
                    format!("RoleArn must be 1 to {MAX_ROLE_ARN_LENGTH} characters long"),
                    child(at, "RoleArn"),
                );
            }
        }
        (Some(_), None) => schema(out, "RoleArn must be a string", child(at, "RoleArn")),
        (None, Some(Value::String(s))) => {
            let path = Path::compile_or_intrinsic(s);
            let error = match path.intrinsic() {
                Some(r) => r.err(),
                None => path.error(),
            };
            if let Some(e) = error {
                schema(
                    out,
                    format!("The value for the field 'RoleArn.$' must be a valid JSONPath or intrinsic function: {s} ({})", e.message),
                    child(at, "RoleArn.$"),
                );
            }
        }
        (None, Some(_)) => schema(
            out,
            "The value for the field 'RoleArn.$' must be a STRING that contains a JSONPath or an intrinsic function",
            child(at, "RoleArn.$"),
        ),
    }
}

/// A field given both as a literal and as a path.
fn exclusive(obj: &Map<String, Value>, at: &str, key: &str, out: &mut Vec<Diagnostic>) {
    let path_key = format!("{key}Path");
    if obj.contains_key(key) && obj.contains_key(&path_key) {
        schema(out, format!("Only one of {key} or {path_key} can be set"), at.to_string());
    }
}

fn map_rules(raw: &Map<String, Value>, sp: &str, mode: MapMode, out: &mut Vec<Diagnostic>) {
    if let Some(Value::Object(reader)) = raw.get("ItemReader") {
        let at = child(sp, "ItemReader");
        if !reader.contains_key("Resource") {
            schema(out, "These fields are required: [Resource]", at.clone());
        }
        if let Some(Value::Object(config)) = reader.get("ReaderConfig") {
            exclusive(config, &child(&at, "ReaderConfig"), "MaxItems", out);
        }
    }
    if let Some(Value::Object(batcher)) = raw.get("ItemBatcher") {
        let at = child(sp, "ItemBatcher");
        exclusive(batcher, &at, "MaxItemsPerBatch", out);
        exclusive(batcher, &at, "MaxInputBytesPerBatch", out);
    }
    if let Some(Value::Object(writer)) = raw.get("ResultWriter") {
        let at = child(sp, "ResultWriter");
        if !writer.contains_key("Resource") && !writer.contains_key("WriterConfig") {
            schema(out, "These fields are required: [Resource] or [WriterConfig]", at);
        }
    }
    if mode == MapMode::Distributed {
        let processor = raw.get("ItemProcessor").and_then(Value::as_object);
        let config = processor.and_then(|p| p.get("ProcessorConfig"));
        match config.and_then(|c| c.get("ExecutionType")) {
            None => schema(
                out,
                "ExecutionType is required when Mode is DISTRIBUTED",
                format!("{sp}/ItemProcessor/ProcessorConfig"),
            ),
            Some(Value::String(t)) if t == "STANDARD" || t == "EXPRESS" => {}
            Some(_) => schema(
                out,
                "ExecutionType must be \"STANDARD\" or \"EXPRESS\"",
                format!("{sp}/ItemProcessor/ProcessorConfig/ExecutionType"),
            ),
        }
    }
}

/// Whether a Task `Resource` is an activity (`arn:PARTITION:states:REGION:ACCOUNT:activity:NAME`).
pub fn is_activity(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "states", region, account, "activity", name]
            if !region.is_empty() && !account.is_empty() && !name.is_empty())
}

/// What an EXPRESS state machine may not contain, each where it is written: `.sync` and
/// `.waitForTaskToken` integrations, activities, and a Distributed Map whose child executions
/// are STANDARD.
pub(super) fn express_rules(program: &Program, out: &mut Vec<Diagnostic>) {
    // An explicit stack: nesting depth follows the definition.
    let mut stack = vec![program];
    while let Some(program) = stack.pop() {
        for state in program.states.values() {
            let resource_at = format!("{}/Resource", state.pointer);
            match &state.kind {
                StateKind::Task(t) => {
                    for (suffix, what) in
                        [(".sync", "'.sync'"), (".waitForTaskToken", "'.waitForTaskToken'")]
                    {
                        if t.resource.contains(suffix) {
                            schema(
                                out,
                                format!("Express state machine does not support {what} service integration"),
                                resource_at.clone(),
                            );
                        }
                    }
                    if is_activity(&t.resource) {
                        schema(
                            out,
                            "Express state machine does not support Activity ARN",
                            resource_at,
                        );
                    }
                }
                StateKind::Parallel { branches } => {
                    stack.extend(branches.iter().rev().map(|b| &**b))
                }
                StateKind::Map(m) => {
                    if m.mode == MapMode::Distributed && !m.express {
                        schema(
                            out,
                            "Express state machine does not support Distributed Map with STANDARD child executions",
                            format!("{}/ItemProcessor/ProcessorConfig/ExecutionType", state.pointer),
                        );
                    }
                    stack.push(&*m.processor);
                }
                _ => {}
            }
        }
    }
}
