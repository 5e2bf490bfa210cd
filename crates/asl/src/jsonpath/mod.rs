//! JSONPath as Amazon States Language uses it (selection, reference paths for `ResultPath`).
//!
//! AWS Step Functions evaluates JSONPath with Jayway JsonPath semantics; this module follows
//! them where they show through:
//! - a *definite* path (only `.name`, `['name']`, `[n]`) yields one value or fails; its failure
//!   messages are Jayway's (`No results for path: $['a']`, `Missing property in path $['a']`);
//! - an *indefinite* path (wildcards, deep scan `..`, slices, unions, filters) yields the array
//!   of everything it matched, possibly empty, and never fails for missing data;
//! - inside brackets a backslash only protects the next character from ending the name; it is
//!   kept in the name (AWS resolves `$['a\"b']` to the key `a\"b`).
//!
//! One file per stage, as in jaq: `ast.rs` (the compiled path and `PathError`), `parse.rs`
//! (path text to segments), `eval.rs` (selecting and writing, with Jayway's semantics) and
//! `scope.rs` (which document a path string addresses: `$`, `$$` or `$var`) and `path.rs` (a
//! definition's path, compiled once). Everything public
//! is re-exported here, so callers keep using `crate::jsonpath::…`.

mod ast;
mod eval;
mod parse;
mod path;
mod scope;

pub use ast::{JsonPath, PathError};
pub use path::Path;
pub use scope::{parse_target, select_in, PathTarget, Scope, VariableLookup};

#[cfg(test)]
mod tests;
