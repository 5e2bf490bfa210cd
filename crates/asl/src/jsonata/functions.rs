//! The functions AWS Step Functions adds to JSONata, and the built-ins it replaces so that
//! evaluation is deterministic (virtual clock, seeded randomness) and `$eval` is gone.

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::evaluator::{Evaluator, EvaluatorError};
use jsonata_core::value::JValue;

use crate::random::Random;

type Shared = Rc<RefCell<Random>>;

fn err(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(message.into())
}

fn signature_mismatch(arg: usize, function: &str) -> EvaluatorError {
    err(format!(
        "T0410: Argument {arg} of function \"{function}\" does not match function signature"
    ))
}

/// Registers every AWS function and override on `ev`.
pub(super) fn install(
    ev: &mut Evaluator,
    random: &Shared,
    now_ms: i64,
) -> Result<(), EvaluatorError> {
    // AWS additions (not JSONata built-ins).
    ev.register_fn("partition", |args: &[JValue]| partition(args))?;
    ev.register_fn("range", |args: &[JValue]| range(args))?;
    ev.register_fn("hash", |args: &[JValue]| hash(args))?;
    ev.register_fn("parse", |args: &[JValue]| parse(args))?;
    let r = Rc::clone(random);
    ev.register_fn("uuid", move |_args: &[JValue]| Ok(JValue::from(r.borrow_mut().uuid_v4())))?;

    // Built-ins replaced: impure ones get the engine's clock and generator.
    let r = Rc::clone(random);
    ev.register_fn_override("random", move |args: &[JValue]| random_fn(args, &r))?;
    let r = Rc::clone(random);
    ev.register_fn_override("shuffle", move |args: &[JValue]| shuffle(args, &r))?;
    ev.register_fn_override("now", move |args: &[JValue]| now(args, now_ms))?;
    ev.register_fn_override("millis", move |_args: &[JValue]| Ok(JValue::from_i64(now_ms)))?;
    // AWS removes `$eval`: calling it is calling an undefined name.
    ev.register_fn_override("eval", |_args: &[JValue]| {
        Err(err("T1006: Attempted to invoke a non-function"))
    })?;
    Ok(())
}

/// A whole number argument (JSONata numbers are doubles).
fn integer(value: Option<&JValue>, arg: usize, function: &str) -> Result<i64, EvaluatorError> {
    match value {
        Some(JValue::Number(n)) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
            Ok(*n as i64)
        }
        _ => Err(signature_mismatch(arg, function)),
    }
}

/// `$partition(array, size)`: consecutive chunks of `size` items (the last may be shorter).
fn partition(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let items: Vec<JValue> = match args.first() {
        None | Some(JValue::Undefined) => return Ok(JValue::Undefined),
        Some(JValue::Array(a)) => a.iter().cloned().collect(),
        Some(JValue::Null | JValue::Bool(_) | JValue::Number(_) | JValue::String(_)) => {
            vec![args.first().cloned().unwrap_or(JValue::Null)]
        }
        Some(_) => return Err(signature_mismatch(1, "partition")),
    };
    let size = integer(args.get(1), 2, "partition")?;
    if size <= 0 {
        return Err(err(format!(
            "The size argument of the partition function must be a positive integer. Given {size}"
        )));
    }
    // Beyond the address space (wasm32) a chunk holds everything anyway.
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let chunks = items.chunks(size).map(|c| JValue::array(c.to_vec())).collect();
    Ok(JValue::array(chunks))
}

