//! Building choice rules from definition JSON (JSONPath query language).
//!
//! Reports every problem it finds, each with a JSON pointer relative to the rule, so the
//! validator can show them all at once instead of one per attempt.

use crate::jsonpath::Path;
use serde_json::Value;

use super::ast::{Choice, ChoiceRule, Kind, Operand, Operator};
use super::timestamp::parse_timestamp;

/// A parse error: (JSON-pointer suffix relative to the rule, message).
pub type RuleError = (String, String);

/// Parse one top-level choice rule object (JSONPath query language).
///
/// Errors are `(json-pointer-suffix relative to the rule, message)`; all problems found are
/// reported, not only the first.
pub fn parse_choice(rule: &Value) -> Result<Choice, Vec<RuleError>> {
    let mut errors = Vec::new();
    let Some(obj) = rule.as_object() else {
        return Err(vec![(
            String::new(),
            format!("A choice rule must be an object, got {}", kind_of(rule)),
        )]);
    };
    let next = match obj.get("Next") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            errors.push(("/Next".into(), format!("Next must be a string, got {}", kind_of(other))));
            None
        }
        None => {
            errors.push((String::new(), "A top-level choice rule needs a Next field".into()));
            None
        }
    };
    let comment = match obj.get("Comment") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            errors.push((
                "/Comment".into(),
                format!("Comment must be a string, got {}", kind_of(other)),
            ));
            None
        }
        None => None,
    };
    let assign = match obj.get("Assign") {
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(other) => {
            errors.push((
                "/Assign".into(),
                format!("Assign must be an object, got {}", kind_of(other)),
            ));
            None
        }
        None => None,
    };
    let parsed = parse_rule_at(rule, "", &["Next", "Comment", "Assign"], &mut errors);
    match (parsed, next) {
        (Some(rule), Some(next)) if errors.is_empty() => Ok(Choice { rule, next, comment, assign }),
        _ => Err(errors),
    }
}

