//! The JSONata language itself, from `jsonata-core` (feature `jsonata`): parsing, evaluation
//! with AWS's functions installed, and the conversion of results back to JSON.

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::evaluator::{Context, Evaluator};
use jsonata_core::value::JValue;
use serde_json::{Map, Number, Value};

use super::{functions, EvalError};
use crate::random::Random;

/// The JSONata parser's message for a syntax error (e.g.
/// `S0203: Expected "]" before end of expression`).
pub fn check_syntax(expr: &str) -> Result<(), String> {
    jsonata_core::parser::parse(expr).map(|_| ()).map_err(|e| e.to_string())
}

/// A parsed expression.
pub type Ast = jsonata_core::ast::AstNode;

/// Parses an expression once; `Err` holds the parser's message as AWS quotes it.
pub fn parse(expr: &str) -> Result<Ast, String> {
    jsonata_core::parser::parse(expr).map_err(|e| e.to_string())
}

/// Evaluates a parsed expression with `$states` and the given workflow variables bound.
pub fn evaluate_ast(
    ast: &Ast,
    states: &Value,
    variables: &Map<String, Value>,
    now_ms: i64,
    random: &mut Random,
) -> Result<Option<Value>, EvalError> {
    let mut ctx = Context::new();
    ctx.bind("states".to_string(), JValue::from(states.clone()));
    for (name, value) in variables {
        ctx.bind(name.clone(), JValue::from(value.clone()));
    }

    let shared = Rc::new(RefCell::new(random.clone()));
    let mut ev = Evaluator::with_context(ctx);
    functions::install(&mut ev, &shared, now_ms).map_err(|e| EvalError::new(e.to_string()))?;

    let result = jsonata_core::value::with_stack(|| ev.evaluate(ast, &JValue::Undefined));
    // The functions hold clones of `shared`; take the advanced generator state back.
    let state = shared.borrow().clone();
    *random = state;
    let value = result.map_err(|e| EvalError::new(aws_message(e.message())))?;
    to_json(&value).map_err(EvalError::new)
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
