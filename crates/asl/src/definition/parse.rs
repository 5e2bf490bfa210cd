//! JSON → [`StateMachine`], collecting every schema problem as a diagnostic.
//!
//! The parser never stops at the first problem: it reports all it can find (so the editor can
//! mark them all at once) and only returns a model when there were no errors. Messages follow
//! AWS's `SCHEMA_VALIDATION_FAILED` wording where AWS's is known.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::*;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::escape_token;

/// Fields every state may have, by query language.
const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];
const JSONPATH_IO: &[&str] = &["InputPath", "OutputPath"];

/// The fields a state type allows beyond [`COMMON`] (`JSONPath`, then `JSONata`).
fn allowed_fields(state_type: &str, lang: QueryLanguage) -> &'static [&'static str] {
    use QueryLanguage::*;
    match (state_type, lang) {
        ("Pass", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
            "Assign",
        ],
        ("Pass", Jsonata) => &["Next", "End", "Output", "Assign"],
        ("Task", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Assign",
        ],
        ("Task", Jsonata) => &[
            "Next",
            "End",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
            "Assign",
        ],
        ("Choice", JsonPath) => &["InputPath", "OutputPath", "Choices", "Default", "Assign"],
        ("Choice", Jsonata) => &["Choices", "Default", "Output", "Assign"],
        ("Wait", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
            "Assign",
        ],
        ("Wait", Jsonata) => &["Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
        ("Succeed", JsonPath) => &["InputPath", "OutputPath"],
        ("Succeed", Jsonata) => &["Output"],
        ("Fail", JsonPath) => &["Error", "ErrorPath", "Cause", "CausePath"],
        ("Fail", Jsonata) => &["Error", "Cause"],
        ("Parallel", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Branches",
            "Assign",
        ],
        ("Parallel", Jsonata) => {
            &["Next", "End", "Arguments", "Output", "Retry", "Catch", "Branches", "Assign"]
        }
        ("Map", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "ItemsPath",
            "ItemSelector",
            "ItemProcessor",
            "Iterator",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ItemBatcher",
            "ItemReader",
            "ResultWriter",
            "Label",
            "Assign",
        ],
        ("Map", Jsonata) => &[
            "Next",
            "End",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "Items",
            "ItemSelector",
            "ItemProcessor",
            "Iterator",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
            "ItemBatcher",
            "ItemReader",
            "ResultWriter",
            "Label",
            "Assign",
        ],
        _ => &[],
    }
}

const STATE_TYPES: &[&str] =
    &["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

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
            if !matches!(
                key.as_str(),
                "StartAt" | "States" | "Comment" | "Version" | "TimeoutSeconds" | "QueryLanguage"
            ) {
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
        let mut states = IndexMap::new();
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

    fn state(
        &mut self,
        name: &str,
        value: &Value,
        pointer: &str,
        inherited: QueryLanguage,
        depth: usize,
    ) -> Option<State> {
        let Some(obj) = value.as_object() else {
            self.schema(format!("A state must be an object, not {}", type_of(value)), pointer);
            return None;
        };
        let lang = self.query_language(obj, pointer, inherited, false);
        let state_type = match obj.get("Type") {
            Some(Value::String(t)) if STATE_TYPES.contains(&t.as_str()) => t.clone(),
            Some(Value::String(t)) => {
                self.schema(
                    format!(
                        "\"{t}\" is not a state type (expected one of {})",
                        STATE_TYPES.join(", ")
                    ),
                    child(pointer, "Type"),
                );
                return None;
            }
            Some(other) => {
                self.schema(
                    format!("Type must be a string, not {}", type_of(other)),
                    child(pointer, "Type"),
                );
                return None;
            }
            None => {
                self.schema("These fields are required: [Type]", pointer);
                return None;
            }
        };
        let allowed = allowed_fields(&state_type, lang);
        for key in obj.keys() {
            if COMMON.contains(&key.as_str()) || allowed.contains(&key.as_str()) {
                continue;
            }
            let other_lang = match lang {
                QueryLanguage::JsonPath => QueryLanguage::Jsonata,
                QueryLanguage::Jsonata => QueryLanguage::JsonPath,
            };
            let message = if allowed_fields(&state_type, other_lang).contains(&key.as_str()) {
                format!(
                    "The field '{key}' is not supported for {} states using the {} query language",
                    state_type,
                    lang.as_str()
                )
            } else {
                format!("Field \"{key}\" is not supported for {state_type} states")
            };
            self.schema(message, child(pointer, key));
        }
        let comment = self.opt_string(obj, pointer, "Comment");
        let transition = self.transition(obj, pointer, &state_type);
        let path = |p: &mut Parser, key: &str| p.path_spec(obj, pointer, key);
        let input_path = path(self, "InputPath");
        let output_path = path(self, "OutputPath");
        let result_path = path(self, "ResultPath");
        let parameters = self.object_field(obj, "Parameters");
        let result_selector = self.object_field(obj, "ResultSelector");
        let arguments = obj.get("Arguments").cloned();
        let output = obj.get("Output").cloned();
        let assign = self.object_field(obj, "Assign");
        let retry = self.retriers(obj, pointer);
        let catch = self.catchers(obj, pointer, lang);
        let _ = JSONPATH_IO;
        let kind = match state_type.as_str() {
            "Pass" => StateKind::Pass { result: obj.get("Result").cloned() },
            "Task" => StateKind::Task(self.task(obj, pointer, lang)?),
            "Choice" => StateKind::Choice(self.choice(obj, pointer, lang)?),
            "Wait" => StateKind::Wait(self.wait(obj, pointer, lang)?),
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail(self.fail(obj, pointer, lang)),
            "Parallel" => {
                let mut branches = Vec::new();
                match obj.get("Branches") {
                    Some(Value::Array(list)) if !list.is_empty() => {
                        for (i, b) in list.iter().enumerate() {
                            let bp = format!("{pointer}/Branches/{i}");
                            match b.as_object() {
                                Some(bo) => {
                                    self.sub_program_fields(bo, &bp);
                                    let bl = self.query_language(bo, &bp, lang, false);
                                    if let Some(prog) = self.program(bo, &bp, bl, depth + 1) {
                                        branches.push(Arc::new(prog));
                                    }
                                }
                                None => self.schema("A branch must be an object", bp),
                            }
                        }
                    }
                    Some(_) => self
                        .schema("Branches must be a non-empty array", child(pointer, "Branches")),
                    None => self.schema("These fields are required: [Branches]", pointer),
                }
                StateKind::Parallel { branches }
            }
            "Map" => StateKind::Map(Box::new(self.map(obj, pointer, lang, depth)?)),
            _ => return None,
        };
        Some(State {
            uses_context: reads_context(value),
            name: name.to_string(),
            pointer: pointer.to_string(),
            comment,
            query_language: lang,
            transition,
            input_path,
            output_path,
            result_path,
            parameters,
            result_selector,
            arguments,
            output,
            assign,
            retry,
            catch,
            kind,
        })
    }

    fn sub_program_fields(&mut self, obj: &Map<String, Value>, pointer: &str) {
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "StartAt" | "States" | "Comment" | "ProcessorConfig" | "QueryLanguage"
            ) {
                self.schema(format!("Field \"{key}\" is not supported"), child(pointer, key));
            }
        }
        let missing: Vec<&str> =
            ["States", "StartAt"].into_iter().filter(|k| !obj.contains_key(*k)).collect();
        if !missing.is_empty() {
            self.schema(format!("These fields are required: [{}]", missing.join(", ")), pointer);
        }
    }

    fn transition(&mut self, obj: &Map<String, Value>, pointer: &str, ty: &str) -> Transition {
        let terminal = matches!(ty, "Choice" | "Succeed" | "Fail");
        let next = obj.get("Next");
        let end = obj.get("End");
        if terminal {
            return Transition::Terminal;
        }
        match (next, end) {
            (Some(Value::String(n)), None) => Transition::Next(n.clone()),
            (Some(Value::String(n)), Some(Value::Bool(false))) => Transition::Next(n.clone()),
            (None, Some(Value::Bool(true))) => Transition::End,
            (Some(_), Some(Value::Bool(true))) => {
                self.schema("Only one of Next or End can be set", pointer);
                Transition::End
            }
            (Some(other), _) if !other.is_string() => {
                self.schema(
                    format!("Next must be a string, not {}", type_of(other)),
                    child(pointer, "Next"),
                );
                Transition::End
            }
            (None, Some(other)) if !other.is_boolean() => {
                self.schema(
                    format!("End must be a boolean, not {}", type_of(other)),
                    child(pointer, "End"),
                );
                Transition::End
            }
            _ => {
                self.diagnostics.push(Diagnostic::error(
                    codes::MISSING_TRANSITION_TARGET,
                    "State must have either Next or End set to true",
                    pointer,
                ));
                Transition::End
            }
        }
    }

    fn path_spec(&mut self, obj: &Map<String, Value>, pointer: &str, key: &str) -> PathSpec {
        match obj.get(key) {
            None => PathSpec::Default,
            Some(Value::Null) => PathSpec::Null,
            Some(Value::String(s)) => PathSpec::Path(s.clone()),
            Some(other) => {
                self.schema(
                    format!("{key} must be a string or null, not {}", type_of(other)),
                    child(pointer, key),
                );
                PathSpec::Default
            }
        }
    }

    fn object_field(&mut self, obj: &Map<String, Value>, key: &str) -> Option<Value> {
        obj.get(key).cloned()
    }

    fn error_equals(&mut self, o: &Map<String, Value>, pointer: &str) -> Vec<String> {
        match o.get("ErrorEquals") {
            Some(Value::Array(list)) if !list.is_empty() => {
                let mut names = Vec::new();
                for (i, v) in list.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => names.push(s.to_string()),
                        None => self.schema(
                            "ErrorEquals entries must be strings",
                            format!("{pointer}/ErrorEquals/{i}"),
                        ),
                    }
                }
                if names.len() > 1 && names.iter().any(|n| n == crate::errors::names::ALL) {
                    self.schema(
                        "States.ALL must appear alone in ErrorEquals",
                        child(pointer, "ErrorEquals"),
                    );
                }
                names
            }
            Some(_) => {
                self.schema(
                    "ErrorEquals must be a non-empty array of strings",
                    child(pointer, "ErrorEquals"),
                );
                Vec::new()
            }
            None => {
                self.schema("These fields are required: [ErrorEquals]", pointer);
                Vec::new()
            }
        }
    }

    fn states_all_last(&mut self, lists: &[(String, Vec<String>)], what: &str) {
        let n = lists.len();
        for (i, (ptr, names)) in lists.iter().enumerate() {
            if i + 1 < n && names.iter().any(|e| e == crate::errors::names::ALL) {
                self.schema(format!("States.ALL must appear in the last {what}"), ptr.clone());
            }
        }
    }

    fn retriers(&mut self, obj: &Map<String, Value>, pointer: &str) -> Vec<Retrier> {
        let Some(v) = obj.get("Retry") else { return Vec::new() };
        let Some(list) = v.as_array() else {
            self.schema("Retry must be an array", child(pointer, "Retry"));
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut lists = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let rp = format!("{pointer}/Retry/{i}");
            let Some(o) = r.as_object() else {
                self.schema("A retrier must be an object", rp);
                continue;
            };
            for key in o.keys() {
                if !matches!(
                    key.as_str(),
                    "ErrorEquals"
                        | "IntervalSeconds"
                        | "MaxAttempts"
                        | "BackoffRate"
                        | "MaxDelaySeconds"
                        | "JitterStrategy"
                        | "Comment"
                ) {
                    self.schema(format!("Field \"{key}\" is not supported"), child(&rp, key));
                }
            }
            let error_equals = self.error_equals(o, &rp);
            lists.push((rp.clone(), error_equals.clone()));
            let int = |p: &mut Parser, key: &str, min: u64, max: u64, default: Option<u64>| match o
                .get(key)
            {
                None => default,
                Some(v) => match v.as_u64() {
                    Some(n) if (min..=max).contains(&n) => Some(n),
                    _ => {
                        p.schema(
                            format!("{key} must be an integer from {min} to {max}"),
                            child(&rp, key),
                        );
                        default
                    }
                },
            };
            let interval_seconds =
                int(self, "IntervalSeconds", 1, 99_999_999, Some(1)).unwrap_or(1);
            let max_attempts = int(self, "MaxAttempts", 0, 99_999_999, Some(3)).unwrap_or(3);
            let max_delay_seconds = int(self, "MaxDelaySeconds", 1, 31_622_400, None);
            let backoff_rate = match o.get("BackoffRate") {
                None => 2.0,
                Some(v) => match v.as_f64() {
                    Some(f) if f >= 1.0 => f,
                    _ => {
                        self.schema(
                            "BackoffRate must be a number greater than or equal to 1.0",
                            child(&rp, "BackoffRate"),
                        );
                        2.0
                    }
                },
            };
            let jitter = match o.get("JitterStrategy") {
                None => Jitter::None,
                Some(Value::String(s)) if s == "NONE" => Jitter::None,
                Some(Value::String(s)) if s == "FULL" => Jitter::Full,
                Some(_) => {
                    self.schema(
                        "JitterStrategy must be \"FULL\" or \"NONE\"",
                        child(&rp, "JitterStrategy"),
                    );
                    Jitter::None
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter,
            });
        }
        self.states_all_last(&lists, "retrier");
        out
    }

    fn catchers(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Vec<Catcher> {
        let Some(v) = obj.get("Catch") else { return Vec::new() };
        let Some(list) = v.as_array() else {
            self.schema("Catch must be an array", child(pointer, "Catch"));
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut lists = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let cp = format!("{pointer}/Catch/{i}");
            let Some(o) = c.as_object() else {
                self.schema("A catcher must be an object", cp);
                continue;
            };
            for key in o.keys() {
                let ok = match lang {
                    QueryLanguage::JsonPath => {
                        matches!(
                            key.as_str(),
                            "ErrorEquals" | "Next" | "ResultPath" | "Assign" | "Comment"
                        )
                    }
                    QueryLanguage::Jsonata => {
                        matches!(
                            key.as_str(),
                            "ErrorEquals" | "Next" | "Output" | "Assign" | "Comment"
                        )
                    }
                };
                if !ok {
                    self.schema(format!("Field \"{key}\" is not supported"), child(&cp, key));
                }
            }
            let error_equals = self.error_equals(o, &cp);
            lists.push((cp.clone(), error_equals.clone()));
            let next = match o.get("Next") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    self.schema("These fields are required: [Next]", cp.clone());
                    String::new()
                }
            };
            let result_path = self.path_spec(o, &cp, "ResultPath");
            out.push(Catcher {
                error_equals,
                next,
                result_path,
                output: o.get("Output").cloned(),
                assign: o.get("Assign").cloned(),
            });
        }
        self.states_all_last(&lists, "catcher");
        out
    }

    /// Whether `key` holds a literal integer above AWS's [`crate::time::MAX_SECONDS`]; reported
    /// in AWS's words (`Maximum value is 99999999`).
    fn over_max_seconds(&mut self, obj: &Map<String, Value>, pointer: &str, key: &str) -> bool {
        let max = crate::time::MAX_SECONDS;
        let over = obj.get(key).and_then(Value::as_u64).is_some_and(|n| n > max);
        if over {
            self.schema(format!("Maximum value is {max}"), child(pointer, key));
        }
        over
    }

    /// A number-valued field with an optional `…Path` twin (JSONPath) or an expression (JSONata).
    fn number_spec(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
        lang: QueryLanguage,
        positive: bool,
    ) -> Option<NumberSpec> {
        let path_key = format!("{key}Path");
        let literal = obj.get(key);
        let path = obj.get(&path_key);
        if literal.is_some() && path.is_some() {
            self.schema(format!("Only one of {key} or {path_key} can be set"), pointer);
        }
        if let Some(v) = literal {
            match v {
                Value::String(s) if lang == QueryLanguage::Jsonata && is_jsonata_expression(s) => {
                    return Some(NumberSpec::Expression(s.clone()));
                }
                Value::Number(n) if n.is_u64() && (!positive || n.as_u64() != Some(0)) => {
                    return Some(NumberSpec::Literal(v.clone()));
                }
                _ => {
                    let what =
                        if positive { "a positive integer" } else { "a non-negative integer" };
                    self.schema(format!("{key} must be {what}"), child(pointer, key));
                    return None;
                }
            }
        }
        match path {
            Some(Value::String(s)) => Some(NumberSpec::Path(s.clone())),
            Some(_) => {
                self.schema(format!("{path_key} must be a string"), child(pointer, &path_key));
                None
            }
            None => None,
        }
    }

    fn task(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<Task> {
        let resource = match obj.get("Resource") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.schema("Resource must be a string", child(pointer, "Resource"));
                return None;
            }
            None => {
                self.schema("These fields are required: [Resource]", pointer);
                return None;
            }
        };
        let timeout_seconds = self.number_spec(obj, pointer, "TimeoutSeconds", lang, true);
        let heartbeat_seconds = self.number_spec(obj, pointer, "HeartbeatSeconds", lang, true);
        self.over_max_seconds(obj, pointer, "TimeoutSeconds");
        self.over_max_seconds(obj, pointer, "HeartbeatSeconds");
        Some(Task {
            resource,
            timeout_seconds,
            heartbeat_seconds,
            credentials: obj.get("Credentials").cloned(),
        })
    }

    fn choice(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<ChoiceState> {
        let default = self.opt_string(obj, pointer, "Default");
        let Some(list) = obj.get("Choices").and_then(Value::as_array) else {
            self.schema("Choices must be a non-empty array", child(pointer, "Choices"));
            return None;
        };
        if list.is_empty() {
            self.schema("Choices must be a non-empty array", child(pointer, "Choices"));
        }
        let mut choices = Vec::new();
        for (i, rule) in list.iter().enumerate() {
            let rp = format!("{pointer}/Choices/{i}");
            let Some(ro) = rule.as_object() else {
                self.schema("A choice rule must be an object", rp);
                continue;
            };
            let next = match ro.get("Next") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    self.schema("These fields are required: [Next]", rp.clone());
                    continue;
                }
            };
            let assign = ro.get("Assign").cloned();
            let output = ro.get("Output").cloned();
            let condition = match lang {
                QueryLanguage::Jsonata => {
                    match ro.get("Condition") {
                        Some(c) => {
                            for key in ro.keys() {
                                if !matches!(
                                    key.as_str(),
                                    "Condition" | "Next" | "Assign" | "Output" | "Comment"
                                ) {
                                    self.schema(
                                    format!("Field \"{key}\" is not supported in a JSONata choice rule"),
                                    child(&rp, key),
                                );
                                }
                            }
                            ChoiceCondition::Condition(c.clone())
                        }
                        None => {
                            self.schema("These fields are required: [Condition]", rp.clone());
                            continue;
                        }
                    }
                }
                QueryLanguage::JsonPath => match crate::choice::parse_choice(rule) {
                    Ok(c) => ChoiceCondition::Rule(c.rule),
                    Err(problems) => {
                        for (suffix, message) in problems {
                            self.schema(message, format!("{rp}{suffix}"));
                        }
                        continue;
                    }
                },
            };
            choices.push(ChoiceBranch { rule: condition, next, assign, output, pointer: rp });
        }
        Some(ChoiceState { choices, default })
    }

    fn wait(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<Wait> {
        let keys = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
        let present: Vec<&str> = keys.into_iter().filter(|k| obj.contains_key(*k)).collect();
        if present.len() != 1 {
            self.schema(
                "A Wait state must have exactly one of Seconds, SecondsPath, Timestamp or TimestampPath",
                pointer,
            );
            return None;
        }
        let key = present[0];
        let value = obj.get(key)?;
        let at = child(pointer, key);
        let expr = |v: &Value| match v {
            Value::String(s) if lang == QueryLanguage::Jsonata && is_jsonata_expression(s) => {
                Some(s.clone())
            }
            _ => None,
        };
        Some(match key {
            "Seconds" => {
                if let Some(e) = expr(value) {
                    Wait::Seconds(NumberSpec::Expression(e))
                } else if value.as_u64().is_some() {
                    if self.over_max_seconds(obj, pointer, key) {
                        return None;
                    }
                    Wait::Seconds(NumberSpec::Literal(value.clone()))
                } else {
                    self.schema("Seconds must be a non-negative integer", at);
                    return None;
                }
            }
            "SecondsPath" => match value.as_str() {
                Some(s) => Wait::Seconds(NumberSpec::Path(s.to_string())),
                None => {
                    self.schema("SecondsPath must be a string", at);
                    return None;
                }
            },
            "Timestamp" => {
                if let Some(e) = expr(value) {
                    Wait::Timestamp(TimestampSpec::Expression(e))
                } else {
                    match value.as_str() {
                        Some(s) if crate::time::parse_timestamp(s).is_some() => {
                            Wait::Timestamp(TimestampSpec::Literal(s.to_string()))
                        }
                        _ => {
                            self.schema("String does not match RFC3339 timestamp", at);
                            return None;
                        }
                    }
                }
            }
            _ => match value.as_str() {
                Some(s) => Wait::Timestamp(TimestampSpec::Path(s.to_string())),
                None => {
                    self.schema("TimestampPath must be a string", at);
                    return None;
                }
            },
        })
    }

    fn fail(&mut self, obj: &Map<String, Value>, pointer: &str, lang: QueryLanguage) -> Fail {
        let text = |p: &mut Parser, key: &str| -> Option<TextSpec> {
            let path_key = format!("{key}Path");
            if obj.contains_key(key) && obj.contains_key(&path_key) {
                p.schema(format!("Only one of {key} or {path_key} can be set"), pointer);
            }
            if let Some(v) = obj.get(key) {
                return match v.as_str() {
                    Some(s) if lang == QueryLanguage::Jsonata && is_jsonata_expression(s) => {
                        Some(TextSpec::Expression(s.to_string()))
                    }
                    Some(s) => Some(TextSpec::Literal(s.to_string())),
                    None => {
                        p.schema(format!("{key} must be a string"), child(pointer, key));
                        None
                    }
                };
            }
            match obj.get(&path_key) {
                Some(Value::String(s)) => Some(TextSpec::Path(s.clone())),
                Some(_) => {
                    p.schema(format!("{path_key} must be a string"), child(pointer, &path_key));
                    None
                }
                None => None,
            }
        };
        let error = text(self, "Error");
        let cause = text(self, "Cause");
        Fail { error, cause }
    }

    fn map(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
        depth: usize,
    ) -> Option<MapState> {
        let (key, proc_value) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(i)) => ("Iterator", i),
            (Some(_), Some(_)) => {
                self.schema("Only one of ItemProcessor or Iterator can be set", pointer);
                return None;
            }
            (None, None) => {
                self.schema("These fields are required: [ItemProcessor]", pointer);
                return None;
            }
        };
        let pp = child(pointer, key);
        let Some(po) = proc_value.as_object() else {
            self.schema(format!("{key} must be an object"), pp);
            return None;
        };
        self.sub_program_fields(po, &pp);
        let mode = match po.get("ProcessorConfig").and_then(|c| c.get("Mode")) {
            None => MapMode::Inline,
            Some(Value::String(m)) if m == "INLINE" => MapMode::Inline,
            Some(Value::String(m)) if m == "DISTRIBUTED" => MapMode::Distributed,
            Some(_) => {
                self.schema(
                    "ProcessorConfig.Mode must be \"INLINE\" or \"DISTRIBUTED\"",
                    format!("{pp}/ProcessorConfig/Mode"),
                );
                MapMode::Inline
            }
        };
        let plang = self.query_language(po, &pp, lang, false);
        let processor = self.program(po, &pp, plang, depth + 1)?;
        let items_path = self.path_spec(obj, pointer, "ItemsPath");
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(_), Some(_)) => {
                self.schema("Only one of ItemSelector or Parameters can be set", pointer);
                None
            }
            (Some(s), None) | (None, Some(s)) => Some(s.clone()),
            (None, None) => None,
        };
        let max_concurrency = self.number_spec(obj, pointer, "MaxConcurrency", lang, false);
        let tolerated_failure_count =
            self.number_spec(obj, pointer, "ToleratedFailureCount", lang, false);
        let tolerated_failure_percentage = match obj.get("ToleratedFailurePercentage") {
            Some(Value::Number(n)) if n.as_f64().is_some_and(|f| (0.0..=100.0).contains(&f)) => {
                Some(NumberSpec::Literal(Value::Number(n.clone())))
            }
            Some(Value::String(s)) if is_jsonata_expression(s) => {
                Some(NumberSpec::Expression(s.clone()))
            }
            Some(_) => {
                self.schema(
                    "ToleratedFailurePercentage must be a number from 0 to 100",
                    child(pointer, "ToleratedFailurePercentage"),
                );
                None
            }
            None => obj
                .get("ToleratedFailurePercentagePath")
                .and_then(Value::as_str)
                .map(|s| NumberSpec::Path(s.to_string())),
        };
        Some(MapState {
            processor: Arc::new(processor),
            mode,
            items_path,
            items: obj.get("Items").cloned(),
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            item_batcher: obj.get("ItemBatcher").cloned(),
            item_reader: obj.get("ItemReader").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            label: obj.get("Label").and_then(Value::as_str).map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn knows_which_states_read_the_context() {
        assert!(!reads_context(&json!({"Type": "Pass", "Parameters": {"a.$": "$.x"}})));
        assert!(reads_context(&json!({"Type": "Pass", "Parameters": {"a.$": "$$.Execution.Id"}})));
        assert!(!reads_context(&json!({"Type": "Pass", "Output": "{% $states.input.a %}"})));
        assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states.context.State %}"})));
        assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states %}"})));
        assert!(reads_context(&json!({"Type": "Pass", "Output": "{% $states.inputs %}"})));
    }

    #[test]
    fn parses_the_tutorial_shape() {
        let def = json!({
            "StartAt": "Call API",
            "States": {
                "Call API": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
                    "Next": "OK",
                    "Retry": [{"ErrorEquals": ["TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Catch All"}]},
                "OK": {"Type": "Pass", "Result": "done", "End": true},
                "Catch All": {"Type": "Fail", "Error": "X", "Cause": "Y"}
            }
        });
        let m = parse(&def).unwrap();
        assert_eq!(m.program.start_at, "Call API");
        let call = m.program.state("Call API").unwrap();
        assert_eq!(call.retry[0].max_attempts, 2);
        assert_eq!(call.retry[0].backoff_rate, 2.0);
        assert_eq!(call.catch[0].next, "Catch All");
        assert_eq!(call.pointer, "/States/Call API");
    }

    #[test]
    fn reports_missing_fields_like_aws() {
        let errs = parse(&json!({})).unwrap_err();
        assert_eq!(errs[0].message, "These fields are required: [States, StartAt]");
        assert_eq!(errs[0].location, "/");
        let errs = parse(&json!({"States": {"A": {"Type": "Pass", "End": true}}})).unwrap_err();
        assert_eq!(errs[0].message, "These fields are required: [StartAt]");
    }

    #[test]
    fn rejects_fields_of_the_other_query_language_and_downgrades() {
        let errs = parse(&json!({"StartAt": "P", "QueryLanguage": "JSONata",
            "States": {"P": {"Type": "Pass", "End": true, "QueryLanguage": "JSONPath"}}}))
        .unwrap_err();
        assert_eq!(
            errs[0].message,
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
        );
        assert_eq!(errs[0].location, "/States/P");
        let errs = parse(&json!({"StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": true, "Output": {}}}}))
        .unwrap_err();
        assert_eq!(errs[0].location, "/States/P/Output");
    }

    #[test]
    fn states_all_must_be_last_and_retry_ranges_checked() {
        let errs = parse(&json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "x", "End": true,
            "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["A"], "BackoffRate": 0.5}]}}}))
        .unwrap_err();
        let locs: Vec<&str> = errs.iter().map(|d| d.location.as_str()).collect();
        assert!(locs.contains(&"/States/T/Retry/1/BackoffRate"), "{errs:?}");
        assert!(locs.contains(&"/States/T/Retry/0"), "{errs:?}");
    }

    #[test]
    fn invalid_wait_timestamp_is_a_schema_error() {
        let errs = parse(&json!({"StartAt": "W", "States": {"W": {"Type": "Wait",
            "Timestamp": "2016-12-05T25:29:29Z", "End": true}}}))
        .unwrap_err();
        assert_eq!(errs[0].message, "String does not match RFC3339 timestamp");
        assert_eq!(errs[0].location, "/States/W/Timestamp");
    }
}
