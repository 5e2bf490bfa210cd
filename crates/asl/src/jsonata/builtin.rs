//! The JSONata language itself, from `jsonata-core` (feature `jsonata`): parsing, evaluation
//! with AWS's functions installed, and the conversion of results back to JSON.

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::budget::{Exceeded, Limits};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorOptions};
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

/// The budget of one evaluation (docs/decisions/0009-bounded-jsonata.md). AWS has limits of its
/// own that it does not publish; these are ours, each far above what a state's 256 KiB payload
/// (`PAYLOAD_QUOTA`) can feed or hold, and far below what would exhaust memory or time.
pub const LIMITS: Limits = Limits {
    // Evaluated nodes and loop passes: 30 for each item of the largest array a payload can
    // hold (about 131,000 items).
    steps: 4_000_000,
    // Strings, array slots and object entries built, in total (512 × the payload quota).
    total_bytes: 512 * PAYLOAD_QUOTA as u64,
    // One string: 4 × the payload quota.
    string_bytes: 4 * PAYLOAD_QUOTA,
    // One array: 4 × the items a payload can hold (`[0,0,…]`, two bytes an item).
    items: 2 * PAYLOAD_QUOTA,
};

/// The payload quota (bytes) that the size limits are multiples of.
const PAYLOAD_QUOTA: usize = 262_144;

/// Nested evaluation levels (jsonata-core's `max_stack_depth`; a non-tail recursive call takes
/// about three, a call through a builtin's callback such as `$map`'s about twelve): low enough
/// that a wasm engine's native stack (about 1 MB in V8) holds them, with room to spare in a
/// release build and a little in a debug one (measured; docs/decisions/0009-bounded-jsonata.md).
pub const MAX_DEPTH: usize = 400;

/// How deep a result may nest (arrays and objects): below the 128 levels serde_json reads (so
/// below what an execution input can hold), and shallow enough for the engine's recursive
/// walks over JSON values (clone, drop, serialization) on a 1 MiB stack in a debug build.
pub const MAX_RESULT_DEPTH: usize = 100;
/// How many bytes a result's JSON may take (16 × the payload quota; the runner then applies
/// AWS's own payload checks).
pub const MAX_RESULT_BYTES: usize = 16 * PAYLOAD_QUOTA;

/// The cause suffix for a limit this emulator sets (not a JSONata error code).
fn budget_message(what: &str) -> String {
    format!("Evaluation budget exceeded: {what} (a limit of this emulator).")
}

fn exceeded_message(e: Exceeded) -> String {
    budget_message(&match e {
        Exceeded::Steps(n) => format!("more than {n} evaluation steps"),
        Exceeded::TotalBytes(n) => format!("more than {n} bytes of values built in total"),
        Exceeded::StringBytes(n) => format!("a string longer than {n} bytes"),
        Exceeded::Items(n) => format!("an array of more than {n} items"),
    })
}

/// Evaluates a parsed expression with `$states` and the given workflow variables bound, within
/// [`LIMITS`] and [`MAX_DEPTH`].
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
    let options = EvaluatorOptions {
        max_stack_depth: Some(MAX_DEPTH),
        max_sequence_length: Some(LIMITS.items),
        ..EvaluatorOptions::default()
    };
    let mut ev = Evaluator::with_options(ctx, options);
    functions::install(&mut ev, &shared, now_ms).map_err(|e| EvalError::new(e.to_string()))?;

    let (result, exceeded) = jsonata_core::budget::metered(LIMITS, || {
        let result = jsonata_core::value::with_stack(|| ev.evaluate(ast, &JValue::Undefined));
        // Dropping the evaluator frees what it holds inside the meter's reach, as it was built.
        drop(ev);
        result
    });
    // The functions held clones of `shared`; take the advanced generator state back.
    let state = shared.borrow().clone();
    *random = state;
    if let Some(e) = exceeded {
        return Err(EvalError::new(exceeded_message(e)));
    }
    let value = result.map_err(|e| EvalError::new(aws_message(e.message())))?;
    to_json(&value).map_err(EvalError::new)
}

