//! stepwise: an evaluation budget (not part of jsonata-core 2.2.13; see
//! docs/decisions/0009-bounded-jsonata.md in the Stepwise repository).
//!
//! [`metered`] runs a closure (an evaluation) with [`Limits`] installed for the
//! current thread. While they are installed:
//!
//! - every evaluation checkpoint (each node, each pass of a builtin's or the
//!   tail-call trampoline's loop: where jsonata-core checks its timeout and
//!   cancel token) counts one step;
//! - every string and array the evaluator builds is charged to a running total
//!   of bytes, which is never credited back (so the total bounds the memory an
//!   evaluation can hold at once, and its work);
//! - the builtins that can build a large value from small arguments (`$pad`,
//!   `$join`, `$string`, `$formatInteger`) and the range operator check the
//!   size of what they would build before building it.
//!
//! The first limit hit is remembered and every later checkpoint fails, so an
//! error that some caller inside the evaluator catches and recovers from
//! cannot hide it. Without limits installed (any other caller) nothing
//! changes but a thread-local read per checkpoint.

use std::cell::RefCell;

use crate::evaluator::EvaluatorError;
use crate::value::JValue;

/// The limits of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Evaluation checkpoints (nodes, loop passes).
    pub steps: u64,
    /// Bytes of strings and array slots built, in total.
    pub total_bytes: u64,
    /// The longest string one operation may build, in bytes (UTF-8).
    pub string_bytes: usize,
    /// The most items one array may hold.
    pub items: usize,
}

/// Which limit an evaluation hit first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    /// More than `Limits::steps` checkpoints.
    Steps(u64),
    /// More than `Limits::total_bytes` built.
    TotalBytes(u64),
    /// A string longer than `Limits::string_bytes`.
    StringBytes(usize),
    /// An array longer than `Limits::items`.
    Items(usize),
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exceeded::Steps(n) => write!(f, "the evaluation budget of {n} steps"),
            Exceeded::TotalBytes(n) => write!(f, "the budget of {n} bytes built in total"),
            Exceeded::StringBytes(n) => write!(f, "the largest string, {n} bytes"),
            Exceeded::Items(n) => write!(f, "the largest array, {n} items"),
        }
    }
}

struct Meter {
    limits: Limits,
    steps: u64,
    bytes: u64,
    exceeded: Option<Exceeded>,
}

thread_local! {
    static METER: RefCell<Option<Meter>> = const { RefCell::new(None) };
}

/// One step of a walk over a value (a container visited, a comparison made)
/// that cannot fail by itself: true once the budget is spent, and the walk
/// should stop with any cheap answer (the evaluation fails at its next
/// checkpoint, or when it returns, whatever the answer).
#[inline]
pub(crate) fn walk() -> bool {
    with_meter(|m| {
        m.steps += 1;
        if m.exceeded.is_none() && m.steps > m.limits.steps {
            m.exceeded = Some(Exceeded::Steps(m.limits.steps));
        }
        m.exceeded.is_some()
    })
    .unwrap_or(false)
}

/// Runs `f` under `limits`; returns its result and the first limit it hit.
/// Nested calls run under the outer meter.
pub fn metered<R>(limits: Limits, f: impl FnOnce() -> R) -> (R, Option<Exceeded>) {
    struct Uninstall(bool);
    impl Drop for Uninstall {
        fn drop(&mut self) {
            if self.0 {
                METER.with(|m| *m.borrow_mut() = None);
            }
        }
    }
    let installed = METER.with(|m| {
        let mut m = m.borrow_mut();
        if m.is_some() {
            return false;
        }
        *m = Some(Meter { limits, steps: 0, bytes: 0, exceeded: None });
        true
    });
    let guard = Uninstall(installed);
    let result = f();
    let exceeded = METER.with(|m| m.borrow().as_ref().and_then(|m| m.exceeded));
    drop(guard);
    (result, exceeded)
}

fn budget_error(e: Exceeded) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("U1101: Evaluation exceeded {e}"))
}

fn with_meter<R>(f: impl FnOnce(&mut Meter) -> R) -> Option<R> {
    METER.with(|m| m.try_borrow_mut().ok().and_then(|mut m| m.as_mut().map(f)))
}

/// One checkpoint: fails once any limit has been hit.
#[inline]
pub(crate) fn step() -> Result<(), EvaluatorError> {
    match with_meter(|m| {
        m.steps += 1;
        if m.exceeded.is_none() && m.steps > m.limits.steps {
            m.exceeded = Some(Exceeded::Steps(m.limits.steps));
        }
        m.exceeded
    }) {
        Some(Some(e)) => Err(budget_error(e)),
        _ => Ok(()),
    }
}

fn charge(bytes: u64, single: impl FnOnce(&Limits) -> Option<Exceeded>) {
    with_meter(|m| {
        m.bytes = m.bytes.saturating_add(bytes);
        if m.exceeded.is_none() {
            m.exceeded = single(&m.limits).or(if m.bytes > m.limits.total_bytes {
                Some(Exceeded::TotalBytes(m.limits.total_bytes))
            } else {
                None
            });
        }
    });
}

