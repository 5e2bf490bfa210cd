//! One state: its type and query language, the unknown-field check against the field table,
//! and the fields every state type shares (transition, paths, payload templates, numbers).

use serde_json::{Map, Value};

use super::{child, fields, is_jsonata_expression, reads_context, type_of, Parser};
use crate::definition::{NumberSpec, PathSpec, QueryLanguage, State, StateKind, Transition};
use crate::diagnostics::{codes, Diagnostic};
use crate::jsonpath::Path;
use crate::template::Template;

impl Parser {
    pub(super) fn state(
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
            Some(Value::String(t)) if fields::state(t).is_some() => t.clone(),
            Some(Value::String(_)) => {
                // AWS's wording (recorded by TestState).
                self.schema(
                    "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
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
        let allowed = fields::state_fields(&state_type, lang);
        for key in obj.keys() {
            if fields::STATE_COMMON.contains(&key.as_str()) || allowed.contains(&key.as_str()) {
                continue;
            }
            let other_lang = match lang {
                QueryLanguage::JsonPath => QueryLanguage::Jsonata,
                QueryLanguage::Jsonata => QueryLanguage::JsonPath,
            };
            let message = if fields::state_fields(&state_type, other_lang).contains(&key.as_str()) {
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
        let parameters = template(obj, "Parameters", lang);
        let result_selector = template(obj, "ResultSelector", lang);
        let arguments = template(obj, "Arguments", lang);
        let output = template(obj, "Output", lang);
        let assign = template(obj, "Assign", lang);
        let retry = self.retriers(obj, pointer);
        let catch = self.catchers(obj, pointer, lang);
        let kind = match state_type.as_str() {
            "Pass" => StateKind::Pass { result: obj.get("Result").cloned() },
            "Task" => StateKind::Task(self.task(obj, pointer, lang)?),
            "Choice" => StateKind::Choice(self.choice(obj, pointer, lang)?),
            "Wait" => StateKind::Wait(self.wait(obj, pointer, lang)?),
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail(self.fail(obj, pointer, lang)),
            "Parallel" => self.parallel(obj, pointer, lang, depth),
            "Map" => StateKind::Map(Box::new(self.map(obj, pointer, lang, depth)?)),
            _ => return None,
        };
        Some(State {
            uses_context: reads_context(value),
            name: name.into(),
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

    pub(super) fn transition(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        ty: &str,
    ) -> Transition {
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

    pub(super) fn path_spec(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> PathSpec {
        match obj.get(key) {
            None => PathSpec::Default,
            Some(Value::Null) => PathSpec::Null,
            Some(Value::String(s)) => PathSpec::Path(Path::compile(s)),
            Some(other) => {
                self.schema(
                    format!("{key} must be a string or null, not {}", type_of(other)),
                    child(pointer, key),
                );
                PathSpec::Default
            }
        }
    }

    /// Whether `key` holds a literal integer above AWS's [`crate::time::MAX_SECONDS`]; reported
    /// in AWS's words (`Maximum value is 99999999`).
    pub(super) fn over_max_seconds(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> bool {
        let max = crate::time::MAX_SECONDS;
        let over = obj.get(key).and_then(Value::as_u64).is_some_and(|n| n > max);
        if over {
            self.schema(format!("Maximum value is {max}"), child(pointer, key));
        }
        over
    }

    /// A number-valued field with an optional `…Path` twin (JSONPath) or an expression (JSONata).
    pub(super) fn number_spec(
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
                    return Some(NumberSpec::Expression(Template::compile(v, lang)));
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
            Some(Value::String(s)) => Some(NumberSpec::Path(Path::compile(s))),
            Some(_) => {
                self.schema(format!("{path_key} must be a string"), child(pointer, &path_key));
                None
            }
            None => None,
        }
    }
}

/// The field `key` compiled as a template of the state's query language, when present.
pub(super) fn template(
    obj: &Map<String, Value>,
    key: &str,
    lang: QueryLanguage,
) -> Option<Template> {
    obj.get(key).map(|v| Template::compile(v, lang))
}
