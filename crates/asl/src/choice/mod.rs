//! Choice rules: their model and their evaluation.
//!
//! A `Choice` state holds a list of top-level rules, each with a `Next` target. A rule is either
//! a boolean combination (`And`, `Or`, `Not`) or a comparison of the value at `Variable` with an
//! operand (a literal, or the value at a `…Path`). This module parses rules written in the
//! JSONPath query language, evaluates them the way AWS Step Functions does, and renders short
//! labels for drawing graph edges.
//!
//! It does not know how paths are resolved: [`evaluate`] receives a resolver closure, so the
//! module stays independent of the JSONPath implementation and of the runner.
//!
//! AWS semantics encoded here (checked against recordings made on real AWS):
//! - A value of the wrong type for the operator makes the comparison false, never an error
//!   (`NumericEquals` on a string, `BooleanEquals` on `1`, `TimestampEquals` on a non-timestamp).
//! - `IsPresent` is the only operator that tolerates a `Variable` that selects nothing; every
//!   other operator fails the execution with `States.Runtime` and the cause
//!   `Invalid path '<path>': The choice state's condition path references an invalid value.`
//! - Numbers compare by value: `1` equals `1.0`.
//! - Strings compare like Java's `String.compareTo` (UTF-16 code units).
//! - Timestamps are RFC 3339 with an uppercase `T` and a `Z` or `±hh:mm` offset; they compare
//!   as instants (so `…T20:00:55+01:00` equals `…T19:00:55Z`).

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Number, Value};

use crate::errors::StatesError;

/// A comparison operator, without its `…Path` suffix (see [`Operand`] for that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// The kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Numeric,
    Boolean,
    Timestamp,
    /// `Is*` type tests: the operand is a boolean saying whether the test should hold.
    TypeTest,
}

/// How an ordered comparison relates its two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Relation {
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Relation::Equals => ordering == Ordering::Equal,
            Relation::LessThan => ordering == Ordering::Less,
            Relation::GreaterThan => ordering == Ordering::Greater,
            Relation::LessThanEquals => ordering != Ordering::Greater,
            Relation::GreaterThanEquals => ordering != Ordering::Less,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Relation::Equals => "==",
            Relation::LessThan => "<",
            Relation::GreaterThan => ">",
            Relation::LessThanEquals => "<=",
            Relation::GreaterThanEquals => ">=",
        }
    }
}

impl Operator {
    /// Every operator, in the order AWS documents them.
    pub const ALL: [Operator; 23] = [
        Operator::StringEquals,
        Operator::StringLessThan,
        Operator::StringGreaterThan,
        Operator::StringLessThanEquals,
        Operator::StringGreaterThanEquals,
        Operator::StringMatches,
        Operator::NumericEquals,
        Operator::NumericLessThan,
        Operator::NumericGreaterThan,
        Operator::NumericLessThanEquals,
        Operator::NumericGreaterThanEquals,
        Operator::BooleanEquals,
        Operator::TimestampEquals,
        Operator::TimestampLessThan,
        Operator::TimestampGreaterThan,
        Operator::TimestampLessThanEquals,
        Operator::TimestampGreaterThanEquals,
        Operator::IsNull,
        Operator::IsPresent,
        Operator::IsNumeric,
        Operator::IsString,
        Operator::IsBoolean,
        Operator::IsTimestamp,
    ];

