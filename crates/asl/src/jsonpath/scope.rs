//! Scopes: what a path string addresses (`$` the input, `$$` the context object, `$name` a
//! workflow variable), and evaluating a path string against them.
//!
//! The layer the rest of the engine calls; below it a `JsonPath` knows only one document.

use serde_json::Value;

use super::ast::{JsonPath, PathError};

/// What a path string can address: the state input (`$…`), the context object (`$$…`), or a
/// workflow variable (`$name…`).
pub struct Scope<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: Option<&'a VariableLookup<'a>>,
}

/// Looks a workflow variable up by name (`$name` -> its value).
pub type VariableLookup<'a> = dyn Fn(&str) -> Option<Value> + 'a;

/// Where a path string points.
#[derive(Debug, Clone, PartialEq)]
pub enum PathTarget {
    Input(JsonPath),
    Context(JsonPath),
    /// Variable name and the path into its value (rooted at `$`).
    Variable(String, JsonPath),
}

/// Split a path string into its target and the compiled path relative to that target.
pub fn parse_target(path: &str) -> Result<PathTarget, PathError> {
    if let Some(rest) = path.strip_prefix("$$") {
        return Ok(PathTarget::Context(JsonPath::parse(&format!("${rest}"))?));
    }
    let Some(rest) = path.strip_prefix('$') else {
        return Err(PathError::new(format!("Path must start with '$': {path}")));
    };
    let name_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if name_len == 0 {
        return Ok(PathTarget::Input(JsonPath::parse(path)?));
    }
    let (name, tail) = rest.split_at(name_len);
    Ok(PathTarget::Variable(name.to_string(), JsonPath::parse(&format!("${tail}"))?))
}

impl Scope<'_> {
    /// Evaluate a target with Jayway's strictness (see [`JsonPath::evaluate`]). An unknown
    /// variable is an error `Variable '<name>' is not defined`.
    pub fn evaluate(&self, target: &PathTarget) -> Result<Value, PathError> {
        match target {
            PathTarget::Input(p) => p.evaluate(self.input),
            PathTarget::Context(p) => p.evaluate(self.context),
            PathTarget::Variable(name, p) => {
                let value = self
                    .variables
                    .and_then(|f| f(name))
                    .ok_or_else(|| PathError::new(format!("Variable '{name}' is not defined")))?;
                p.evaluate(&value)
            }
        }
    }
}

/// Evaluate a path string against its scope: `Ok(None)` when a definite path selects nothing
/// (or names an undefined variable); `Err` only when the path does not parse.
pub fn select_in(scope: &Scope, path: &str) -> Result<Option<Value>, PathError> {
    let target = parse_target(path)?;
    Ok(scope.evaluate(&target).ok())
}
