//! The bodies of the intrinsic functions, on already-evaluated arguments.

use super::{compact, Func};
use crate::errors::StatesError;
use crate::random::Random;
use base64::Engine;
use serde_json::{Map, Value};

/// Longest string `States.Base64Encode` / `Base64Decode` / `Hash` accept (AWS quota).
pub const MAX_STRING_INPUT: usize = 10_000;
/// Most elements `States.ArrayRange` may produce (AWS quota).
pub const MAX_RANGE_ITEMS: usize = 1000;

fn fail(msg: String) -> StatesError {
    StatesError::intrinsic(msg)
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn want_array<'v>(f: Func, v: &'v Value, what: &str) -> Result<&'v Vec<Value>, StatesError> {
    v.as_array().ok_or_else(|| {
        fail(format!(
            "Invalid arguments in {}: {what} must be an array, got {}",
            f.name(),
            compact(v)
        ))
    })
}

fn want_str<'v>(f: Func, v: &'v Value, what: &str) -> Result<&'v str, StatesError> {
    v.as_str().ok_or_else(|| {
        fail(format!(
            "Invalid arguments in {}: {what} must be a string, got {}",
            f.name(),
            compact(v)
        ))
    })
}

/// An integer argument: a JSON integer, or a float with no fractional part.
fn want_int(f: Func, v: &Value, what: &str) -> Result<i64, StatesError> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15).map(|x| x as i64)
        }),
        _ => None,
    };
    n.ok_or_else(|| {
        fail(format!(
            "Invalid arguments in {}: {what} must be an integer, got {}",
            f.name(),
            compact(v)
        ))
    })
}

fn check_len(f: Func, s: &str) -> Result<(), StatesError> {
    if s.chars().count() > MAX_STRING_INPUT {
        return Err(fail(format!(
            "Invalid arguments in {}: the input string must be at most {MAX_STRING_INPUT} \
             characters",
            f.name()
        )));
    }
    Ok(())
}

