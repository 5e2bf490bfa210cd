//! Resolving a compiled template: JSONPath against a [`Scope`], JSONata with [`Bindings`].
//! A template compiled for the other language is copied as written.

use serde_json::{Map, Value};

use super::budget::Budget;
use super::{Body, ExpressionLeaf, Node, PathLeaf, Template};
use crate::definition::QueryLanguage;
use crate::errors::StatesError;
use crate::intrinsics::{compact, evaluate_intrinsic_within};
use crate::jsonata::{require_value, Bindings, EvalError};
use crate::jsonpath::Scope;
use crate::random::Random;

/// Compiles and resolves a JSONPath template in one go (for templates that are not part of
/// a definition).
pub fn resolve_template(
    template: &Value,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    Template::compile(template, QueryLanguage::JsonPath).resolve_jsonpath(scope, random)
}

impl Template {
    /// Resolves a JSONPath template against `scope`.
    ///
    /// A definite path that selects nothing fails with `States.Runtime` and AWS's recorded
    /// cause `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input
    /// '<state input as compact JSON>'` (the runner prefixes `An error occurred while
    /// executing the state …`). An indefinite path that matches nothing yields `[]`.
    /// Intrinsic failures are `States.IntrinsicFailure`.
    pub fn resolve_jsonpath(
        &self,
        scope: &Scope,
        random: &mut Random,
    ) -> Result<Value, StatesError> {
        match &self.body {
            Body::JsonPath(node) => {
                let mut budget = Budget::default();
                walk(node, &mut |leaf| path_leaf(leaf, scope, random, &mut budget))
            }
            Body::Jsonata(_) => Ok(self.source.clone()),
        }
    }

    /// Resolves a JSONata template given for `field`; nested positions are named in messages
    /// as `field/key/0`.
    pub fn resolve_jsonata(
        &self,
        field: &str,
        b: &Bindings,
        random: &mut Random,
    ) -> Result<Value, EvalError> {
        match &self.body {
            Body::Jsonata(node) => walk(node, &mut |leaf| expression_leaf(leaf, field, b, random)),
            Body::JsonPath(_) => Ok(self.source.clone()),
        }
    }
}

/// Builds the template's value, resolving each leaf with `leaf`.
fn walk<L, E>(node: &Node<L>, leaf: &mut dyn FnMut(&L) -> Result<Value, E>) -> Result<Value, E> {
    match node {
        Node::Static(v) => Ok(v.clone()),
        Node::Object(entries) => {
            let mut out = Map::with_capacity(entries.len());
            for (key, node) in entries {
                out.insert(key.clone(), walk(node, leaf)?);
            }
            Ok(Value::Object(out))
        }
        Node::Array(nodes) => {
            let mut out = Vec::with_capacity(nodes.len());
            for node in nodes {
                out.push(walk(node, leaf)?);
            }
            Ok(Value::Array(out))
        }
        Node::Leaf(l) => leaf(l),
    }
}

/// One `key.$` value. What it copies or builds counts against the template's `budget`.
fn path_leaf(
    leaf: &PathLeaf,
    scope: &Scope,
    random: &mut Random,
    budget: &mut Budget,
) -> Result<Value, StatesError> {
    match leaf {
        PathLeaf::Path { field, path, .. } => match path.target() {
            Err(e) => Err(StatesError::runtime(format!(
                "The value for the field '{field}' must be a valid JSONPath or a valid intrinsic \
                 function call: {}",
                e.message
            ))),
            Ok(target) => budget.select(scope, target, path.as_str(), field),
        },
        PathLeaf::Intrinsic { field, call, .. } => match call {
            Ok(call) => evaluate_intrinsic_within(call, field, scope, random, budget),
            Err(e) => Err(StatesError::intrinsic(e.message.clone())),
        },
        PathLeaf::NotAString { field, value, .. } => Err(StatesError::runtime(format!(
            "The value for the field '{field}' must be a STRING that contains a JSONPath or an \
             intrinsic function, but was {}",
            compact(value)
        ))),
    }
}

fn expression_leaf(
    leaf: &ExpressionLeaf,
    field: &str,
    b: &Bindings,
    random: &mut Random,
) -> Result<Value, EvalError> {
    let ExpressionLeaf { at, expr, .. } = leaf;
    require_value(expr.as_str(), &format_args!("{field}{at}"), expr.evaluate(b, random))
}