/// Parse a nested choice rule (inside `And`, `Or` or `Not`): it has no `Next`.
pub fn parse_rule(rule: &Value) -> Result<ChoiceRule, Vec<RuleError>> {
    let mut errors = Vec::new();
    match parse_rule_at(rule, "", &["Comment"], &mut errors) {
        Some(parsed) if errors.is_empty() => Ok(parsed),
        _ => Err(errors),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Escape a field name for a JSON pointer (RFC 6901).
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn parse_rule_at(
    rule: &Value,
    at: &str,
    extra_allowed: &[&str],
    errors: &mut Vec<RuleError>,
) -> Option<ChoiceRule> {
    let Some(obj) = rule.as_object() else {
        errors.push((
            at.to_string(),
            format!("A choice rule must be an object, got {}", kind_of(rule)),
        ));
        return None;
    };

    // Sort the fields into combinators, comparison operators, Variable and the rest.
    let mut combinators: Vec<&str> = Vec::new();
    let mut operators: Vec<(&str, Operator, bool)> = Vec::new();
    for key in obj.keys() {
        let key = key.as_str();
        if matches!(key, "And" | "Or" | "Not") {
            combinators.push(key);
        } else if let Some((op, is_path)) = Operator::from_field(key) {
            operators.push((key, op, is_path));
        } else if key == "Condition" {
            errors.push((
                format!("{at}/Condition"),
                "Condition is a JSONata field; JSONPath choice rules use Variable and a comparison operator"
                    .into(),
            ));
        } else if key != "Variable" && !extra_allowed.contains(&key) {
            let message = if key.ends_with("Path")
                && Operator::from_field(key.trim_end_matches("Path")).is_some()
            {
                format!("{} has no …Path form", key.trim_end_matches("Path"))
            } else {
                format!("Field '{key}' is not supported in a choice rule (unknown operator?)")
            };
            errors.push((format!("{at}/{}", pointer_token(key)), message));
        }
    }

    if combinators.len() + operators.len() > 1 {
        let mut names: Vec<&str> = combinators.clone();
        names.extend(operators.iter().map(|(k, _, _)| *k));
        errors.push((
            at.to_string(),
            format!("A choice rule must have exactly one operator, found {}", names.join(", ")),
        ));
        return None;
    }

    if let Some(&combinator) = combinators.first() {
        if obj.contains_key("Variable") {
            errors.push((
                format!("{at}/Variable"),
                format!("Variable is not allowed next to {combinator}"),
            ));
        }
        let value = obj.get(combinator)?;
        let here = format!("{at}/{combinator}");
        return match combinator {
            "Not" => {
                let inner = parse_rule_at(value, &here, &["Comment"], errors)?;
                Some(ChoiceRule::Not(Box::new(inner)))
            }
            _ => {
                let Some(items) = value.as_array() else {
                    errors.push((
                        here,
                        format!(
                            "{combinator} must be an array of choice rules, got {}",
                            kind_of(value)
                        ),
                    ));
                    return None;
                };
                if items.is_empty() {
                    errors.push((here, format!("{combinator} must hold at least one choice rule")));
                    return None;
                }
                let mut rules = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match parse_rule_at(item, &format!("{here}/{i}"), &["Comment"], errors) {
                        Some(r) => rules.push(r),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Some(if combinator == "And" {
                    ChoiceRule::And(rules)
                } else {
                    ChoiceRule::Or(rules)
                })
            }
        };
    }

    let variable = match obj.get("Variable") {
        Some(Value::String(s)) if s.starts_with('$') => Some(Path::compile(s)),
        Some(Value::String(s)) => {
            errors.push((
                format!("{at}/Variable"),
                format!("Variable must be a path starting with '$', got '{s}'"),
            ));
            None
        }
        Some(other) => {
            errors.push((
                format!("{at}/Variable"),
                format!("Variable must be a string path, got {}", kind_of(other)),
            ));
            None
        }
        None => {
            errors.push((at.to_string(), "A comparison needs a Variable field".into()));
            None
        }
    };

    let Some(&(field, op, is_path)) = operators.first() else {
        errors.push((
            at.to_string(),
            "A choice rule needs a comparison operator (e.g. StringEquals) or And/Or/Not".into(),
        ));
        return None;
    };
    let here = format!("{at}/{field}");
    let value = obj.get(field)?;
    let operand = if is_path {
        match value {
            Value::String(s) if s.starts_with('$') => Some(Operand::Path(Path::compile(s))),
            Value::String(s) => {
                errors.push((here, format!("{field} must be a path starting with '$', got '{s}'")));
                None
            }
            other => {
                errors
                    .push((here, format!("{field} must be a string path, got {}", kind_of(other))));
                None
            }
        }
    } else {
        check_literal(op, value, &here, errors).then(|| Operand::Literal(value.clone()))
    };
    Some(ChoiceRule::Compare { variable: variable?, op, operand: operand? })
}

/// Check a literal operand's type for `op`; push an error and return false when it is wrong.
fn check_literal(op: Operator, value: &Value, at: &str, errors: &mut Vec<RuleError>) -> bool {
    let problem = match op.kind() {
        Kind::String => match value {
            Value::String(_) => None,
            other => Some(format!("{op} needs a string, got {}", kind_of(other))),
        },
        Kind::Numeric => match value {
            Value::Number(_) => None,
            other => Some(format!("{op} needs a number, got {}", kind_of(other))),
        },
        Kind::Boolean | Kind::TypeTest => match value {
            Value::Bool(_) => None,
            other => Some(format!("{op} needs a boolean, got {}", kind_of(other))),
        },
        Kind::Timestamp => match value {
            Value::String(s) if parse_timestamp(s).is_some() => None,
            Value::String(s) => Some(format!(
                "{op} needs an RFC 3339 timestamp (e.g. 2016-08-18T17:33:00Z), got '{s}'"
            )),
            other => Some(format!("{op} needs a timestamp string, got {}", kind_of(other))),
        },
    };
    match problem {
        Some(message) => {
            errors.push((at.to_string(), message));
            false
        }
        None => true,
    }
}
