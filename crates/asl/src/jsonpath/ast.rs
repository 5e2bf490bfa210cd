//! The compiled form of a path: `JsonPath` and its segments and filter expressions, plus
//! `PathError`, which every stage returns.
//!
//! Also the questions answered from the structure alone (is the path definite, is it a
//! reference path, its normalized Jayway form); parsing and evaluation live next door.

use serde_json::Value;
use std::fmt;

/// A path that could not be parsed, or could not be applied to a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
    /// The path selected more than Stepwise's bound on what one evaluation may copy
    /// (`template::budget::MAX_TEMPLATE_BYTES`): a `States.DataLimitExceeded`, not a miss.
    pub over_limit: bool,
}

impl PathError {
    pub fn new(message: impl Into<String>) -> Self {
        PathError { message: message.into(), over_limit: false }
    }

    /// The `States.DataLimitExceeded` to report when the evaluation went over its budget.
    pub fn limit_error(&self) -> Option<crate::errors::StatesError> {
        self.over_limit.then(|| {
            crate::errors::StatesError::new(
                crate::errors::names::DATA_LIMIT_EXCEEDED,
                self.message.clone(),
            )
        })
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

/// A compiled JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    pub(super) src: String,
    pub(super) segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    /// `.name` / `['name']`
    Property(String),
    /// `['a','b']`: Jayway's multi-property token (indefinite here).
    Properties(Vec<String>),
    /// `[n]`, negative counts from the end.
    Index(i64),
    /// `[0,2]`
    Indexes(Vec<i64>),
    /// `[a:b]`, either bound optional.
    Slice(Option<i64>, Option<i64>),
    /// `.*` / `[*]`
    Wildcard,
    /// `..` followed by the segment applied at every node, pre-order.
    Scan(Box<Segment>),
    /// `[?(…)]`
    Filter(Expr),
    /// `.length()` (Jayway function; also `size()`).
    Length,
}

impl Segment {
    fn is_definite(&self) -> bool {
        matches!(self, Segment::Property(_) | Segment::Index(_) | Segment::Length)
    }

    /// Jayway's normalized rendering, used in its error messages.
    pub(super) fn render(&self, out: &mut String) {
        match self {
            Segment::Property(name) => {
                out.push_str("['");
                out.push_str(name);
                out.push_str("']");
            }
            Segment::Properties(names) => {
                out.push('[');
                let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                out.push_str(&quoted.join(","));
                out.push(']');
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Indexes(is) => {
                let s: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                out.push_str(&format!("[{}]", s.join(",")));
            }
            Segment::Slice(a, b) => {
                let a = a.map(|v| v.to_string()).unwrap_or_default();
                let b = b.map(|v| v.to_string()).unwrap_or_default();
                out.push_str(&format!("[{a}:{b}]"));
            }
            Segment::Wildcard => out.push_str("[*]"),
            Segment::Scan(inner) => {
                out.push_str("..");
                inner.render(out);
            }
            Segment::Filter(_) => out.push_str("[?]"),
            Segment::Length => out.push_str(".length()"),
        }
    }
}

/// A filter expression `?(…)`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    /// `@.x` alone: true when the path exists (and is not `false`... Jayway: exists).
    Exists(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    Literal(Value),
    /// `@…` (relative to the current item) or `$…` (absolute).
    Path {
        relative: bool,
        path: Box<JsonPath>,
    },
}

impl JsonPath {
    /// The source text, as written.
    pub fn as_str(&self) -> &str {
        &self.src
    }

    /// No wildcards, deep scan, slices, unions or filters: selects at most one value.
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(Segment::is_definite)
    }

    /// Only `$`, `.name`, `['name']`, `[n]`: usable as a `ResultPath`.
    pub fn is_reference_path(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Property(_) | Segment::Index(_)))
    }

    /// Jayway's normalized form, e.g. `$['a'][0]`.
    pub fn normalized(&self) -> String {
        let mut out = String::from("$");
        for s in &self.segments {
            s.render(&mut out);
        }
        out
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.src)
    }
}
