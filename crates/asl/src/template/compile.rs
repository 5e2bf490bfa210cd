//! Compiling a template's JSON into [`Node`]s, once per definition.
//!
//! Every leaf keeps its JSON-pointer position below the template's field (keys escaped with
//! [`escape_token`]), where validation reports the leaf's problems.

use serde_json::Value;

use super::{ExpressionLeaf, Node, PathLeaf};
use crate::intrinsics::{is_intrinsic, parse_intrinsic};
use crate::jsonata::{template_expression, Expression};
use crate::jsonpath::Path;
use crate::source::escape_token;

/// A JSONPath template: `key.$` entries become paths or intrinsic calls; `pointer` is the
/// position below the field (`""` for the field itself).
pub(super) fn jsonpath(value: &Value, pointer: &str) -> Node<PathLeaf> {
    match value {
        Value::Object(map) => {
            let entries: Vec<(String, Node<PathLeaf>)> = map
                .iter()
                .map(|(key, v)| {
                    let at = format!("{pointer}/{}", escape_token(key));
                    match key.strip_suffix(".$") {
                        Some(name) => (name.to_string(), dynamic(key, v, at)),
                        None => (key.clone(), jsonpath(v, &at)),
                    }
                })
                .collect();
            object_or_static(value, entries)
        }
        Value::Array(items) => array_or_static(
            value,
            items.iter().enumerate().map(|(i, v)| jsonpath(v, &format!("{pointer}/{i}"))).collect(),
        ),
        other => Node::Static(other.clone()),
    }
}

/// The value of one `key.$` entry, at `pointer`.
fn dynamic(field: &str, value: &Value, pointer: String) -> Node<PathLeaf> {
    let field: Box<str> = field.into();
    let pointer: Box<str> = pointer.into();
    Node::Leaf(match value.as_str() {
        None => PathLeaf::NotAString { field, pointer, value: value.clone() },
        Some(expr) if is_intrinsic(expr) => PathLeaf::Intrinsic {
            field,
            pointer,
            text: expr.into(),
            call: parse_intrinsic(expr).map(Box::new),
        },
        Some(expr) => PathLeaf::Path { field, pointer, path: Path::compile(expr) },
    })
}

/// A JSONata template: `{% … %}` strings become expressions; `at` is the position below the
/// field, for messages (`/FunctionName`, `/items/0`), and `pointer` the same position as a
/// JSON pointer (keys escaped), for diagnostics.
pub(super) fn jsonata(value: &Value, at: &str, pointer: &str) -> Node<ExpressionLeaf> {
    match value {
        Value::String(s) => match template_expression(s) {
            Some(expr) => Node::Leaf(ExpressionLeaf {
                at: at.into(),
                pointer: pointer.into(),
                expr: Box::new(Expression::compile(expr)),
            }),
            None => Node::Static(value.clone()),
        },
        Value::Object(map) => {
            let entries = map
                .iter()
                .map(|(key, v)| {
                    let node = jsonata(
                        v,
                        &format!("{at}/{key}"),
                        &format!("{pointer}/{}", escape_token(key)),
                    );
                    (key.clone(), node)
                })
                .collect();
            object_or_static(value, entries)
        }
        Value::Array(items) => {
            let nodes = items
                .iter()
                .enumerate()
                .map(|(i, v)| jsonata(v, &format!("{at}/{i}"), &format!("{pointer}/{i}")))
                .collect();
            array_or_static(value, nodes)
        }
        other => Node::Static(other.clone()),
    }
}

/// An object node, or the value itself when none of its entries resolves anything (a key
/// with `.$` always does).
fn object_or_static<L>(value: &Value, entries: Vec<(String, Node<L>)>) -> Node<L> {
    let dynamic = entries.iter().any(|(_, n)| !matches!(n, Node::Static(_)));
    let renamed = match value {
        Value::Object(map) => map.keys().zip(&entries).any(|(k, (name, _))| k != name),
        _ => false,
    };
    if dynamic || renamed {
        Node::Object(entries)
    } else {
        Node::Static(value.clone())
    }
}

fn array_or_static<L>(value: &Value, nodes: Vec<Node<L>>) -> Node<L> {
    if nodes.iter().any(|n| !matches!(n, Node::Static(_))) {
        Node::Array(nodes)
    } else {
        Node::Static(value.clone())
    }
}
