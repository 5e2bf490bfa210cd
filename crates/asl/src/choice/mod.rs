//! Choice rules: their model and their evaluation.
//!
//! A `Choice` state holds a list of top-level rules, each with a `Next` target. A rule is either
//! a boolean combination (`And`, `Or`, `Not`) or a comparison of the value at `Variable` with an
//! operand (a literal, or the value at a `…Path`). This module parses rules written in the
//! JSONPath query language, evaluates them the way AWS Step Functions does, and renders short
//! labels for drawing graph edges.
//!
//! It does not know how paths are resolved: [`evaluate`] receives a resolver closure, so the
//! module stays independent of the JSONPath implementation and of the runner.
//!
//! AWS semantics encoded here (checked against recordings made on real AWS):
//! - A value of the wrong type for the operator makes the comparison false, never an error
//!   (`NumericEquals` on a string, `BooleanEquals` on `1`, `TimestampEquals` on a non-timestamp).
//! - `IsPresent` is the only operator that tolerates a `Variable` that selects nothing; every
//!   other operator fails the execution with `States.Runtime` and the cause
//!   `Invalid path '<path>': The choice state's condition path references an invalid value.`
//! - Numbers compare by value: `1` equals `1.0`.
//! - Strings compare like Java's `String.compareTo` (UTF-16 code units).
//! - Timestamps are RFC 3339 with an uppercase `T` and a `Z` or `±hh:mm` offset; they compare
//!   as instants (so `…T20:00:55+01:00` equals `…T19:00:55Z`).
//!
//! One file per stage, as in jaq: `ast.rs` (the rule model), `parse.rs` (definition JSON to
//! rules, with diagnostics), `eval.rs` (rules against input), `timestamp.rs` (RFC 3339 as AWS
//! accepts it) and `label.rs` (text for graph edges). Everything public is re-exported here, so
//! callers keep using `crate::choice::…`.

mod ast;
mod eval;
mod label;
mod parse;
mod timestamp;

pub use ast::{paths, Choice, ChoiceRule, Operand, Operator};
pub use eval::{
    compare, compare_numbers, compare_utf16, evaluate, first_match, invalid_path_error,
    string_matches,
};
pub use label::{label, label_full};
pub use parse::{parse_choice, parse_rule, RuleError};
pub use timestamp::{parse_timestamp, Instant};

#[cfg(test)]
mod tests;