/// Every function but `States.Format`.
pub fn apply(f: Func, args: Vec<Value>, random: &mut Random) -> Result<Value, StatesError> {
    match f {
        Func::Format => Err(fail("States.Format needs its template".into())),
        Func::StringToJson => {
            let s = want_str(f, arg(&args, 0), "the argument")?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            let mut v = serde_json::from_str(s).map_err(|e| {
                fail(format!(
                    "Invalid arguments in {}: the string is not valid JSON: {e}",
                    f.name()
                ))
            })?;
            negative_zero_to_int(&mut v);
            Ok(v)
        }
        Func::JsonToString => Ok(Value::String(compact(arg(&args, 0)))),
        Func::Array => Ok(Value::Array(args)),
        Func::ArrayPartition => {
            let items = want_array(f, arg(&args, 0), "the first argument")?;
            let size = want_int(f, arg(&args, 1), "the chunk size")?;
            if size <= 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the chunk size must be greater than 0, got {size}",
                    f.name()
                )));
            }
            // Beyond the address space (wasm32) a chunk holds everything anyway.
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(items.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
        }
        Func::ArrayContains => {
            let items = want_array(f, arg(&args, 0), "the first argument")?;
            Ok(Value::Bool(items.contains(arg(&args, 1))))
        }
        Func::ArrayRange => {
            let start = want_int(f, arg(&args, 0), "the start")?;
            let end = want_int(f, arg(&args, 1), "the end")?;
            let step = want_int(f, arg(&args, 2), "the step")?;
            if step == 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the step cannot be 0",
                    f.name()
                )));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                (end.abs_diff(start) / step.unsigned_abs()).saturating_add(1)
            };
            if count > MAX_RANGE_ITEMS as u64 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the range would have {count} elements, more than \
                     the maximum of {MAX_RANGE_ITEMS}",
                    f.name()
                )));
            }
            let mut out = Vec::new();
            let mut v = start;
            for _ in 0..count {
                out.push(Value::from(v));
                v = v.saturating_add(step);
            }
            Ok(Value::Array(out))
        }
        Func::ArrayGetItem => {
            let items = want_array(f, arg(&args, 0), "the first argument")?;
            let index = want_int(f, arg(&args, 1), "the index")?;
            usize::try_from(index).ok().and_then(|i| items.get(i)).cloned().ok_or_else(|| {
                fail(format!(
                    "Invalid arguments in {}: index {index} is out of bounds for an array of \
                     length {}",
                    f.name(),
                    items.len()
                ))
            })
        }
        Func::ArrayLength => Ok(Value::from(want_array(f, arg(&args, 0), "the argument")?.len())),
        Func::ArrayUnique => {
            // Linear: each item is looked up by a canonical text (object keys sorted, as
            // JSON equality ignores their order) instead of compared with every kept item.
            let items = want_array(f, arg(&args, 0), "the argument")?;
            let mut seen = std::collections::HashSet::with_capacity(items.len());
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                let mut key = String::new();
                canonical_text(item, &mut key);
                if seen.insert(key) {
                    out.push(item.clone());
                }
            }
            Ok(Value::Array(out))
        }
        Func::Base64Encode => {
            let s = want_str(f, arg(&args, 0), "the argument")?;
            check_len(f, s)?;
            Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(s)))
        }
        Func::Base64Decode => {
            let s = want_str(f, arg(&args, 0), "the argument")?;
            check_len(f, s)?;
            let bytes = base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| {
                fail(format!("Invalid arguments in {}: the input is not valid Base64", f.name()))
            })?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Func::Hash => {
            let data = arg(&args, 0);
            let text = match data {
                Value::String(s) => s.clone(),
                other => compact(other),
            };
            check_len(f, &text)?;
            let algo = want_str(f, arg(&args, 1), "the algorithm")?;
            hash(algo, text.as_bytes()).map(Value::String).ok_or_else(|| {
                fail(format!(
                    "Invalid arguments in {}: the hash algorithm must be one of MD5, SHA-1, \
                     SHA-256, SHA-384, SHA-512, got '{algo}'",
                    f.name()
                ))
            })
        }
        Func::JsonMerge => {
            let (Some(a), Some(b)) = (arg(&args, 0).as_object(), arg(&args, 1).as_object()) else {
                return Err(fail(format!(
                    "Invalid arguments in {}: the first two arguments must be JSON objects",
                    f.name()
                )));
            };
            match arg(&args, 2) {
                Value::Bool(false) => Ok(Value::Object(java_hash_map_merge(a, b))),
                Value::Bool(true) => Err(fail(format!(
                    "Invalid arguments in {}: deep merge (true) is not supported; the third \
                     argument must be false",
                    f.name()
                ))),
                other => Err(fail(format!(
                    "Invalid arguments in {}: the third argument must be a boolean, got {}",
                    f.name(),
                    compact(other)
                ))),
            }
        }
        Func::MathRandom => {
            let start = want_int(f, arg(&args, 0), "the start")?;
            let end = want_int(f, arg(&args, 1), "the end")?;
            if end <= start {
                return Err(fail(format!(
                    "Invalid arguments in {}: the end must be greater than the start",
                    f.name()
                )));
            }
            let span = end.abs_diff(start);
            let offset = match args.get(2) {
                Some(seed) => {
                    let seed = want_int(f, seed, "the seed")?;
                    let bound = i32::try_from(span).map_err(|_| {
                        fail(format!("Invalid arguments in {}: the range is too large", f.name()))
                    })?;
                    JavaRandom::new(seed).next_int(bound) as u64
                }
                None => random.next_u64() % span,
            };
            Ok(Value::from(start.saturating_add_unsigned(offset)))
        }
        Func::MathAdd => {
            let a = round_number(f, arg(&args, 0))?;
            let b = round_number(f, arg(&args, 1))?;
            Ok(Value::from(a.saturating_add(b)))
        }
        Func::StringSplit => {
            let s = want_str(f, arg(&args, 0), "the first argument")?;
            let delims: std::collections::HashSet<char> =
                want_str(f, arg(&args, 1), "the delimiter")?.chars().collect();
            Ok(Value::Array(
                s.split(|c| delims.contains(&c))
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
            ))
        }
        Func::Uuid => Ok(Value::String(random.uuid_v4())),
    }
}

/// `v` as compact JSON with every object's keys sorted: equal texts for values JSON equality
/// finds equal. Recursion is bounded by the payload nesting limit (arguments are payload
/// values or intrinsic results built from them).
fn canonical_text(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_text(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&compact(&Value::String(k.clone())));
                out.push(':');
                canonical_text(v, out);
            }
            out.push('}');
        }
        other => out.push_str(&compact(other)),
    }
}

