//! JSONata evaluation as AWS Step Functions does it.
//!
//! The language itself comes from the `jsonata-core` crate (see
//! `docs/decisions/0002-jsonata-crate.md`); this module wraps it with what a state machine
//! needs:
//!
//! - the `$states` object and workflow variables (`$name`) as bindings;
//! - AWS's extra functions `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`
//!   ([`functions`]), and `$eval` removed as AWS removes it;
//! - `$now()` / `$millis()` on the execution's virtual clock and `$random()` / `$uuid()` /
//!   `$shuffle()` drawing from the engine's seeded [`Random`], so runs are reproducible and
//!   nothing reads the OS clock or randomness (which would panic in wasm);
//! - `{% … %}` templates ([`resolve`]) and AWS's cause texts for failures.

mod functions;

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::evaluator::{Context, Evaluator};
use jsonata_core::value::JValue;
use serde_json::{Map, Number, Value};

use crate::random::Random;

/// What an expression can see besides its own local bindings.
pub struct Bindings<'a> {
    /// The `$states` object: `{input, context, result?, errorOutput?}`.
    pub states: &'a Value,
    /// Workflow variables: `$name` resolves to `variables("name")` (unknown → undefined).
    pub variables: &'a dyn Fn(&str) -> Option<Value>,
    /// `$now()` / `$millis()` return this instant (milliseconds since the Unix epoch).
    pub now_ms: i64,
}

/// A failed evaluation. `message` is the cause text after the
/// `An error occurred while executing the state 'X' (entered at the event id #N). ` prefix,
/// which the runner adds; the error name is always `States.QueryEvaluationError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    fn new(message: impl Into<String>) -> Self {
        EvalError { message: message.into() }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// The expression inside a `{% … %}` string (trimmed), or `None` for any other string.
pub fn template_expression(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("{%")?.strip_suffix("%}")?;
    Some(inner.trim())
}

/// Checks an expression's syntax. `Err` holds the JSONata parser's message (e.g.
/// `S0203: Expected "]" before end of expression`).
pub fn check_syntax(expr: &str) -> Result<(), String> {
    jsonata_core::parser::parse(expr).map(|_| ()).map_err(|e| e.to_string())
}

/// Evaluates one expression (the text inside `{% … %}`). `Ok(None)` is JSONata's *undefined*.
///
/// On failure the message is the JSONata error as AWS quotes it (e.g. `T1006: Attempted to
/// invoke a non-function`); [`evaluate_field`] wraps it into the full AWS cause.
pub fn evaluate(expr: &str, b: &Bindings, random: &mut Random) -> Result<Option<Value>, EvalError> {
    let ast = jsonata_core::parser::parse(expr).map_err(|e| EvalError::new(e.to_string()))?;

    let mut ctx = Context::new();
    ctx.bind("states".to_string(), JValue::from(b.states.clone()));
    for name in referenced_variables(expr) {
        if name == "states" {
            continue;
        }
        if let Some(value) = (b.variables)(&name) {
            ctx.bind(name, JValue::from(value));
        }
    }

    let shared = Rc::new(RefCell::new(random.clone()));
    let mut ev = Evaluator::with_context(ctx);
    functions::install(&mut ev, &shared, b.now_ms).map_err(|e| EvalError::new(e.to_string()))?;

    let result = jsonata_core::value::with_stack(|| ev.evaluate(&ast, &JValue::Undefined));
    // The functions hold clones of `shared`; take the advanced generator state back.
    let state = shared.borrow().clone();
    *random = state;
    let value = result.map_err(|e| EvalError::new(aws_message(e.message())))?;
    to_json(&value).map_err(EvalError::new)
}

/// Evaluates an expression given for the field `field` and requires a value, producing AWS's
/// cause texts:
/// `The JSONata expression '<expr>' specified for the field '<field>' returned nothing
/// (undefined).` and `… threw an error during evaluation. <JSONata error>`.
pub fn evaluate_field(
    expr: &str,
    field: &str,
    b: &Bindings,
    random: &mut Random,
) -> Result<Value, EvalError> {
    match evaluate(expr, b, random) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(EvalError::new(format!(
            "The JSONata expression '{expr}' specified for the field '{field}' returned nothing \
             (undefined)."
        ))),
        Err(e) => Err(EvalError::new(format!(
            "The JSONata expression '{expr}' specified for the field '{field}' threw an error \
             during evaluation. {}",
            e.message
        ))),
    }
}

