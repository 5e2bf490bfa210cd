//! JSON → [`StateMachine`], collecting every schema problem as a diagnostic.
//!
//! The parser never stops at the first problem: it reports all it can find (so the editor can
//! mark them all at once) and only returns a model when there were no errors. Messages follow
//! AWS's `SCHEMA_VALIDATION_FAILED` wording where AWS's is known.
//!
//! This file holds the entry point, the machine and program level and the shared helpers; the
//! fields each object may have come from the table in [`super::fields`]. The rest is split by
//! what it parses: `parse/state.rs` (a state and the fields all types share),
//! `parse/retry_catch.rs` (`Retry` / `Catch`), `parse/kinds.rs` (the fields particular to each
//! state type).

mod kinds;
mod retry_catch;
mod state;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::{Map, Value};

use super::fields;
use super::{Program, QueryLanguage, StateMachine};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::escape_token;

/// How deep Parallel / Map programs may nest before AWS refuses the definition.
const MAX_NESTING: usize = 40;

/// Parses a definition value. Errors: every schema diagnostic found (locations are pointers;
/// the caller adds line and column).
pub fn parse(root: &Value) -> Result<StateMachine, Vec<Diagnostic>> {
    let mut p = Parser { diagnostics: Vec::new(), top_jsonata: false };
    let machine = p.machine(root);
    match machine {
        Some(m) if p.diagnostics.is_empty() => Ok(m),
        _ => Err(p.diagnostics),
    }
}

struct Parser {
    diagnostics: Vec<Diagnostic>,
    /// AWS forbids states to go back to JSONPath only when the whole machine is JSONata.
    top_jsonata: bool,
}

fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_token(key))
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether a state's JSON mentions the context object: `$$`, `$states.context`, or `$states`
/// other than `$states.input` / `.result` / `.errorOutput`. Conservative: a mention inside a
/// literal string counts too. Nested programs (branches, iterators) do not count: their states
/// have their own flag.
fn reads_context(state: &Value) -> bool {
    let mut own = state.clone();
    if let Value::Object(o) = &mut own {
        for nested in ["Branches", "ItemProcessor", "Iterator"] {
            o.remove(nested);
        }
    }
    let text = serde_json::to_string(&own).unwrap_or_default();
    if text.contains("$$") {
        return true;
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("$states") {
        rest = &rest[i + "$states".len()..];
        let plain = ["input", "result", "errorOutput"].iter().any(|f| {
            rest.strip_prefix('.').is_some_and(|r| {
                r.strip_prefix(f).is_some_and(|after| {
                    !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            })
        });
        if !plain {
            return true;
        }
    }
    false
}

/// Whether a string is a JSONata expression `{% … %}`.
pub fn is_jsonata_expression(s: &str) -> bool {
    let t = s.trim();
    t.len() >= 4 && t.starts_with("{%") && t.ends_with("%}")
}

impl Parser {
    fn schema(&mut self, message: impl Into<String>, location: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(
            codes::SCHEMA_VALIDATION_FAILED,
            message,
            location,
        ));
    }

    fn machine(&mut self, root: &Value) -> Option<StateMachine> {
        let Some(obj) = root.as_object() else {
            self.diagnostics.push(Diagnostic::error(
                codes::INVALID_JSON_DESCRIPTION,
                format!("The definition must be a JSON object, not {}", type_of(root)),
                "/",
            ));
            return None;
        };
        for key in obj.keys() {
            if !fields::MACHINE.contains(&key.as_str()) {
                self.schema(format!("Field \"{key}\" is not supported"), child("", key));
            }
        }
        let missing: Vec<&str> =
            ["States", "StartAt"].into_iter().filter(|k| !obj.contains_key(*k)).collect();
        if !missing.is_empty() {
            self.schema(format!("These fields are required: [{}]", missing.join(", ")), "/");
        }
        let query_language = self.query_language(obj, "", QueryLanguage::JsonPath, true);
        self.top_jsonata = query_language == QueryLanguage::Jsonata;
        let comment = self.opt_string(obj, "", "Comment");
        self.opt_string(obj, "", "Version");
        let timeout_seconds = match obj.get("TimeoutSeconds") {
            None => None,
            Some(v) => match v.as_u64() {
                Some(_) if self.over_max_seconds(obj, "", "TimeoutSeconds") => None,
                Some(n) => Some(n),
                None => {
                    self.schema("TimeoutSeconds must be a non-negative integer", "/TimeoutSeconds");
                    None
                }
            },
        };
        let program = self.program(obj, "", query_language, 0)?;
        Some(StateMachine { comment, timeout_seconds, query_language, program: Arc::new(program) })
    }

    fn query_language(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        inherited: QueryLanguage,
        top: bool,
    ) -> QueryLanguage {
        match obj.get("QueryLanguage") {
            None => inherited,
            Some(Value::String(s)) if s == "JSONPath" => {
                if self.top_jsonata && !top {
                    self.schema(
                        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                        if pointer.is_empty() { "/" } else { pointer },
                    );
                }
                QueryLanguage::JsonPath
            }
            Some(Value::String(s)) if s == "JSONata" => QueryLanguage::Jsonata,
            Some(other) => {
                self.schema(
                    format!("QueryLanguage must be \"JSONPath\" or \"JSONata\", not {other}"),
                    child(pointer, "QueryLanguage"),
                );
                inherited
            }
        }
    }

    fn opt_string(&mut self, obj: &Map<String, Value>, pointer: &str, key: &str) -> Option<String> {
        match obj.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.schema(
                    format!("{key} must be a string, not {}", type_of(other)),
                    child(pointer, key),
                );
                None
            }
        }
    }

    fn program(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
        depth: usize,
    ) -> Option<Program> {
        if depth > MAX_NESTING {
            self.diagnostics.push(Diagnostic::error(
                codes::TOO_DEEPLY_NESTED,
                format!("Parallel and Map states may nest at most {MAX_NESTING} levels deep"),
                if pointer.is_empty() { "/" } else { pointer },
            ));
            return None;
        }
        let start_at = self.opt_string(obj, pointer, "StartAt");
        let mut states = crate::definition::StateMap::default();
        match obj.get("States") {
            Some(Value::Object(map)) => {
                if map.is_empty() {
                    self.schema("States must have at least one state", child(pointer, "States"));
                }
                let states_ptr = child(pointer, "States");
                for (name, value) in map {
                    let sp = child(&states_ptr, name);
                    if name.is_empty() || name.chars().count() > 80 {
                        self.diagnostics.push(Diagnostic::error(
                            codes::INVALID_STATE_NAME,
                            format!("State names must be 1 to 80 characters long: \"{name}\""),
                            sp.clone(),
                        ));
                    }
                    if let Some(state) = self.state(name, value, &sp, lang, depth) {
                        states.insert(name.clone(), state);
                    }
                }
            }
            Some(other) => {
                self.schema(
                    format!("States must be an object, not {}", type_of(other)),
                    child(pointer, "States"),
                );
            }
            None => {}
        }
        let start_at = start_at?;
        Some(Program { start_at, states, pointer: pointer.to_string() })
    }

    /// The fields of a Parallel branch or a Map's item processor (both accept
    /// [`fields::PROCESSOR`]).
    fn sub_program_fields(&mut self, obj: &Map<String, Value>, pointer: &str) {
        for key in obj.keys() {
            if !fields::PROCESSOR.contains(&key.as_str()) {
                self.schema(format!("Field \"{key}\" is not supported"), child(pointer, key));
            }
        }
        let missing: Vec<&str> =
            ["States", "StartAt"].into_iter().filter(|k| !obj.contains_key(*k)).collect();
        if !missing.is_empty() {
            self.schema(format!("These fields are required: [{}]", missing.join(", ")), pointer);
        }
    }
}
