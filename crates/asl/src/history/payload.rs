//! [`Payload`]: a JSON value that a state, its history events and the next state share.
//!
//! A state's output is the next state's input and appears in two events (`…StateExited`,
//! `…StateEntered`). Sharing one reference-counted value avoids deep copies, and its compact
//! JSON text (what the quota check measures and what the history shows) is rendered at most
//! once, when first asked for.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// A shared JSON value with its JSON text rendered once.
#[derive(Clone)]
pub struct Payload(Arc<Inner>);

struct Inner {
    value: Value,
    text: OnceLock<Box<str>>,
    /// The text's length, known without rendering it (the quota check needs only this).
    len: OnceLock<usize>,
}

impl Payload {
    pub fn new(value: Value) -> Payload {
        Payload(Arc::new(Inner { value, text: OnceLock::new(), len: OnceLock::new() }))
    }

    pub fn value(&self) -> &Value {
        &self.0.value
    }

    /// The value as compact JSON text, as AWS writes payloads into history.
    pub fn text(&self) -> &str {
        self.0.text.get_or_init(|| super::json_text(&self.0.value).into_boxed_str())
    }

    /// The size AWS's payload quota counts: the UTF-8 length of the JSON text, counted
    /// without building the text when it has not been rendered yet.
    pub fn byte_len(&self) -> usize {
        if let Some(text) = self.0.text.get() {
            return text.len();
        }
        *self.0.len.get_or_init(|| {
            let mut counter = ByteCounter(0);
            match serde_json::to_writer(&mut counter, &self.0.value) {
                Ok(()) => counter.0,
                Err(_) => self.text().len(),
            }
        })
    }

    /// The value itself: moved out when nothing else shares it, copied otherwise.
    pub fn into_value(self) -> Value {
        match Arc::try_unwrap(self.0) {
            Ok(inner) => inner.value,
            Err(shared) => shared.value.clone(),
        }
    }
}

/// An `io::Write` that only counts the bytes written to it.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Deref for Payload {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.0.value
    }
}

impl From<Value> for Payload {
    fn from(value: Value) -> Payload {
        Payload::new(value)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.value == other.0.value
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0.value, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_compact_and_shared_between_clones() {
        let p = Payload::new(json!({"a": [1, 2], "b": "x"}));
        let q = p.clone();
        assert_eq!(p.text(), r#"{"a":[1,2],"b":"x"}"#);
        assert!(std::ptr::eq(p.text(), q.text()));
        assert_eq!(q.byte_len(), 19);
        let r = Payload::new(json!({"é": "\u{1}x"}));
        assert_eq!(r.byte_len(), r.text().len());
    }

    #[test]
    fn into_value_moves_when_unshared() {
        let p = Payload::new(json!([1]));
        let q = p.clone();
        assert_eq!(p.into_value(), json!([1]));
        assert_eq!(q.into_value(), json!([1]));
    }
}