/// AWS's cause when an expression's result has the wrong type, e.g. for a Map state's
/// `Items`: `The JSONata expression '$ItemsVar' specified for the field 'Items' returned an
/// unexpected result type. Expected 'array', but was 'boolean' for value: true`.
pub fn unexpected_type(expr: &str, field: &str, expected: &str, value: &Value) -> EvalError {
    EvalError::new(format!(
        "The JSONata expression '{expr}' specified for the field '{field}' returned an unexpected \
         result type. Expected '{expected}', but was '{}' for value: {value}",
        json_type_name(value)
    ))
}

/// The JSON type name AWS uses in its messages (`null`, `boolean`, `number`, `string`,
/// `array`, `object`).
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Resolves a JSONata-mode template: every string `{% expr %}` inside `template` (the whole
/// value, object values, array items, at any depth) is replaced by its result; everything else
/// is kept as written. `field` names the template in error messages; nested positions are
/// joined with `/` (`Arguments/FunctionName`, array items by index: `Output/items/0`).
pub fn resolve(
    template: &Value,
    field: &str,
    b: &Bindings,
    random: &mut Random,
) -> Result<Value, EvalError> {
    match template {
        Value::String(s) => match template_expression(s) {
            Some(expr) => evaluate_field(expr, field, b, random),
            None => Ok(template.clone()),
        },
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                let path = format!("{field}/{key}");
                out.insert(key.clone(), resolve(value, &path, b, random)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = format!("{field}/{i}");
                out.push(resolve(item, &path, b, random)?);
            }
            Ok(Value::Array(out))
        }
        other => Ok(other.clone()),
    }
}

/// The JSONata error text as AWS (jsonata-js) prints it. jsonata-core appends the offending
/// name to some messages (`T1006: Attempted to invoke a non-function: $f`), which the reference
/// implementation keeps in a separate field.
fn aws_message(message: &str) -> String {
    const NON_FUNCTION: &str = "T1006: Attempted to invoke a non-function";
    if message.starts_with(NON_FUNCTION) {
        return NON_FUNCTION.to_string();
    }
    message.to_string()
}

/// Names after `$` in the expression text (outside string literals), each once. Those that
/// are workflow variables get bound; the rest (functions, local `:=` names) are ignored.
fn referenced_variables(expr: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut chars = expr.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '$' => {
                let start = i + c.len_utf8();
                let mut end = start;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                if let Some(name) = expr.get(start..end) {
                    if !name.is_empty() && !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    names
}

/// A JSONata result as JSON. Integral numbers become JSON integers (as AWS prints them);
/// functions and regexes are undefined inside containers, as in JSONata's JSON output.
fn to_json(value: &JValue) -> Result<Option<Value>, String> {
    Ok(match value {
        JValue::Undefined => None,
        JValue::Null => Some(Value::Null),
        JValue::Bool(b) => Some(Value::Bool(*b)),
        JValue::Number(n) => Some(number_to_json(*n)?),
        JValue::String(s) => Some(Value::String(s.to_string())),
        JValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                if let Some(v) = to_json(item)? {
                    out.push(v);
                }
            }
            Some(Value::Array(out))
        }
        JValue::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map.iter() {
                if let Some(v) = to_json(v)? {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => None,
        #[allow(unreachable_patterns)]
        _ => None,
    })
}

fn number_to_json(n: f64) -> Result<Value, String> {
    if !n.is_finite() {
        return Err(format!(
            "D1001: Number out of range: {}",
            if n.is_nan() { "NaN".to_string() } else { n.to_string() }
        ));
    }
    // 2^53: integers beyond it are not exact in f64 anyway.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        return Ok(Value::Number(Number::from(n as i64)));
    }
    Number::from_f64(n).map(Value::Number).ok_or_else(|| format!("D1001: Number out of range: {n}"))
}

#[cfg(test)]
mod tests;