    /// The field name in a definition (without `Path`), e.g. `"NumericLessThan"`.
    pub fn name(self) -> &'static str {
        match self {
            Operator::StringEquals => "StringEquals",
            Operator::StringLessThan => "StringLessThan",
            Operator::StringGreaterThan => "StringGreaterThan",
            Operator::StringLessThanEquals => "StringLessThanEquals",
            Operator::StringGreaterThanEquals => "StringGreaterThanEquals",
            Operator::StringMatches => "StringMatches",
            Operator::NumericEquals => "NumericEquals",
            Operator::NumericLessThan => "NumericLessThan",
            Operator::NumericGreaterThan => "NumericGreaterThan",
            Operator::NumericLessThanEquals => "NumericLessThanEquals",
            Operator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Operator::BooleanEquals => "BooleanEquals",
            Operator::TimestampEquals => "TimestampEquals",
            Operator::TimestampLessThan => "TimestampLessThan",
            Operator::TimestampGreaterThan => "TimestampGreaterThan",
            Operator::TimestampLessThanEquals => "TimestampLessThanEquals",
            Operator::TimestampGreaterThanEquals => "TimestampGreaterThanEquals",
            Operator::IsNull => "IsNull",
            Operator::IsPresent => "IsPresent",
            Operator::IsNumeric => "IsNumeric",
            Operator::IsString => "IsString",
            Operator::IsBoolean => "IsBoolean",
            Operator::IsTimestamp => "IsTimestamp",
        }
    }

    /// The operator a definition field names, and whether it is the `…Path` form.
    /// `None` for anything that is not a comparison operator field.
    pub fn from_field(field: &str) -> Option<(Operator, bool)> {
        if let Some(op) = Operator::ALL.iter().copied().find(|op| op.name() == field) {
            return Some((op, false));
        }
        let base = field.strip_suffix("Path")?;
        let op = Operator::ALL.iter().copied().find(|op| op.name() == base)?;
        op.has_path_form().then_some((op, true))
    }

    /// Whether AWS accepts a `…Path` form of this operator (not `StringMatches`, not `Is*`).
    pub fn has_path_form(self) -> bool {
        !matches!(self.kind(), Kind::TypeTest) && self != Operator::StringMatches
    }

    fn kind(self) -> Kind {
        use Operator::*;
        match self {
            StringEquals
            | StringLessThan
            | StringGreaterThan
            | StringLessThanEquals
            | StringGreaterThanEquals
            | StringMatches => Kind::String,
            NumericEquals
            | NumericLessThan
            | NumericGreaterThan
            | NumericLessThanEquals
            | NumericGreaterThanEquals => Kind::Numeric,
            BooleanEquals => Kind::Boolean,
            TimestampEquals
            | TimestampLessThan
            | TimestampGreaterThan
            | TimestampLessThanEquals
            | TimestampGreaterThanEquals => Kind::Timestamp,
            IsNull | IsPresent | IsNumeric | IsString | IsBoolean | IsTimestamp => Kind::TypeTest,
        }
    }

    fn relation(self) -> Option<Relation> {
        use Operator::*;
        Some(match self {
            StringEquals | NumericEquals | BooleanEquals | TimestampEquals => Relation::Equals,
            StringLessThan | NumericLessThan | TimestampLessThan => Relation::LessThan,
            StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => Relation::GreaterThan,
            StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => {
                Relation::LessThanEquals
            }
            StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => {
                Relation::GreaterThanEquals
            }
            _ => return None,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal from the definition (`"NumericEquals": 3`), already checked for its type.
    Literal(Value),
    /// A path from a `…Path` operator (`"NumericEqualsPath": "$.limit"`), exactly as written.
    Path(String),
}

/// A choice rule (top-level or nested), in the JSONPath query language.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceRule {
    /// True when every rule is true (evaluated left to right, stopping at the first false).
    And(Vec<ChoiceRule>),
    /// True when any rule is true (evaluated left to right, stopping at the first true).
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    /// `Variable` compared with `operand` by `op`.
    Compare {
        variable: String,
        op: Operator,
        operand: Operand,
    },
}

/// A top-level rule with its target (`Next`); nested rules have none.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub rule: ChoiceRule,
    pub next: String,
    pub comment: Option<String>,
    /// The rule's `Assign` block (workflow variables set when this rule is taken), if any.
    /// Kept verbatim: evaluating it is the runner's job.
    pub assign: Option<Value>,
}

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
        Some(Value::String(s)) if s.starts_with('$') => Some(s.clone()),
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
            Value::String(s) if s.starts_with('$') => Some(Operand::Path(s.clone())),
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

/// The `States.Runtime` error AWS raises when a rule reads a path that selects nothing.
pub fn invalid_path_error(path: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{path}': The choice state's condition path references an invalid value."
    ))
}