/// `$range(start, end, step)`: `start`, `start + step`, … up to and including `end`. Like a
/// JSONata sequence, a single item comes back as that item (AWS: `$range(1, 9, 9)` is `1`).
fn range(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let start = integer(args.first(), 1, "range")?;
    let end = integer(args.get(1), 2, "range")?;
    let step = integer(args.get(2), 3, "range")?;
    if step == 0 {
        return Err(err("The step argument of the range function must not be zero"));
    }
    const LIMIT: u64 = 10_000_000; // JSONata's own cap for `[a..b]`
    let count = if (step > 0 && end < start) || (step < 0 && end > start) {
        0
    } else {
        (end.abs_diff(start) / step.unsigned_abs()) + 1
    };
    if count > LIMIT {
        return Err(err(format!(
            "D2014: The size of the sequence allocated by the range operator (..) must not exceed \
             1e7.  Attempted to allocate {count}."
        )));
    }
    // Below that, the evaluation budget's array limit (docs/decisions/0009-bounded-jsonata.md).
    jsonata_core::budget::check_size(0, usize::try_from(count).unwrap_or(usize::MAX))?;
    let mut items = Vec::new();
    let mut v = start;
    for _ in 0..count {
        items.push(JValue::from_i64(v));
        v = v.saturating_add(step);
    }
    Ok(match items.len() {
        0 => JValue::Undefined,
        1 => items.pop().unwrap_or(JValue::Undefined),
        _ => JValue::sequence(items),
    })
}

/// `$hash(data, algorithm)`: the lowercase hex digest of the UTF-8 string `data`.
fn hash(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    use md5::Digest;
    let data = match args.first() {
        None | Some(JValue::Undefined) => return Ok(JValue::Undefined),
        Some(JValue::String(s)) => s.to_string(),
        Some(_) => return Err(signature_mismatch(1, "hash")),
    };
    let algorithm = match args.get(1) {
        Some(JValue::String(s)) => s.to_string(),
        _ => return Err(signature_mismatch(2, "hash")),
    };
    let bytes = data.as_bytes();
    let digest: Vec<u8> = match algorithm.as_str() {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        other => {
            return Err(err(format!(
                "The algorithm argument of the hash function must be one of MD5, SHA-1, SHA-256, \
                 SHA-384, SHA-512. Given \"{other}\""
            )))
        }
    };
    Ok(JValue::from(digest.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// `$parse(jsonString)`: the JSON value the string holds.
fn parse(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    match args.first() {
        None | Some(JValue::Undefined) => Ok(JValue::Undefined),
        Some(JValue::String(s)) => serde_json::from_str::<serde_json::Value>(s)
            .map(JValue::from)
            .map_err(|e| err(format!("The argument of the parse function is not valid JSON: {e}"))),
        Some(_) => Err(signature_mismatch(1, "parse")),
    }
}

/// `$random()` draws from the engine's generator; `$random(seed)` is a pure function of the
/// seed (same seed, same number).
fn random_fn(args: &[JValue], random: &Shared) -> Result<JValue, EvaluatorError> {
    match args.first() {
        None | Some(JValue::Undefined) => Ok(JValue::from_f64(random.borrow_mut().next_f64())),
        Some(JValue::Number(n)) if n.is_finite() => {
            Ok(JValue::from_f64(Random::new(n.to_bits()).next_f64()))
        }
        Some(_) => Err(signature_mismatch(1, "random")),
    }
}

/// `$shuffle(array)` with the engine's generator (Fisher–Yates).
fn shuffle(args: &[JValue], random: &Shared) -> Result<JValue, EvaluatorError> {
    let mut items: Vec<JValue> = match args.first() {
        None | Some(JValue::Undefined) => return Ok(JValue::Undefined),
        Some(JValue::Array(a)) => a.iter().cloned().collect(),
        Some(other) => vec![other.clone()],
    };
    let mut rng = random.borrow_mut();
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
    Ok(JValue::array(items))
}

/// `$now()`: the virtual time as AWS formats it (`2024-01-01T00:00:00.000Z`).
fn now(args: &[JValue], now_ms: i64) -> Result<JValue, EvaluatorError> {
    if args.iter().any(|a| !a.is_undefined()) {
        return Err(err("$now() with a picture or timezone is not supported here; use \
             $fromMillis($millis(), picture, timezone)"));
    }
    Ok(JValue::from(crate::time::format_millis(now_ms)))
}
