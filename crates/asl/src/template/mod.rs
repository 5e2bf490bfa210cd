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
//! template is resolved, and listed with its position by [`Template::problems`], which is what
//! validation reports.

pub mod budget;
mod compile;
mod resolve;

use serde_json::Value;

use crate::definition::QueryLanguage;
use crate::intrinsics::Intrinsic;
use crate::jsonata::Expression;
use crate::jsonpath::{Path, PathError};

pub use resolve::resolve_template;

/// Calls `f` with every leaf of `node`, in template order.
fn leaves<'a, L>(node: &'a Node<L>, f: &mut dyn FnMut(&'a L)) {
    match node {
        Node::Static(_) => {}
        Node::Object(entries) => entries.iter().for_each(|(_, n)| leaves(n, f)),
        Node::Array(nodes) => nodes.iter().for_each(|n| leaves(n, f)),
        Node::Leaf(leaf) => f(leaf),
    }
}

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

/// A JSONPath `key.$` entry; `field` is the key as written (`x.$`), `pointer` its JSON-pointer
/// position below the template's field (`/x.$`, `/b/c.$`).
#[derive(Debug, Clone, PartialEq)]
enum PathLeaf {
    Path {
        field: Box<str>,
        pointer: Box<str>,
        path: Path,
    },
    Intrinsic {
        field: Box<str>,
        pointer: Box<str>,
        /// The call as written.
        text: Box<str>,
        call: Result<Box<Intrinsic>, PathError>,
    },
    /// The value is not a string: an error when resolved.
    NotAString {
        field: Box<str>,
        pointer: Box<str>,
        value: Value,
    },
}

/// A JSONata `{% expr %}` string; `at` is its position below the field (`/FunctionName`,
/// `/items/0`), for messages, and `pointer` the same position as a JSON pointer (keys escaped
/// with [`escape_token`](crate::source::escape_token)), for diagnostics.
#[derive(Debug, Clone, PartialEq)]
struct ExpressionLeaf {
    at: Box<str>,
    pointer: Box<str>,
    expr: Box<Expression>,
}

/// What is wrong with one piece of a template, as found when it was compiled.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem<'a> {
    /// A `key.$` value that is not a valid JSONPath.
    InvalidPath { path: &'a Path, error: &'a PathError },
    /// A `key.$` value written as an intrinsic call (`States.…(…)`) that does not parse.
    InvalidIntrinsic { call: &'a str, error: &'a PathError },
    /// A `key.$` whose value is not a string; `field` is the key as written (`x.$`).
    NotAString { field: &'a str },
    /// A `{% … %}` string whose expression does not parse; `message` is the parser's.
    InvalidJsonata { expression: &'a Expression, message: String },
}

impl Template {
    /// Compiles `source` as a template of the given query language.
    pub fn compile(source: &Value, language: QueryLanguage) -> Template {
        let body = match language {
            QueryLanguage::JsonPath => Body::JsonPath(compile::jsonpath(source, "")),
            QueryLanguage::Jsonata => Body::Jsonata(compile::jsonata(source, "", "")),
        };
        Template { source: source.clone(), body }
    }

    /// The template as written in the definition.
    pub fn source(&self) -> &Value {
        &self.source
    }

    /// Every piece that did not compile, in template order, each with its JSON-pointer position
    /// below the template's field (`""` for the field itself, `/a.$`, `/items/0`; keys escaped
    /// with [`escape_token`](crate::source::escape_token)). Nothing is parsed again, except
    /// JSONata without the language built in, which asks the installed backend
    /// ([`Expression::syntax_error`]).
    pub fn problems(&self) -> Vec<(&str, Problem<'_>)> {
        let mut out = Vec::new();
        match &self.body {
            Body::JsonPath(node) => leaves(node, &mut |leaf| {
                let problem = match leaf {
                    PathLeaf::Path { pointer, path, .. } => {
                        path.error().map(|error| (pointer, Problem::InvalidPath { path, error }))
                    }
                    PathLeaf::Intrinsic { pointer, text, call, .. } => call
                        .as_ref()
                        .err()
                        .map(|error| (pointer, Problem::InvalidIntrinsic { call: text, error })),
                    PathLeaf::NotAString { pointer, field, .. } => {
                        Some((pointer, Problem::NotAString { field }))
                    }
                };
                out.extend(problem.map(|(pointer, p)| (&**pointer, p)));
            }),
            Body::Jsonata(node) => leaves(node, &mut |leaf| {
                if let Some(message) = leaf.expr.syntax_error() {
                    let problem = Problem::InvalidJsonata { expression: &leaf.expr, message };
                    out.push((&*leaf.pointer, problem));
                }
            }),
        }
        out
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
    fn problems_are_kept_with_their_pointer_below_the_field() {
        let t = Template::compile(
            &json!({"a/b.$": "$[[", "ok.$": "$.a", "n": [{"c~.$": "States.Format('{}'"}], "d.$": 2}),
            QueryLanguage::JsonPath,
        );
        let found: Vec<(&str, &str)> = t
            .problems()
            .into_iter()
            .map(|(at, p)| {
                let kind = match p {
                    Problem::InvalidPath { path, .. } => path.as_str(),
                    Problem::InvalidIntrinsic { call, .. } => call,
                    Problem::NotAString { field } => field,
                    Problem::InvalidJsonata { .. } => "jsonata",
                };
                (at, kind)
            })
            .collect();
        assert_eq!(
            found,
            vec![("/a~1b.$", "$[["), ("/n/0/c~0.$", "States.Format('{}'"), ("/d.$", "d.$")]
        );
    }

    #[test]
    #[cfg(feature = "jsonata")]
    fn jsonata_problems_are_kept_with_their_pointer_below_the_field() {
        let t = Template::compile(
            &json!({"x/y": ["{% 1 %}", "{% 1 + %}"], "z": "plain"}),
            QueryLanguage::Jsonata,
        );
        let problems = t.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "/x~1y/1");
        assert!(matches!(&problems[0].1, Problem::InvalidJsonata { expression, .. }
            if expression.as_str() == "1 +"));
        let whole = Template::compile(&json!("{% ( %}"), QueryLanguage::Jsonata);
        assert_eq!(whole.problems()[0].0, "");
    }

    #[test]
    fn intrinsic_failure_propagates() {
        let e = resolve(json!({"x.$": "States.ArrayGetItem($.a, 5)"}), json!({"a": []}));
        assert_eq!(e.unwrap_err().error, "States.IntrinsicFailure");
    }
}
