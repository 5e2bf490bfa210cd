//! Templates: the fields whose JSON is copied as written except where it asks for a value.
//!
//! - JSONPath (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, …): a key ending in
//!   `.$` takes its value (a string) from a path into the state input (`$…`), the context
//!   object (`$$…`), a variable (`$name…`) or an intrinsic call (`States.…(…)`); the key loses
//!   its `.$`.
//! - JSONata (`Arguments`, `Output`, `Assign`, `Items`, …): a string `{% expr %}` anywhere
//!   (the whole value, object values, array items) is replaced by the expression's result.
//!
//! [`Template::compile`] does the parsing once, when the definition is loaded: paths,
//! intrinsic call trees and JSONata expressions are kept compiled, and subtrees with nothing
//! to resolve are kept as values to copy. Nested objects and arrays keep the template's key
//! order. A piece that does not compile keeps its error, reported (as AWS does) when the
//! template is resolved.

mod compile;
mod resolve;

use serde_json::Value;

use crate::definition::QueryLanguage;
use crate::intrinsics::Intrinsic;
use crate::jsonata::Expression;
use crate::jsonpath::{Path, PathError};

pub use resolve::resolve_template;

/// A compiled template with the JSON it was compiled from.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: Value,
    body: Body,
}

/// The compiled body, in the language it was compiled for.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    JsonPath(Node<PathLeaf>),
    Jsonata(Node<ExpressionLeaf>),
}

/// One compiled piece of a template; `L` is what resolves a value in its language.
#[derive(Debug, Clone, PartialEq)]
enum Node<L> {
    /// Nothing to resolve below: the value is copied.
    Static(Value),
    /// An object: output keys (without `.$`) in template order.
    Object(Vec<(String, Node<L>)>),
    Array(Vec<Node<L>>),
    Leaf(L),
}

/// A JSONPath `key.$` entry; `field` is the key as written (`x.$`).
#[derive(Debug, Clone, PartialEq)]
enum PathLeaf {
    Path {
        field: Box<str>,
        path: Path,
    },
    Intrinsic {
        field: Box<str>,
        call: Result<Box<Intrinsic>, PathError>,
    },
    /// The value is not a string: an error when resolved.
    NotAString {
        field: Box<str>,
        value: Value,
    },
}

/// A JSONata `{% expr %}` string; `at` is its position below the field (`/FunctionName`,
/// `/items/0`), for messages.
#[derive(Debug, Clone, PartialEq)]
struct ExpressionLeaf {
    at: Box<str>,
    expr: Box<Expression>,
}

impl Template {
    /// Compiles `source` as a template of the given query language.
    pub fn compile(source: &Value, language: QueryLanguage) -> Template {
        let body = match language {
            QueryLanguage::JsonPath => Body::JsonPath(compile::jsonpath(source)),
            QueryLanguage::Jsonata => Body::Jsonata(compile::jsonata(source, "")),
        };
        Template { source: source.clone(), body }
    }

    /// The template as written in the definition.
    pub fn source(&self) -> &Value {
        &self.source
    }

    /// The expression when the whole template is one `{% … %}` string.
    pub fn expression(&self) -> Option<&Expression> {
        match &self.body {
            Body::Jsonata(Node::Leaf(leaf)) => Some(&leaf.expr),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::StatesError;
    use crate::jsonpath::Scope;
    use crate::random::Random;
    use serde_json::json;

    fn resolve(template: Value, input: Value) -> Result<Value, StatesError> {
        let ctx = json!({"Execution": {"Input": input.clone(), "Name": "exec"}});
        let vars = |n: &str| (n == "v").then(|| json!({"k": [7, 8]}));
        let scope = Scope { input: &input, context: &ctx, variables: Some(&vars) };
        resolve_template(&template, &scope, &mut Random::new(3))
    }

    #[test]
    fn resolves_paths_context_variables_and_intrinsics() {
        let t = json!({
            "static": {"x": [1, {"y.$": "$.a"}]},
            "a.$": "$.a",
            "ctx.$": "$$.Execution.Name",
            "var.$": "$v.k[1]",
            "all.$": "$",
            "fmt.$": "States.Format('{}-{}', $.a, $$.Execution.Name)",
            "none.$": "$.items[*]",
            "lit": "$.not.a.path"
        });
        let out = resolve(t, json!({"a": 1})).unwrap();
        assert_eq!(
            out,
            json!({
                "static": {"x": [1, {"y": 1}]},
                "a": 1,
                "ctx": "exec",
                "var": 8,
                "all": {"a": 1},
                "fmt": "1-exec",
                "none": [],
                "lit": "$.not.a.path"
            })
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["static", "a", "ctx", "var", "all", "fmt", "none", "lit"]);
    }

    #[test]
    fn missing_path_is_runtime_error_with_aws_cause() {
        let e = resolve(json!({"value.$": "$.no_such_jsonpath"}), json!({"int-literal": 0}))
            .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be \
             found in the input '{\"int-literal\":0}'"
        );
        let e = resolve(json!({"value.$": "$$.Execution.Input.nope"}), json!({})).unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONPath '$$.Execution.Input.nope' specified for the field 'value.$' could not \
             be found in the input '{}'"
        );
    }

    #[test]
    fn intrinsic_failure_propagates() {
        let e = resolve(json!({"x.$": "States.ArrayGetItem($.a, 5)"}), json!({"a": []}));
        assert_eq!(e.unwrap_err().error, "States.IntrinsicFailure");
    }
}