/// Evaluate a rule.
///
/// `resolve(path)` returns the value at a path string exactly as written in the definition
/// (`$.x`, `$$.Execution.Id`, or a variable `$name.x`); `Ok(None)` means the path selects
/// nothing. A path that selects nothing is an error ([`invalid_path_error`]) except as the
/// `Variable` of `IsPresent`.
pub fn evaluate(
    rule: &ChoiceRule,
    resolve: &mut dyn FnMut(&str) -> Result<Option<Value>, StatesError>,
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

/// The boolean of an `Is*` operand (parsing guarantees a literal boolean).
fn operand_flag(operand: &Operand) -> bool {
    matches!(operand, Operand::Literal(Value::Bool(true)))
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

/// An instant parsed from an RFC 3339 timestamp: seconds since the Unix epoch (UTC) and
/// nanoseconds. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

/// Parse a timestamp the way AWS accepts it in Choice rules: `YYYY-MM-DDThh:mm:ss`, an optional
/// fraction of 1 to 9 digits, then `Z` or `±hh:mm`. The `T` and `Z` must be uppercase; the date
/// and time must exist (no month 13, no February 30, no second 60).
pub fn parse_timestamp(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .try_fold(0i64, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
    };
    let byte = |i: usize| b.get(i).copied();
    let year = digits(0, 4)?;
    (byte(4) == Some(b'-')).then_some(())?;
    let month = digits(5, 2)?;
    (byte(7) == Some(b'-')).then_some(())?;
    let day = digits(8, 2)?;
    (byte(10) == Some(b'T')).then_some(())?;
    let hour = digits(11, 2)?;
    (byte(13) == Some(b':')).then_some(())?;
    let minute = digits(14, 2)?;
    (byte(16) == Some(b':')).then_some(())?;
    let second = digits(17, 2)?;
    let mut i = 19;
    let mut nanos: u32 = 0;
    if byte(i) == Some(b'.') {
        i += 1;
        let start = i;
        while byte(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        let len = i - start;
        if len == 0 || len > 9 {
            return None;
        }
        let frac = u32::try_from(digits(start, len)?).ok()?;
        nanos = frac * 10u32.pow(u32::try_from(9 - len).ok()?);
    }
    let offset_seconds = match byte(i)? {
        b'Z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let oh = digits(i + 1, 2)?;
            (byte(i + 3) == Some(b':')).then_some(())?;
            let om = digits(i + 4, 2)?;
            if oh > 18 || om > 59 || (oh == 18 && om > 0) {
                return None;
            }
            i += 6;
            let total = oh * 3600 + om * 60;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    if i != b.len() {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(Instant { seconds, nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Evaluate a Choice state's rules in order; the `Next` of the first rule that holds, or
/// `None` when none does (the caller then takes `Default` or fails with
/// `States.NoChoiceMatched`).
pub fn first_match<'a>(
    choices: &'a [Choice],
    resolve: &mut dyn FnMut(&str) -> Result<Option<Value>, StatesError>,
) -> Result<Option<&'a Choice>, StatesError> {
    for choice in choices {
        if evaluate(&choice.rule, resolve)? {
            return Ok(Some(choice));
        }
    }
    Ok(None)
}

const LABEL_MAX: usize = 40;

/// A short human label for a rule, for drawing graph edges: e.g. `$.status == "200"`,
/// `not ($.x > 3)`, `$.a is present && …` (at most 40 characters, ellipsis beyond).
pub fn label(rule: &ChoiceRule) -> String {
    let full = label_full(rule);
    if full.chars().count() <= LABEL_MAX {
        return full;
    }
    let mut short: String = full.chars().take(LABEL_MAX - 1).collect();
    short.push('…');
    short
}

/// The full human text of a rule, as [`label`] but never shortened (for tooltips).
pub fn label_full(rule: &ChoiceRule) -> String {
    match rule {
        ChoiceRule::And(rules) => join_labels(rules, " && "),
        ChoiceRule::Or(rules) => join_labels(rules, " || "),
        ChoiceRule::Not(inner) => format!("not ({})", label_full(inner)),
        ChoiceRule::Compare { variable, op, operand } => {
            let rhs = match operand {
                Operand::Literal(v) => v.to_string(),
                Operand::Path(p) => p.clone(),
            };
            if op.kind() == Kind::TypeTest {
                let yes = operand_flag(operand);
                let what = match op {
                    Operator::IsNull => "null",
                    Operator::IsPresent => "present",
                    Operator::IsNumeric => "numeric",
                    Operator::IsString => "a string",
                    Operator::IsBoolean => "a boolean",
                    _ => "a timestamp",
                };
                return format!("{variable} is {}{what}", if yes { "" } else { "not " });
            }
            if *op == Operator::StringMatches {
                return format!("{variable} like {rhs}");
            }
            let symbol = op.relation().map_or("?", Relation::symbol);
            format!("{variable} {symbol} {rhs}")
        }
    }
}

fn join_labels(rules: &[ChoiceRule], separator: &str) -> String {
    rules
        .iter()
        .map(|r| match r {
            ChoiceRule::And(_) | ChoiceRule::Or(_) => format!("({})", label_full(r)),
            _ => label_full(r),
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// All paths the rule reads (`Variable` and `…Path` operands), in definition order.
pub fn paths(rule: &ChoiceRule) -> Vec<&str> {
    let mut out = Vec::new();
    collect_paths(rule, &mut out);
    out
}

fn collect_paths<'a>(rule: &'a ChoiceRule, out: &mut Vec<&'a str>) {
    match rule {
        ChoiceRule::And(rules) | ChoiceRule::Or(rules) => {
            for r in rules {
                collect_paths(r, out);
            }
        }
        ChoiceRule::Not(inner) => collect_paths(inner, out),
        ChoiceRule::Compare { variable, operand, .. } => {
            out.push(variable);
            if let Operand::Path(p) = operand {
                out.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Resolve `$`, `$.a`, `$.a.b` over `input`; anything else selects nothing.
    fn run(rule: &Value, input: &Value) -> Result<bool, StatesError> {
        let parsed = parse_rule(rule).unwrap_or_else(|e| panic!("{rule}: {e:?}"));
        let mut resolve = |path: &str| -> Result<Option<Value>, StatesError> {
            let mut current = input;
            let rest = path.strip_prefix('$').unwrap_or(path);
            for field in rest.split('.').filter(|f| !f.is_empty()) {
                match current.get(field) {
                    Some(v) => current = v,
                    None => return Ok(None),
                }
            }
            Ok(Some(current.clone()))
        };
        evaluate(&parsed, &mut resolve)
    }

    /// `Variable: $.v`, `<op>: operand`, evaluated with input `{"v": v}`.
    fn check(op: &str, operand: Value, v: Value) -> bool {
        let rule = json!({ "Variable": "$.v", op: operand });
        run(&rule, &json!({ "v": v })).unwrap_or_else(|e| panic!("{rule}: {e}"))
    }

    /// `Variable: $.v`, `<op>Path: $.w`, evaluated with input `{"v": v, "w": w}`.
    fn check_path(op: &str, v: Value, w: Value) -> bool {
        let rule = json!({ "Variable": "$.v", format!("{op}Path"): "$.w" });
        run(&rule, &json!({ "v": v, "w": w })).unwrap_or_else(|e| panic!("{rule}: {e}"))
    }

    fn parse_errors(rule: Value) -> Vec<RuleError> {
        match parse_choice(&rule) {
            Ok(c) => panic!("{rule} parsed as {c:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn string_comparisons() {
        assert!(check("StringEquals", json!("Hello"), json!("Hello")));
        assert!(!check("StringEquals", json!("Hello"), json!("hello")));
        assert!(!check("StringEquals", json!("\t\r\n"), json!("\t\n")));
        assert!(check("StringLessThan", json!("AB"), json!("A")));
        assert!(!check("StringLessThan", json!(""), json!("")));
        assert!(check("StringGreaterThan", json!("A"), json!("AB")));
        assert!(!check("StringGreaterThan", json!(""), json!("")));
        assert!(check("StringLessThanEquals", json!(""), json!("")));
        assert!(check("StringLessThanEquals", json!("b"), json!("a")));
        assert!(!check("StringLessThanEquals", json!("A"), json!("AB")));
        assert!(check("StringGreaterThanEquals", json!("A"), json!("AB")));
        assert!(!check("StringGreaterThanEquals", json!("AB"), json!("A")));
        // Path forms.
        assert!(check_path("StringEquals", json!("x"), json!("x")));
        assert!(check_path("StringLessThan", json!("a"), json!("b")));
        assert!(check_path("StringGreaterThan", json!("b"), json!("a")));
        assert!(!check_path("StringLessThanEquals", json!("AB"), json!("A")));
        assert!(check_path("StringGreaterThanEquals", json!(""), json!("")));
    }

    #[test]
    fn strings_compare_by_utf16_code_units_like_java() {
        // U+FF61 is one UTF-16 unit 0xFF61; U+1F600 is the surrogate pair D83D DE00. Java
        // orders the emoji first (0xD83D < 0xFF61); Rust's byte/char order would not.
        assert!(check("StringLessThan", json!("\u{FF61}"), json!("\u{1F600}")));
        assert!(!check("StringGreaterThan", json!("\u{FF61}"), json!("\u{1F600}")));
        assert_eq!(compare_utf16("Z", "a"), Ordering::Less);
    }

    #[test]
    fn string_comparisons_on_non_strings_are_false() {
        for v in [json!(0), json!(1.1), json!(false), json!(null), json!([]), json!([""])] {
            assert!(!check("StringEquals", json!("HelloWorld"), v.clone()), "{v}");
            assert!(!check("StringLessThan", json!("zzz"), v.clone()), "{v}");
            assert!(!check("StringMatches", json!("*"), v.clone()), "{v}");
        }
        assert!(!check_path("StringEquals", json!("1"), json!(1)));
    }

    #[test]
    fn string_matches_wildcards_and_escapes() {
        assert!(check("StringMatches", json!("log-*.txt"), json!("log-2024.txt")));
        assert!(check("StringMatches", json!("log-*.txt"), json!("log-.txt")));
        assert!(!check("StringMatches", json!("log-*.txt"), json!("log-2024.txt.gz")));
        assert!(check("StringMatches", json!("*"), json!("")));
        assert!(check("StringMatches", json!("a*b*c"), json!("aXXbYYbc")));
        assert!(!check("StringMatches", json!("a*b*c"), json!("aXXbYY")));
        assert!(check("StringMatches", json!("exact"), json!("exact")));
        assert!(!check("StringMatches", json!("exact"), json!("exactly")));
        // `\*` is a literal star, `\\` a literal backslash.
        assert!(check("StringMatches", json!("a\\*"), json!("a*")));
        assert!(!check("StringMatches", json!("a\\*"), json!("ab")));
        assert!(check("StringMatches", json!("c:\\\\*"), json!("c:\\dir")));
        assert!(!check("StringMatches", json!("c:\\\\*"), json!("c:dir")));
        assert!(string_matches("ünï*ödé", "ünï*"));
    }

    #[test]
    fn numeric_comparisons_compare_values_not_spellings() {
        assert!(check("NumericEquals", json!(0), json!(0.0)));
        assert!(check("NumericEquals", json!(1.0), json!(1)));
        assert!(check("NumericEquals", json!(2.22), json!(2.22)));
        assert!(!check("NumericEquals", json!(1.0), json!(1.1)));
        assert!(check("NumericLessThan", json!(1), json!(0)));
        assert!(!check("NumericLessThan", json!(0), json!(0)));
        assert!(check("NumericGreaterThan", json!(0), json!(0.5)));
        assert!(!check("NumericGreaterThan", json!(1), json!(1)));
        assert!(check("NumericLessThanEquals", json!(1), json!(1.0)));
        assert!(!check("NumericLessThanEquals", json!(0), json!(1)));
        assert!(check("NumericGreaterThanEquals", json!(-1), json!(-1)));
        assert!(!check("NumericGreaterThanEquals", json!(1), json!(0)));
        // Large integers compare exactly.
        assert!(!check("NumericEquals", json!(9007199254740993_i64), json!(9007199254740992_i64)));
        assert!(check("NumericGreaterThan", json!(-1), json!(u64::MAX)));
        // Path forms.
        assert!(check_path("NumericEquals", json!(0.0), json!(0)));
        assert!(check_path("NumericLessThan", json!(0), json!(1)));
        assert!(check_path("NumericGreaterThan", json!(1), json!(0)));
        assert!(check_path("NumericLessThanEquals", json!(0), json!(0)));
        assert!(check_path("NumericGreaterThanEquals", json!(0.0), json!(0)));
    }

    #[test]
    fn numeric_comparisons_on_non_numbers_are_false() {
        for v in [
            json!(null),
            json!(""),
            json!(" "),
            json!("1"),
            json!(true),
            json!([]),
            json!({"A": 0}),
        ] {
            assert!(!check("NumericEquals", json!(0), v.clone()), "{v}");
            assert!(!check("NumericLessThan", json!(100), v.clone()), "{v}");
            // The operand path selecting a non-number is false too, not an error.
            assert!(!check_path("NumericEquals", json!(0), v.clone()), "{v}");
        }
    }

    #[test]
    fn boolean_equals() {
        assert!(check("BooleanEquals", json!(true), json!(true)));
        assert!(check("BooleanEquals", json!(false), json!(false)));
        assert!(!check("BooleanEquals", json!(true), json!(false)));
        for v in [json!(1), json!(0), json!("true"), json!(null), json!([]), json!({})] {
            assert!(!check("BooleanEquals", json!(true), v.clone()), "{v}");
            assert!(!check("BooleanEquals", json!(false), v.clone()), "{v}");
        }
        assert!(check_path("BooleanEquals", json!(false), json!(false)));
        assert!(!check_path("BooleanEquals", json!(false), json!(0)));
    }

    #[test]
    fn timestamp_comparisons() {
        let t = json!("2012-10-09T19:00:55Z");
        assert!(check("TimestampEquals", t.clone(), t.clone()));
        assert!(check("TimestampEquals", t.clone(), json!("2012-10-09T20:00:55+01:00")));
        assert!(check("TimestampEquals", t.clone(), json!("2012-10-09T19:00:55.000Z")));
        assert!(!check("TimestampEquals", t.clone(), json!("2012-10-09T19:00:55.5Z")));
        assert!(check("TimestampLessThan", t.clone(), json!("2012-10-09T19:00:54Z")));
        assert!(!check("TimestampLessThan", t.clone(), t.clone()));
        assert!(check("TimestampGreaterThan", t.clone(), json!("2012-10-09T19:00:55.001Z")));
        assert!(!check("TimestampGreaterThan", t.clone(), t.clone()));
        assert!(check("TimestampLessThanEquals", t.clone(), t.clone()));
        assert!(!check("TimestampLessThanEquals", t.clone(), json!("2012-10-09T19:00:56Z")));
        assert!(check("TimestampGreaterThanEquals", t.clone(), t.clone()));
        assert!(!check("TimestampGreaterThanEquals", json!("2012-10-09T19:00:56Z"), t.clone()));
        // Path forms.
        assert!(check_path("TimestampEquals", t.clone(), t.clone()));
        assert!(!check_path("TimestampEquals", t.clone(), json!("2012-10-09T19:00:56Z")));
        assert!(check_path("TimestampLessThan", t.clone(), json!("2012-10-09T19:00:56Z")));
        assert!(!check_path("TimestampGreaterThan", t.clone(), json!("2012-10-09T19:00:56Z")));
        assert!(check_path("TimestampLessThanEquals", t.clone(), t.clone()));
        assert!(!check_path(
            "TimestampGreaterThanEquals",
            t.clone(),
            json!("2012-10-09T19:00:56Z")
        ));
        // Not timestamps: false, never an error.
        for v in [
            json!(" "),
            json!("2023-02-24 12:15:56.832957"),
            json!("2012-10-09T19:00:55"),
            json!("2012-10-09t19:00:55Z"),
            json!("2023-02-24"),
            json!([]),
            json!(false),
            json!({"A": 0}),
        ] {
            assert!(!check("TimestampEquals", t.clone(), v.clone()), "{v}");
            assert!(!check("TimestampLessThan", json!("2999-01-01T00:00:00Z"), v.clone()), "{v}");
        }
        assert!(!check_path("TimestampEquals", t.clone(), json!("not a time")));
    }

    #[test]
    fn timestamp_parsing_follows_rfc3339_with_aws_restrictions() {
        let ok = |s: &str| parse_timestamp(s).is_some();
        assert!(ok("2016-08-18T17:33:00Z"));
        assert!(ok("2016-08-18T17:33:00.123456789Z"));
        assert!(ok("2016-08-18T17:33:00-07:30"));
        assert!(ok("2024-02-29T00:00:00Z"));
        assert!(!ok("2023-02-29T00:00:00Z"));
        assert!(!ok("2016-13-05T21:29:29Z"));
        assert!(!ok("05-12-2016T21:29:29Z"));
        assert!(!ok("2016-08-18T24:00:00Z"));
        assert!(!ok("2016-08-18T17:33:60Z"));
        assert!(!ok("2016-08-18 17:33:00Z"));
        assert!(!ok("2016-08-18T17:33:00z"));
        assert!(!ok("2016-08-18T17:33:00+0100"));
        assert!(!ok("2016-08-18T17:33:00.Z"));
        assert!(!ok("2016-08-18T17:33:00.1234567890Z"));
        assert!(!ok("2016-08-18T17:33:00Zjunk"));
        assert!(!ok("2016-08-18T17:33:00+19:00"));
        assert!(!ok("２016-08-18T17:33:00Z"));
        let a = parse_timestamp("1970-01-01T00:00:00Z");
        assert_eq!(a, Some(Instant { seconds: 0, nanos: 0 }));
        let b = parse_timestamp("1969-12-31T23:00:00.25-01:00");
        assert_eq!(b, Some(Instant { seconds: 0, nanos: 250_000_000 }));
    }

    #[test]
    fn type_tests() {
        let all = [
            json!(null),
            json!(0),
            json!(1.1),
            json!(""),
            json!("2012-10-09T19:00:55Z"),
            json!(true),
            json!([]),
            json!({"A": 0}),
        ];
        for v in &all {
            assert_eq!(check("IsNull", json!(true), v.clone()), v.is_null(), "{v}");
            assert_eq!(check("IsNull", json!(false), v.clone()), !v.is_null(), "{v}");
            assert_eq!(check("IsNumeric", json!(true), v.clone()), v.is_number(), "{v}");
            assert_eq!(check("IsNumeric", json!(false), v.clone()), !v.is_number(), "{v}");
            assert_eq!(check("IsString", json!(true), v.clone()), v.is_string(), "{v}");
            assert_eq!(check("IsString", json!(false), v.clone()), !v.is_string(), "{v}");
            assert_eq!(check("IsBoolean", json!(true), v.clone()), v.is_boolean(), "{v}");
            assert_eq!(check("IsBoolean", json!(false), v.clone()), !v.is_boolean(), "{v}");
            // A present null is present.
            assert!(check("IsPresent", json!(true), v.clone()), "{v}");
            assert!(!check("IsPresent", json!(false), v.clone()), "{v}");
        }
        assert!(check("IsTimestamp", json!(true), json!("2012-10-09T19:00:55+01:00")));
        assert!(check("IsTimestamp", json!(false), json!("2012-10-09T19:00:55")));
        assert!(check("IsTimestamp", json!(false), json!("2023-02-24")));
        assert!(check("IsTimestamp", json!(false), json!(12)));
        assert!(!check("IsTimestamp", json!(true), json!(null)));
    }

    #[test]
    fn is_present_tolerates_a_missing_variable() {
        let present = json!({"Variable": "$.missing", "IsPresent": true});
        assert_eq!(run(&present, &json!({})), Ok(false));
        let absent = json!({"Variable": "$.missing", "IsPresent": false});
        assert_eq!(run(&absent, &json!({})), Ok(true));
    }

    #[test]
    fn a_missing_variable_is_a_runtime_error_for_other_operators() {
        let expected = StatesError::new(
            "States.Runtime",
            "Invalid path '$.missing': The choice state's condition path references an invalid value.",
        );
        for (op, operand) in [
            ("StringEquals", json!("x")),
            ("NumericEquals", json!(1)),
            ("BooleanEquals", json!(true)),
            ("TimestampEquals", json!("2012-10-09T19:00:55Z")),
            ("IsNull", json!(true)),
            ("IsString", json!(false)),
        ] {
            let rule = json!({"Variable": "$.missing", op: operand});
            assert_eq!(run(&rule, &json!({"other": 1})), Err(expected.clone()), "{op}");
        }
    }

    #[test]
    fn a_missing_operand_path_is_a_runtime_error() {
        let rule = json!({"Variable": "$.v", "NumericEqualsPath": "$.limit"});
        let err = run(&rule, &json!({"v": 1})).expect_err("missing operand path");
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(
            err.cause,
            "Invalid path '$.limit': The choice state's condition path references an invalid value."
        );
    }

    #[test]
    fn and_or_not_short_circuit() {
        // The IsPresent guard keeps the second rule from reading a missing path.
        let guarded = json!({"And": [
            {"Variable": "$.x", "IsPresent": true},
            {"Variable": "$.x", "StringEquals": "a"}
        ]});
        assert_eq!(run(&guarded, &json!({})), Ok(false));
        assert_eq!(run(&guarded, &json!({"x": "a"})), Ok(true));
        assert_eq!(run(&guarded, &json!({"x": "b"})), Ok(false));
        let either = json!({"Or": [
            {"Variable": "$.x", "IsPresent": false},
            {"Variable": "$.x", "NumericGreaterThan": 3}
        ]});
        assert_eq!(run(&either, &json!({})), Ok(true));
        assert_eq!(run(&either, &json!({"x": 4})), Ok(true));
        assert_eq!(run(&either, &json!({"x": 3})), Ok(false));
        let not = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
        assert_eq!(run(&not, &json!({"type": "Public"})), Ok(true));
        assert_eq!(run(&not, &json!({"type": "Private"})), Ok(false));
        // Errors inside Not propagate rather than being negated.
        let not_missing = json!({"Not": {"Variable": "$.nope", "StringEquals": "x"}});
        assert!(run(&not_missing, &json!({})).is_err());
    }

    #[test]
    fn resolver_errors_propagate() {
        let rule = parse_rule(&json!({"Variable": "$.x", "IsPresent": true})).expect("parses");
        let mut failing =
            |_: &str| -> Result<Option<Value>, StatesError> { Err(StatesError::runtime("boom")) };
        assert_eq!(evaluate(&rule, &mut failing), Err(StatesError::runtime("boom")));
    }

    #[test]
    fn first_match_picks_the_first_rule_that_holds() {
        let choices: Vec<Choice> = [
            json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"}),
            json!({"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"}),
            json!({"And": [
                {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                {"Variable": "$.value", "NumericLessThan": 30}
            ], "Next": "ValueInTwenties"}),
        ]
        .iter()
        .map(|r| parse_choice(r).expect("parses"))
        .collect();
        let pick = |input: Value| {
            let mut resolve = |p: &str| -> Result<Option<Value>, StatesError> {
                Ok(input.get(p.trim_start_matches("$.")).cloned())
            };
            first_match(&choices, &mut resolve).map(|c| c.map(|c| c.next.clone()))
        };
        assert_eq!(
            pick(json!({"type": "Private", "value": 22})),
            Ok(Some("ValueInTwenties".into()))
        );
        assert_eq!(pick(json!({"type": "Public", "value": 22})), Ok(Some("Public".into())));
        assert_eq!(pick(json!({"type": "Private", "value": 0})), Ok(Some("ValueIsZero".into())));
        assert_eq!(pick(json!({"type": "Private", "value": 50})), Ok(None));
    }

    #[test]
    fn parse_choice_keeps_next_comment_and_assign() {
        let choice = parse_choice(&json!({
            "Variable": "$.status", "StringEquals": "200", "Next": "Done",
            "Comment": "ok", "Assign": {"seen": true}
        }))
        .expect("parses");
        assert_eq!(choice.next, "Done");
        assert_eq!(choice.comment.as_deref(), Some("ok"));
        assert_eq!(choice.assign, Some(json!({"seen": true})));
        assert_eq!(
            choice.rule,
            ChoiceRule::Compare {
                variable: "$.status".into(),
                op: Operator::StringEquals,
                operand: Operand::Literal(json!("200")),
            }
        );
        let with_path =
            parse_rule(&json!({"Variable": "$$.Execution.Id", "StringEqualsPath": "$lim.x"}))
                .expect("parses");
        assert_eq!(
            with_path,
            ChoiceRule::Compare {
                variable: "$$.Execution.Id".into(),
                op: Operator::StringEquals,
                operand: Operand::Path("$lim.x".into()),
            }
        );
    }

    #[test]
    fn parse_errors_say_what_is_wrong_and_where() {
        let e = parse_errors(json!({"Variable": "$.x", "StringEquals": "a"}));
        assert_eq!(e, vec![(String::new(), "A top-level choice rule needs a Next field".into())]);

        let e = parse_errors(json!({"StringEquals": "a", "Next": "N"}));
        assert_eq!(e, vec![(String::new(), "A comparison needs a Variable field".into())]);

        let e = parse_errors(json!({"Variable": "$.x", "StringEquals": 1, "Next": "N"}));
        assert_eq!(
            e,
            vec![("/StringEquals".into(), "StringEquals needs a string, got a number".into())]
        );

        let e = parse_errors(json!({"Variable": "$.x", "NumericEquals": "1", "Next": "N"}));
        assert_eq!(
            e,
            vec![("/NumericEquals".into(), "NumericEquals needs a number, got a string".into())]
        );

        let e = parse_errors(json!({"Variable": "$.x", "BooleanEquals": "true", "Next": "N"}));
        assert_eq!(
            e,
            vec![("/BooleanEquals".into(), "BooleanEquals needs a boolean, got a string".into())]
        );

        let e = parse_errors(json!({"Variable": "$.x", "IsNull": 1, "Next": "N"}));
        assert_eq!(e, vec![("/IsNull".into(), "IsNull needs a boolean, got a number".into())]);

        let e = parse_errors(
            json!({"Variable": "$.x", "TimestampEquals": "2016-13-05T21:29:29Z", "Next": "N"}),
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "/TimestampEquals");
        assert!(e[0].1.starts_with("TimestampEquals needs an RFC 3339 timestamp"), "{e:?}");

        let e = parse_errors(json!({"Variable": "$.x", "NumericEqualsPath": 3, "Next": "N"}));
        assert_eq!(
            e,
            vec![(
                "/NumericEqualsPath".into(),
                "NumericEqualsPath must be a string path, got a number".into()
            )]
        );
        let e = parse_errors(json!({"Variable": "$.x", "NumericEqualsPath": "limit", "Next": "N"}));
        assert_eq!(e[0].0, "/NumericEqualsPath");

        let e = parse_errors(json!({"Variable": "x", "IsPresent": true, "Next": "N"}));
        assert_eq!(
            e,
            vec![("/Variable".into(), "Variable must be a path starting with '$', got 'x'".into())]
        );

        let e = parse_errors(json!({"Variable": "$.x", "StringEqual": "a", "Next": "N"}));
        assert!(
            e.iter().any(|(at, m)| at == "/StringEqual" && m.contains("not supported")),
            "{e:?}"
        );

        let e = parse_errors(json!({"Variable": "$.x", "StringMatchesPath": "$.p", "Next": "N"}));
        assert!(
            e.contains(&("/StringMatchesPath".into(), "StringMatches has no …Path form".into())),
            "{e:?}"
        );
        let e = parse_errors(json!({"Variable": "$.x", "IsNullPath": "$.p", "Next": "N"}));
        assert!(e.contains(&("/IsNullPath".into(), "IsNull has no …Path form".into())), "{e:?}");

        let e = parse_errors(
            json!({"Variable": "$.x", "StringEquals": "a", "IsNull": true, "Next": "N"}),
        );
        assert_eq!(e.len(), 1);
        assert!(e[0].1.starts_with("A choice rule must have exactly one operator"), "{e:?}");

        let e = parse_errors(json!({"Variable": "$.x", "Next": "N"}));
        assert!(e[0].1.contains("needs a comparison operator"), "{e:?}");

        let e = parse_errors(json!({"Condition": "{% true %}", "Next": "N"}));
        assert!(e.iter().any(|(at, _)| at == "/Condition"), "{e:?}");

        let e = parse_errors(json!("not an object"));
        assert_eq!(
            e,
            vec![(String::new(), "A choice rule must be an object, got a string".into())]
        );
    }

    #[test]
    fn nested_parse_errors_point_into_the_rule() {
        let e = parse_errors(json!({"And": [
            {"Variable": "$.a", "IsPresent": true},
            {"Variable": "$.b", "NumericEquals": "x"}
        ], "Next": "N"}));
        assert_eq!(
            e,
            vec![(
                "/And/1/NumericEquals".into(),
                "NumericEquals needs a number, got a string".into()
            )]
        );

        let e = parse_errors(json!({"Not": {"Variable": "$.a"}, "Next": "N"}));
        assert_eq!(e[0].0, "/Not");

        let e = parse_errors(json!({"Or": [], "Next": "N"}));
        assert_eq!(e, vec![("/Or".into(), "Or must hold at least one choice rule".into())]);

        let e = parse_errors(json!({"And": {"Variable": "$.a", "IsNull": true}, "Next": "N"}));
        assert_eq!(
            e,
            vec![("/And".into(), "And must be an array of choice rules, got an object".into())]
        );

        // Next is only for top-level rules.
        let e = parse_rule(&json!({"Variable": "$.a", "IsNull": true, "Next": "N"}))
            .expect_err("nested rule with Next");
        assert_eq!(e[0].0, "/Next");

        // Multiple problems are all reported.
        let e = parse_errors(json!({"And": [
            {"Variable": "$.a", "StringEquals": 1},
            {"Variable": 3, "IsNull": true}
        ]}));
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn labels_are_short_and_readable() {
        let l = |r: Value| label(&parse_rule(&r).expect("parses"));
        assert_eq!(
            l(json!({"Variable": "$.status", "StringEquals": "200"})),
            "$.status == \"200\""
        );
        assert_eq!(
            l(json!({"Not": {"Variable": "$.x", "NumericGreaterThan": 3}})),
            "not ($.x > 3)"
        );
        assert_eq!(l(json!({"Variable": "$.x", "NumericLessThanEqualsPath": "$.y"})), "$.x <= $.y");
        assert_eq!(l(json!({"Variable": "$.a", "IsPresent": true})), "$.a is present");
        assert_eq!(l(json!({"Variable": "$.a", "IsNull": false})), "$.a is not null");
        assert_eq!(l(json!({"Variable": "$.f", "StringMatches": "*.log"})), "$.f like \"*.log\"");
        assert_eq!(
            l(json!({"Or": [
                {"Variable": "$.a", "BooleanEquals": true},
                {"And": [{"Variable": "$.b", "IsString": true}]}
            ]})),
            "$.a == true || ($.b is a string)"
        );
        let long = l(json!({"And": [
            {"Variable": "$.a", "IsPresent": true},
            {"Variable": "$.a", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}
        ]}));
        assert_eq!(long.chars().count(), 40);
        assert!(long.starts_with("$.a is present && $.a > \"2012"), "{long}");
        assert!(long.ends_with('…'));
    }

    #[test]
    fn full_labels_are_never_shortened() {
        let rule = parse_rule(&json!({"And": [
            {"Variable": "$.a", "IsPresent": true},
            {"Variable": "$.a", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}
        ]}))
        .expect("parses");
        assert_eq!(label_full(&rule), "$.a is present && $.a > \"2012-10-09T19:00:55Z\"");
    }

    #[test]
    fn paths_lists_every_path_read() {
        let rule = parse_rule(&json!({"And": [
            {"Variable": "$.a", "IsPresent": true},
            {"Not": {"Variable": "$$.Execution.Id", "StringEqualsPath": "$v.id"}},
            {"Or": [{"Variable": "$.c", "NumericEquals": 1}]}
        ]}))
        .expect("parses");
        assert_eq!(paths(&rule), vec!["$.a", "$$.Execution.Id", "$v.id", "$.c"]);
    }

    #[test]
    fn every_operator_round_trips_through_its_field_name() {
        for op in Operator::ALL {
            assert_eq!(Operator::from_field(op.name()), Some((op, false)));
            let path_field = format!("{}Path", op.name());
            let expected = op.has_path_form().then_some((op, true));
            assert_eq!(Operator::from_field(&path_field), expected, "{path_field}");
        }
        assert_eq!(Operator::from_field("Variable"), None);
        assert_eq!(Operator::from_field("Path"), None);
    }
}
