//! Evaluating choice rules against a state's data, with AWS's comparison semantics.
//!
//! Paths are resolved by the caller's closure, so evaluation depends neither on the JSONPath
//! implementation nor on the runner.

use crate::jsonpath::Path;
use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::ast::{operand_flag, Choice, ChoiceRule, Kind, Operand, Operator};
use super::timestamp::parse_timestamp;
use crate::errors::StatesError;

/// The `States.Runtime` error AWS raises when a rule reads a path that selects nothing.
pub fn invalid_path_error(path: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{path}': The choice state's condition path references an invalid value."
    ))
}

/// Evaluate a rule.
///
/// `resolve(path)` returns the value at a path of the definition (compiled when it was loaded)
/// (`$.x`, `$$.Execution.Id`, or a variable `$name.x`); `Ok(None)` means the path selects
/// nothing. A path that selects nothing is an error ([`invalid_path_error`]) except as the
/// `Variable` of `IsPresent`.
pub fn evaluate(
    rule: &ChoiceRule,
    resolve: &mut dyn FnMut(&Path) -> Result<Option<Value>, StatesError>,
) -> Result<bool, StatesError> {
    match rule {
        ChoiceRule::And(rules) => {
            for r in rules {
                if !evaluate(r, resolve)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        ChoiceRule::Or(rules) => {
            for r in rules {
                if evaluate(r, resolve)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        ChoiceRule::Not(inner) => Ok(!evaluate(inner, resolve)?),
        ChoiceRule::Compare { variable, op, operand } => {
            let value = resolve(variable)?;
            if *op == Operator::IsPresent {
                return Ok(value.is_some() == operand_flag(operand));
            }
            let Some(value) = value else {
                return Err(invalid_path_error(variable));
            };
            let operand_value = match operand {
                Operand::Literal(v) => v.clone(),
                Operand::Path(p) => resolve(p)?.ok_or_else(|| invalid_path_error(p))?,
            };
            Ok(compare(*op, &value, &operand_value))
        }
    }
}

/// Compare `value` (from `Variable`) with `operand` by `op`. A value of the wrong type for the
/// operator makes the comparison false.
pub fn compare(op: Operator, value: &Value, operand: &Value) -> bool {
    match op.kind() {
        Kind::TypeTest => {
            let Value::Bool(expected) = operand else { return false };
            let actual = match op {
                Operator::IsNull => value.is_null(),
                Operator::IsPresent => true,
                Operator::IsNumeric => value.is_number(),
                Operator::IsString => value.is_string(),
                Operator::IsBoolean => value.is_boolean(),
                _ => value.as_str().is_some_and(|s| parse_timestamp(s).is_some()),
            };
            actual == *expected
        }
        Kind::String => {
            let (Value::String(a), Value::String(b)) = (value, operand) else { return false };
            if op == Operator::StringMatches {
                return string_matches(a, b);
            }
            op.relation().is_some_and(|rel| rel.holds(compare_utf16(a, b)))
        }
        Kind::Numeric => {
            let (Value::Number(a), Value::Number(b)) = (value, operand) else { return false };
            match (compare_numbers(a, b), op.relation()) {
                (Some(ordering), Some(rel)) => rel.holds(ordering),
                _ => false,
            }
        }
        Kind::Boolean => {
            matches!((value, operand), (Value::Bool(a), Value::Bool(b)) if a == b)
        }
        Kind::Timestamp => {
            let (Some(a), Some(b)) = (
                value.as_str().and_then(parse_timestamp),
                operand.as_str().and_then(parse_timestamp),
            ) else {
                return false;
            };
            op.relation().is_some_and(|rel| rel.holds(a.cmp(&b)))
        }
    }
}

/// Java `String.compareTo` order: lexicographic over UTF-16 code units.
pub fn compare_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Numbers compare by value, whatever their JSON spelling (`1` equals `1.0`).
pub fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let as_int = |n: &Number| -> Option<i128> {
        n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
    };
    if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
        return Some(x.cmp(&y));
    }
    let (x, y) = (a.as_f64()?, b.as_f64()?);
    x.partial_cmp(&y)
}

/// `StringMatches`: `*` matches any run of characters (including none); `\*` is a literal
/// star and `\\` a literal backslash. A backslash before any other character is literal.
pub fn string_matches(value: &str, pattern: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Star,
        Char(char),
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                if tokens.last() != Some(&Tok::Star) {
                    tokens.push(Tok::Star);
                }
            }
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '\\')) => {
                    chars.next();
                    tokens.push(Tok::Char(next));
                }
                _ => tokens.push(Tok::Char('\\')),
            },
            other => tokens.push(Tok::Char(other)),
        }
    }
    let text: Vec<char> = value.chars().collect();
    // Classic wildcard matching with single-star backtracking: linear in practice, and at
    // worst O(len(text) * len(pattern)).
    let (mut t, mut p) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Tok::Star) => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(Tok::Char(c)) if text.get(t) == Some(c) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    backtrack = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    tokens.get(p..).is_some_and(|rest| rest.iter().all(|tok| *tok == Tok::Star))
}

/// Evaluate a Choice state's rules in order; the `Next` of the first rule that holds, or
/// `None` when none does (the caller then takes `Default` or fails with
/// `States.NoChoiceMatched`).
pub fn first_match<'a>(
    choices: &'a [Choice],
    resolve: &mut dyn FnMut(&Path) -> Result<Option<Value>, StatesError>,
) -> Result<Option<&'a Choice>, StatesError> {
    for choice in choices {
        if evaluate(&choice.rule, resolve)? {
            return Ok(Some(choice));
        }
    }
    Ok(None)
}