/// A string of `len` bytes was built.
#[inline]
pub(crate) fn charge_string(len: usize) {
    charge(len as u64, |l| (len > l.string_bytes).then_some(Exceeded::StringBytes(l.string_bytes)));
}

/// An array of `len` items was built.
#[inline]
pub(crate) fn charge_items(len: usize) {
    if len == 0 {
        return;
    }
    let bytes = (len as u64).saturating_mul(std::mem::size_of::<JValue>() as u64);
    charge(bytes, |l| (len > l.items).then_some(Exceeded::Items(l.items)));
}

/// Fails (and records the limit) when an operation is about to build a
/// string of `len` bytes or an array of `items` items beyond the limits.
/// Public for host functions that build values.
pub fn check_size(len: usize, items: usize) -> Result<(), EvaluatorError> {
    match with_meter(|m| {
        let hit = if len > m.limits.string_bytes {
            Some(Exceeded::StringBytes(m.limits.string_bytes))
        } else if items > m.limits.items {
            Some(Exceeded::Items(m.limits.items))
        } else {
            None
        };
        if m.exceeded.is_none() {
            m.exceeded = hit;
        }
        m.exceeded
    }) {
        Some(Some(e)) => Err(budget_error(e)),
        _ => Ok(()),
    }
}

/// The string limit in force (`usize::MAX` without a meter).
fn string_limit() -> usize {
    with_meter(|m| m.limits.string_bytes).unwrap_or(usize::MAX)
}

/// An upper bound, capped just above `cap`, on the bytes `$string` writes for
/// `value` (JSON text; numbers counted at their longest). Walks at most about
/// `cap` bytes' worth of the value, so a value that shares one sub-value many
/// times over costs no more to measure than the limit.
fn serialized_len(value: &JValue, cap: usize) -> usize {
    let mut total: usize = 0;
    let mut pending: Vec<&JValue> = vec![value];
    while let Some(v) = pending.pop() {
        if total > cap {
            break;
        }
        total = total.saturating_add(match v {
            JValue::String(s) => s.len().saturating_mul(6).saturating_add(2),
            JValue::Number(_) => 24,
            JValue::Array(a) => {
                pending.extend(a.iter());
                a.len().saturating_add(2)
            }
            JValue::Object(o) => {
                for (k, item) in o.iter() {
                    total = total.saturating_add(k.len().saturating_mul(6).saturating_add(4));
                    pending.push(item);
                }
                2
            }
            _ => 5,
        });
    }
    total
}

/// Checks the arguments of the builtins that can build a value much larger
/// than their arguments before they run (`args` as the builtin receives them).
pub(crate) fn precheck_builtin(name: &str, args: &[JValue]) -> Result<(), EvaluatorError> {
    let limit = string_limit();
    if limit == usize::MAX {
        return Ok(());
    }
    match (name, args.first(), args.get(1)) {
        ("pad", Some(JValue::String(s)), Some(JValue::Number(width))) => {
            // `width` counts characters; a pad character can take 4 bytes.
            let chars = if width.is_finite() { width.abs().min(1e15) as usize } else { 0 };
            let pad_char = match args.get(2) {
                Some(JValue::String(c)) => c.chars().next().map_or(1, char::len_utf8),
                _ => 1,
            };
            check_size(s.len().max(chars.saturating_mul(pad_char)), 0)
        }
        ("join", Some(JValue::Array(items)), sep) => {
            let sep = match sep {
                Some(JValue::String(s)) => s.len(),
                _ => 0,
            };
            let mut len = sep.saturating_mul(items.len().saturating_sub(1));
            for item in items.iter() {
                if let JValue::String(s) = item {
                    len = len.saturating_add(s.len());
                }
                if len > limit {
                    break;
                }
            }
            check_size(len, 0)
        }
        ("string", Some(value @ (JValue::Array(_) | JValue::Object(_))), pretty) => {
            // Pretty printing indents by two spaces a level: count generously.
            let len = serialized_len(value, limit);
            let len = if matches!(pretty, Some(JValue::Bool(true))) {
                len.saturating_mul(4)
            } else {
                len
            };
            check_size(len, 0)
        }
        // Words for numbers up to 1e21 or so stay short; beyond that the
        // reference spells the number as repeated "trillion"s.
        ("formatInteger", Some(JValue::Number(n)), Some(JValue::String(picture))) => {
            let magnitude = if n.is_finite() { n.abs().max(1.0).log10() as usize } else { 0 };
            let words = matches!(&**picture, "w" | "W" | "Ww" | "wo" | "Wo" | "Wwo")
                || picture.starts_with('w')
                || picture.starts_with('W');
            let roman = picture.starts_with('i') || picture.starts_with('I');
            let len = if words {
                magnitude.saturating_mul(64)
            } else if roman {
                // Roman numerals repeat M for every thousand.
                10f64.powi(magnitude.min(300) as i32 - 3).min(1e15) as usize
            } else {
                magnitude.saturating_add(picture.len())
            };
            check_size(len, 0)
        }
        _ => Ok(()),
    }
}
