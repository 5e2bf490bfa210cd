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
//!
//! With the `jsonata` feature (the default) the language is compiled in. Without it, a
//! [`Backend`] installed at run time evaluates expressions: the browser app uses that to load
//! JSONata (most of its wasm size) only when a definition needs it — see
//! `docs/decisions/0004-jsonata-on-demand.md`.

#[cfg(feature = "jsonata")]
mod builtin;
mod expression;
#[cfg(feature = "jsonata")]
mod functions;

pub use expression::Expression;

use serde_json::{Map, Value};

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
    pub fn new(message: impl Into<String>) -> Self {
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

/// Evaluates JSONata for the engine when the language is not compiled in (the `jsonata`
/// feature is off): the browser app installs one that calls a separately loaded module.
pub trait Backend {
    /// `Err` holds the parser's message (e.g. `S0203: Expected "]" before end of expression`).
    fn check_syntax(&self, expr: &str) -> Result<(), String>;
    /// `Ok(None)` is JSONata's *undefined*; `random` must come back advanced by the draws made.
    fn evaluate(
        &self,
        expr: &str,
        states: &Value,
        variables: &Map<String, Value>,
        now_ms: i64,
        random: &mut Random,
    ) -> Result<Option<Value>, EvalError>;
}

#[cfg(not(feature = "jsonata"))]
thread_local! {
    static BACKEND: std::cell::RefCell<Option<std::rc::Rc<dyn Backend>>> =
        const { std::cell::RefCell::new(None) };
}

/// Installs the evaluator used when the language is not built in (ignored when it is).
pub fn install_backend(backend: std::rc::Rc<dyn Backend>) {
    #[cfg(not(feature = "jsonata"))]
    BACKEND.with(|b| *b.borrow_mut() = Some(backend));
    #[cfg(feature = "jsonata")]
    drop(backend);
}

/// Can expressions be evaluated now (built in, or a backend installed)?
pub fn available() -> bool {
    #[cfg(feature = "jsonata")]
    return true;
    #[cfg(not(feature = "jsonata"))]
    BACKEND.with(|b| b.borrow().is_some())
}

/// The cause when JSONata is needed but neither built in nor installed.
pub const NOT_LOADED: &str = "JSONata support is not loaded yet.";

/// Checks an expression's syntax. `Err` holds the JSONata parser's message (e.g.
/// `S0203: Expected "]" before end of expression`). Without the language (not built in, no
/// backend yet) every expression passes: the caller re-checks once it is available.
pub fn check_syntax(expr: &str) -> Result<(), String> {
    #[cfg(feature = "jsonata")]
    return builtin::check_syntax(expr);
    #[cfg(not(feature = "jsonata"))]
    match BACKEND.with(|b| b.borrow().clone()) {
        Some(backend) => backend.check_syntax(expr),
        None => Ok(()),
    }
}

/// Evaluates one expression (the text inside `{% … %}`). `Ok(None)` is JSONata's *undefined*.
///
/// On failure the message is the JSONata error as AWS quotes it (e.g. `T1006: Attempted to
/// invoke a non-function`); [`evaluate_field`] wraps it into the full AWS cause. A definition's
/// expressions are compiled once instead ([`Expression`]); this is for one-off text.
pub fn evaluate(expr: &str, b: &Bindings, random: &mut Random) -> Result<Option<Value>, EvalError> {
    Expression::compile(expr).evaluate(b, random)
}

/// Evaluates through the installed backend (the language is not built in).
#[cfg(not(feature = "jsonata"))]
fn evaluate_with_backend(
    expr: &str,
    states: &Value,
    variables: &Map<String, Value>,
    now_ms: i64,
    random: &mut Random,
) -> Result<Option<Value>, EvalError> {
    match BACKEND.with(|cell| cell.borrow().clone()) {
        Some(backend) => backend.evaluate(expr, states, variables, now_ms, random),
        None => Err(EvalError::new(NOT_LOADED)),
    }
}

/// Evaluates an expression given for the field `field` and requires a value, producing AWS's
/// cause texts (see [`require_value`]).
pub fn evaluate_field(
    expr: &str,
    field: &str,
    b: &Bindings,
    random: &mut Random,
) -> Result<Value, EvalError> {
    require_value(expr, &field, evaluate(expr, b, random))
}

/// An expression's outcome for the field `field`, which must be a value, with AWS's cause
/// texts: `The JSONata expression '<expr>' specified for the field '<field>' returned nothing
/// (undefined).` and `… threw an error during evaluation. <JSONata error>`. The field name is
/// only formatted on failure.
pub fn require_value(
    expr: &str,
    field: &dyn std::fmt::Display,
    outcome: Result<Option<Value>, EvalError>,
) -> Result<Value, EvalError> {
    match outcome {
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
///
/// Compiles and resolves in one go, for templates that are not part of a definition (a
/// definition's templates are compiled once: [`crate::template::Template`]).
pub fn resolve(
    template: &Value,
    field: &str,
    b: &Bindings,
    random: &mut Random,
) -> Result<Value, EvalError> {
    crate::template::Template::compile(template, crate::definition::QueryLanguage::Jsonata)
        .resolve_jsonata(field, b, random)
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

#[cfg(all(test, feature = "jsonata"))]
mod tests;