/// The JSONata error text as AWS (jsonata-js) prints it. jsonata-core appends the offending
/// name to some messages (`T1006: Attempted to invoke a non-function: $f`), which the reference
/// implementation keeps in a separate field. The depth and sequence limits set in
/// [`evaluate_ast`] are reported as the budget they are.
fn aws_message(message: &str) -> String {
    const NON_FUNCTION: &str = "T1006: Attempted to invoke a non-function";
    if message.starts_with(NON_FUNCTION) {
        return NON_FUNCTION.to_string();
    }
    if message.starts_with("D1011:") || message.starts_with("U1001:") {
        return budget_message(&format!("recursion deeper than {MAX_DEPTH} levels"));
    }
    if message.starts_with("D2015:") {
        return exceeded_message(Exceeded::Items(LIMITS.items));
    }
    message.to_string()
}

/// A container being converted by [`to_json`].
enum Open<'a> {
    Array(Vec<Value>, std::slice::Iter<'a, JValue>),
    Object(Map<String, Value>, indexmap::map::Iter<'a, String, JValue>, Option<String>),
}

/// A JSONata result as JSON. Integral numbers become JSON integers (as AWS prints them);
/// functions and regexes are undefined inside containers, as in JSONata's JSON output.
///
/// Iterative (a result can nest as deep as a `$reduce` makes it), and bounded: a result nested
/// deeper than [`MAX_RESULT_DEPTH`] or whose JSON would take more than [`MAX_RESULT_BYTES`]
/// (values shared inside the result count each time they appear) is an error.
fn to_json(value: &JValue) -> Result<Option<Value>, String> {
    let mut bytes: usize = 0;
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut next: Option<&JValue> = Some(value);
    loop {
        // A value to convert: a scalar is done at once, a container is opened.
        let mut done: Option<Option<Value>> = None;
        if let Some(v) = next.take() {
            bytes = bytes.saturating_add(match v {
                JValue::String(s) => s.len().saturating_add(2),
                JValue::Array(a) => a.len().saturating_add(2),
                JValue::Object(o) => o.len().saturating_mul(4).saturating_add(2),
                _ => 8,
            });
            if bytes > MAX_RESULT_BYTES {
                return Err(budget_message(&format!(
                    "a result larger than {MAX_RESULT_BYTES} bytes"
                )));
            }
            match v {
                JValue::Array(items) => stack.push(Open::Array(Vec::new(), items.iter())),
                JValue::Object(map) => stack.push(Open::Object(Map::new(), map.iter(), None)),
                other => done = Some(scalar_to_json(other)?),
            }
            if stack.len() > MAX_RESULT_DEPTH {
                return Err(budget_message(&format!(
                    "a result nested deeper than {MAX_RESULT_DEPTH} levels"
                )));
            }
        }
        // Hand a finished value to its container, then find the next one to convert.
        if let Some(finished) = done {
            match stack.last_mut() {
                None => return Ok(finished),
                Some(Open::Array(out, _)) => out.extend(finished),
                Some(Open::Object(out, _, key)) => {
                    if let (Some(k), Some(v)) = (key.take(), finished) {
                        out.insert(k, v);
                    }
                }
            }
        }
        match stack.last_mut() {
            None => return Ok(None),
            Some(Open::Array(_, items)) => next = items.next(),
            Some(Open::Object(_, entries, key)) => {
                next = entries.next().map(|(k, v)| {
                    *key = Some(k.clone());
                    bytes = bytes.saturating_add(k.len().saturating_add(3));
                    v
                })
            }
        }
        if next.is_none() {
            // The innermost container is complete.
            let closed = match stack.pop() {
                Some(Open::Array(out, _)) => Value::Array(out),
                Some(Open::Object(out, _, _)) => Value::Object(out),
                None => return Ok(None),
            };
            match stack.last_mut() {
                None => return Ok(Some(closed)),
                Some(Open::Array(out, _)) => out.push(closed),
                Some(Open::Object(out, _, key)) => {
                    if let Some(k) = key.take() {
                        out.insert(k, closed);
                    }
                }
            }
            // Continue with the parent's next item (loop back without a value).
            continue;
        }
    }
}

/// A scalar (or function) as JSON: `None` for what JSON cannot hold.
fn scalar_to_json(value: &JValue) -> Result<Option<Value>, String> {
    Ok(match value {
        JValue::Null => Some(Value::Null),
        JValue::Bool(b) => Some(Value::Bool(*b)),
        JValue::Number(n) => Some(number_to_json(*n)?),
        JValue::String(s) => Some(Value::String(s.to_string())),
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