/// serde_json reads `-0` as the float `-0.0`; Jackson (AWS) reads it as the integer `0`.
fn negative_zero_to_int(v: &mut Value) {
    match v {
        Value::Number(n) if n.as_f64() == Some(0.0) && n.to_string() == "-0.0" => {
            *v = Value::from(0)
        }
        Value::Array(items) => items.iter_mut().for_each(negative_zero_to_int),
        Value::Object(map) => map.values_mut().for_each(negative_zero_to_int),
        _ => {}
    }
}

/// `States.MathAdd` rounds each argument like Java's `Math.round` (half up): recorded
/// `-1.5 -> -1`, `0.5 -> 1`, `-1.51 -> -2`.
fn round_number(f: Func, v: &Value) -> Result<i64, StatesError> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                let r = (x + 0.5).floor();
                if r.is_finite() && r.abs() < 9.0e18 {
                    Ok(r as i64)
                } else {
                    Err(fail(format!(
                        "Invalid arguments in {}: {} is out of range",
                        f.name(),
                        compact(v)
                    )))
                }
            }
        },
        other => Err(fail(format!(
            "Invalid arguments in {}: the arguments must be numbers, got {}",
            f.name(),
            compact(other)
        ))),
    }
}

fn hash(algo: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    let bytes: Vec<u8> = match algo {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `States.JsonMerge` (shallow): the keys of `b` override those of `a`, and the result comes
/// out in `java.util.HashMap` iteration order, as AWS records it (`{"a","b","d"}` merged with
/// `{"a","c","d"}` is `{"a","b","c","d"}`).
fn java_hash_map_merge(a: &Map<String, Value>, b: &Map<String, Value>) -> Map<String, Value> {
    // Insertion order; a key of `b` already in `a` keeps `a`'s place (an indexed map, so
    // merging large objects stays linear).
    let mut merged = a.clone();
    for (k, v) in b {
        merged.insert(k.clone(), v.clone());
    }
    // Default HashMap: 16 buckets, doubled whenever size exceeds 3/4 of them.
    let mut buckets = 16usize;
    while merged.len() * 4 > buckets * 3 {
        buckets *= 2;
    }
    let bucket = |k: &str| {
        let h = k.encode_utf16().fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32));
        ((h ^ (h >> 16)) as usize) & (buckets - 1)
    };
    // Bucket order; keys sharing a bucket keep insertion order. (A distribution pass, not a
    // sort: each sort instance weighs about 1 KB gzipped in the page.)
    let mut slots: Vec<Vec<(String, Value)>> = vec![Vec::new(); buckets];
    for (k, v) in merged {
        slots[bucket(&k)].push((k, v));
    }
    slots.into_iter().flatten().collect()
}

/// `java.util.Random`, for `States.MathRandom` with a seed (same seed, same number as AWS).
struct JavaRandom {
    seed: u64,
}

impl JavaRandom {
    const MULT: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom { seed: (seed as u64 ^ Self::MULT) & Self::MASK }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(Self::MULT).wrapping_add(0xB)) & Self::MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// `nextInt(bound)`, `bound > 0`.
    fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

/// `States.Format`: `{}` takes the next argument; `\{`, `\}`, `\'`, `\\` are literal.
/// Arguments print as Java's `toString` would: strings bare, `null`, objects `{k=v, …}`,
/// arrays `[a, b]`.
pub fn format(template: &str, args: &[Value]) -> Result<Value, StatesError> {
    let mut out = String::new();
    let mut used = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('{' | '}' | '\'' | '\\')) => out.push(e),
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let v = args.get(used).ok_or_else(|| {
                    fail(format!(
                        "Invalid arguments in States.Format: the template has more placeholders \
                         than the {} argument(s) given",
                        args.len()
                    ))
                })?;
                used += 1;
                java_to_string(v, &mut out);
            }
            c => out.push(c),
        }
    }
    if used != args.len() {
        return Err(fail(format!(
            "Invalid arguments in States.Format: the template has {used} placeholder(s) but {} \
             argument(s) were given",
            args.len()
        )));
    }
    Ok(Value::String(out))
}

fn java_to_string(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_to_string(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_to_string(item, out);
            }
            out.push('}');
        }
        other => out.push_str(&compact(other)),
    }
}
