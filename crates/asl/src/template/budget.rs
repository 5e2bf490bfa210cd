//! Bounds on the values the engine builds: how deep a payload may nest, and how many bytes one
//! payload template (with its paths and intrinsic calls) may build. Both are measured without
//! recursion, so a hostile value cannot overflow the stack while being measured.
//!
//! See `docs/decisions/0010-runner-bounds.md`.

use serde_json::Value;

use crate::errors::{names, StatesError};
use crate::jsonpath::{PathTarget, Scope};

/// The deepest nesting of objects and arrays a payload (state input or output, variable,
/// execution input) may have: 127 levels, the deepest value serde_json's parser reads back
/// (its recursion limit is 128), so every payload the engine writes can be parsed again.
/// `1`, `[]` and `{}` are 0, 1 and 1 level deep.
pub const MAX_PAYLOAD_DEPTH: usize = 127;

/// The most bytes (as compact JSON, approximately) one payload template may build: 1 MiB, four
/// times what the 256 KiB payload quota lets through, so that any template whose result could
/// fit the quota is unaffected and a template copying its input thousands of times stops early.
pub const MAX_TEMPLATE_BYTES: usize = 1_048_576;

/// Whether `v` nests objects and arrays more than `max` levels deep (checked iteratively).
pub fn deeper_than(v: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        let depth = depth + 1;
        if depth > max {
            return true;
        }
        stack.extend(children.filter(|c| c.is_array() || c.is_object()).map(|c| (c, depth)));
    }
    false
}

/// The approximate size of `v` as compact JSON (strings counted without escapes, numbers by
/// their digits), counted iteratively and only until it passes `stop_after`.
pub fn approximate_bytes(v: &Value, stop_after: usize) -> usize {
    let mut total: usize = 0;
    let mut stack: Vec<&Value> = vec![v];
    while let Some(v) = stack.pop() {
        let own = match v {
            Value::Null => 4,
            Value::Bool(b) => 4 + usize::from(!*b),
            Value::Number(n) => number_len(n),
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items.iter());
                1 + items.len().max(1)
            }
            Value::Object(map) => {
                let mut keys: usize = 0;
                for (k, v) in map {
                    keys = keys.saturating_add(k.len() + 3);
                    stack.push(v);
                }
                keys.saturating_add(1 + map.len().max(1))
            }
        };
        total = total.saturating_add(own);
        if total > stop_after {
            break;
        }
    }
    total
}

fn number_len(n: &serde_json::Number) -> usize {
    if let Some(u) = n.as_u64() {
        return u.checked_ilog10().map_or(1, |d| d as usize + 1);
    }
    if let Some(i) = n.as_i64() {
        return i.unsigned_abs().checked_ilog10().map_or(1, |d| d as usize + 2);
    }
    // Floats: at most 24 characters in serde_json's shortest form.
    24
}

/// What one template resolution may still build.
#[derive(Debug, Clone)]
pub struct Budget {
    left: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { left: MAX_TEMPLATE_BYTES }
    }
}

impl Budget {
    /// Counts `v` (a value the template built or copied) against the budget: a
    /// `States.DataLimitExceeded` naming the limit once the template has built more than
    /// [`MAX_TEMPLATE_BYTES`] bytes.
    pub fn charge(&mut self, v: &Value) -> Result<(), StatesError> {
        let size = approximate_bytes(v, self.left);
        match self.left.checked_sub(size) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The values built for a payload template exceed Stepwise's limit of \
                     {MAX_TEMPLATE_BYTES} bytes per template."
                ),
            )),
        }
    }

    /// The value a payload field's path selects (a `"key.$": "$.a"` template field or a path
    /// argument of an intrinsic call), counted against the budget. A path that selects nothing
    /// is AWS's `States.Runtime` naming the path, the field and the input; a path evaluation
    /// that hit one of the engine's limits keeps that limit's error.
    pub fn select(
        &mut self,
        scope: &Scope,
        target: &PathTarget,
        path: &str,
        field: &str,
    ) -> Result<Value, StatesError> {
        let v = scope.evaluate(target).map_err(|e| {
            e.limit_error().unwrap_or_else(|| {
                StatesError::runtime(format!(
                    "The JSONPath '{path}' specified for the field '{field}' could not be found \
                     in the input '{}'",
                    crate::intrinsics::compact(scope.input)
                ))
            })
        })?;
        self.charge(&v)?;
        Ok(v)
    }
}

/// Drops `v` without recursion (serde_json's own drop recurses once per level, which a value
/// nested deep enough turns into a stack overflow).
pub fn dismantle(v: Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// A `States.DataLimitExceeded` for a value nested more than [`MAX_PAYLOAD_DEPTH`] levels;
/// `what` names it ("The state/task 'X' returned a result", "The variable 'v'").
pub fn too_deep(what: &str) -> StatesError {
    StatesError::new(
        names::DATA_LIMIT_EXCEEDED,
        format!(
            "{what} nested deeper than the maximum of {MAX_PAYLOAD_DEPTH} levels of objects and \
             arrays."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut v = json!(1);
        for _ in 0..levels {
            v = Value::Array(vec![v]);
        }
        v
    }

    #[test]
    fn depth_counts_levels_of_containers() {
        assert!(!deeper_than(&json!(1), 0));
        assert!(deeper_than(&json!([]), 0));
        assert!(!deeper_than(&json!({"a": [1]}), 2));
        assert!(deeper_than(&json!({"a": [[1]]}), 2));
        assert!(!deeper_than(&nested(MAX_PAYLOAD_DEPTH), MAX_PAYLOAD_DEPTH));
        assert!(deeper_than(&nested(MAX_PAYLOAD_DEPTH + 1), MAX_PAYLOAD_DEPTH));
        // The limit is what the parser reads back.
        let text = nested(MAX_PAYLOAD_DEPTH).to_string();
        assert!(serde_json::from_str::<Value>(&text).is_ok());
        let text = nested(MAX_PAYLOAD_DEPTH + 1).to_string();
        assert!(serde_json::from_str::<Value>(&text).is_err());
        dismantle(nested(100_000));
    }

    #[test]
    fn sizes_are_close_to_the_json_text() {
        for v in [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(12345),
            json!(-12345),
            json!("abc"),
            json!([1, 2, [3]]),
            json!({"a": {"bc": [true, null]}, "d": "e"}),
        ] {
            assert_eq!(approximate_bytes(&v, usize::MAX), v.to_string().len(), "{v}");
        }
        assert_eq!(approximate_bytes(&json!(1.5), usize::MAX), 24);
    }

    #[test]
    fn budget_fails_past_the_limit() {
        let big = json!("x".repeat(600_000));
        let mut b = Budget::default();
        assert!(b.charge(&big).is_ok());
        let e = b.charge(&big).unwrap_err();
        assert_eq!(e.error, "States.DataLimitExceeded");
        assert!(e.cause.contains("1048576"), "{}", e.cause);
    }
}
