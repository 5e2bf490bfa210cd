//! [`Path`]: a path string from a definition, compiled once.
//!
//! The definition keeps every path it holds (`InputPath`, `…Path` fields, Choice variables,
//! payload template values) as a `Path`: the text as written, for messages, and its parsed
//! target, so that running a state never parses a path again. A path that does not parse
//! keeps its error, which the runner reports the way AWS does when the state runs.

use std::fmt;
use std::ops::Deref;

use serde_json::Value;

use super::{parse_target, PathError, PathTarget, Scope};
use crate::intrinsics::{is_intrinsic, parse_intrinsic, Intrinsic};

/// A path as written in a definition, with its parsed target.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    source: Box<str>,
    target: Result<PathTarget, PathError>,
    /// For a field that takes a path or an intrinsic call (a Fail state's `ErrorPath` /
    /// `CausePath`), the parsed call when the text is one.
    intrinsic: Option<Box<Result<Intrinsic, PathError>>>,
}

impl Path {
    /// Parses `source` once; a parse error is kept for when the path is used.
    pub fn compile(source: &str) -> Path {
        Path { source: source.into(), target: parse_target(source), intrinsic: None }
    }

    /// Parses `source` once as a path or, when it is written as one (`States.Format(…)`), an
    /// intrinsic call; see [`intrinsic`](Path::intrinsic).
    pub fn compile_or_intrinsic(source: &str) -> Path {
        let mut path = Path::compile(source);
        if is_intrinsic(source) {
            path.intrinsic = Some(Box::new(parse_intrinsic(source)));
        }
        path
    }

    /// Why the path does not parse, if it does not.
    pub fn error(&self) -> Option<&PathError> {
        self.target.as_ref().err()
    }

    /// The intrinsic call (or why it does not parse) when the path was compiled with
    /// [`compile_or_intrinsic`](Path::compile_or_intrinsic) and is written as a call.
    pub fn intrinsic(&self) -> Option<Result<&Intrinsic, &PathError>> {
        self.intrinsic.as_deref().map(Result::as_ref)
    }

    /// The path exactly as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn target(&self) -> Result<&PathTarget, &PathError> {
        self.target.as_ref()
    }

    /// Evaluates the path with Jayway's strictness (see [`Scope::evaluate`]).
    pub fn evaluate(&self, scope: &Scope) -> Result<Value, PathError> {
        match &self.target {
            Ok(target) => scope.evaluate(target),
            Err(e) => Err(e.clone()),
        }
    }

    /// `Ok(None)` when a definite path selects nothing (or names an undefined variable);
    /// `Err` only when the path does not parse (as [`select_in`](super::select_in)).
    pub fn select(&self, scope: &Scope) -> Result<Option<Value>, PathError> {
        match &self.target {
            // A miss is `None`; going over the evaluation budget stays an error.
            Ok(target) => match scope.evaluate(target) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.over_limit => Err(e),
                Err(_) => Ok(None),
            },
            Err(e) => Err(e.clone()),
        }
    }
}

impl Deref for Path {
    type Target = str;

    fn deref(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl PartialEq<str> for Path {
    fn eq(&self, other: &str) -> bool {
        &*self.source == other
    }
}

impl PartialEq<&str> for Path {
    fn eq(&self, other: &&str) -> bool {
        &*self.source == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_once_and_selects_like_select_in() {
        let input = json!({"a": {"b": [1, 2]}});
        let ctx = json!({"Execution": {"Name": "x"}});
        let scope = Scope { input: &input, context: &ctx, variables: None };
        for src in ["$.a.b[1]", "$$.Execution.Name", "$.missing", "$.a.b[*]", "$..b"] {
            let path = Path::compile(src);
            assert_eq!(path.select(&scope), super::super::select_in(&scope, src), "{src}");
            assert_eq!(path, src);
        }
        let bad = Path::compile("a.b");
        assert!(bad.target().is_err());
        assert_eq!(bad.error().map(|e| e.message.as_str()), Some("Path must start with '$': a.b"));
        assert!(Path::compile("$.a").error().is_none());
        assert!(bad.select(&scope).is_err());
        assert_eq!(bad.to_string(), "a.b");
    }

    #[test]
    fn keeps_an_intrinsic_call_only_when_asked() {
        let call = "States.Format('{}', $.a)";
        assert!(Path::compile(call).intrinsic().is_none());
        assert!(matches!(Path::compile_or_intrinsic(call).intrinsic(), Some(Ok(_))));
        let bad = Path::compile_or_intrinsic("States.Format('{}'");
        assert!(matches!(bad.intrinsic(), Some(Err(_))));
        assert!(Path::compile_or_intrinsic("$.a").intrinsic().is_none());
    }
}
