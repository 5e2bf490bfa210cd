//! YAML text → JSON value with positions, and a JSON value → YAML text.
//!
//! Reading uses `saphyr-parser`'s event stream (a pull parser: no recursion, positions on every
//! event, tags kept) and builds the value with an explicit stack, so no document can drive the
//! reader into a stack overflow. Hostile documents are refused with a located error:
//! nesting deeper than [`MAX_DEPTH`](crate::source::MAX_DEPTH) (the limit JSON definitions
//! have), aliases that would expand past [`MAX_NODES`] values ("billion laughs"), more than one
//! document.
//!
//! CloudFormation's short-form tags become the long forms CloudFormation itself reads
//! (`!Sub x` → `{"Fn::Sub": x}`, `!Ref x` → `{"Ref": x}`, `!GetAtt a.b` → `{"Fn::GetAtt": ["a",
//! "b"]}`), so templates in JSON and YAML are resolved by the same code (`template.rs`).
//! Plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers, floats);
//! quoted and block scalars are strings.

//!
//! The reader (`read.rs`, `saphyr-parser`) is compiled with the feature `yaml` (on by default).
//! Without it, [`parse`] goes through a [`Reader`] installed at run time: the browser app
//! fetches the reader as a separate wasm module the first time it meets YAML
//! (docs/decisions/0025-page-weight.md). [`encode`] and [`decode`] carry a parsed document
//! across that boundary as JSON text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{json, Number, Value};

use super::{Block, Document, Format};
use crate::source::{Position, SourceMap, SyntaxError};

#[cfg(feature = "yaml")]
mod read;

/// How many values a document may hold once its aliases are expanded. A 1 MiB document holds
/// at most about 500,000 values written out; aliases may repeat parts of it, but nine levels of
/// nine-fold aliases ("billion laughs") would be 387 million.
pub const MAX_NODES: usize = 2_000_000;

/// Parses YAML text (one document) into a JSON value with the positions of its values.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    #[cfg(feature = "yaml")]
    {
        read::parse(text)
    }
    #[cfg(not(feature = "yaml"))]
    {
        match READER.with(|r| r.borrow().clone()) {
            Some(reader) => decode(&reader(text)),
            None => Err(SyntaxError {
                message: NOT_LOADED.to_string(),
                position: Position { line: 1, column: 1 },
            }),
        }
    }
}

/// The error [`parse`] gives while no reader is installed (builds without the feature).
pub const NOT_LOADED: &str = "YAML support is still loading";

/// A YAML reader supplied at run time: YAML text in, [`encode`]d result out.
pub type Reader = Rc<dyn Fn(&str) -> String>;

thread_local! {
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
}

/// Installs the reader [`parse`] uses when the feature `yaml` is off (ignored with it on).
pub fn install_reader(reader: Reader) {
    READER.with(|r| *r.borrow_mut() = Some(reader));
}

/// Can YAML be read now (built in, or a reader installed)?
pub fn available() -> bool {
    cfg!(feature = "yaml") || READER.with(|r| r.borrow().is_some())
}

/// A parse result as JSON text: `{"value", "positions": [[pointer, line, column]…], "blocks":
/// [[pointer, first line, indent]…]}` or `{"error", "line", "column"}`.
pub fn encode(result: &Result<Document, SyntaxError>) -> String {
    match result {
        Ok(doc) => {
            let positions: Vec<Value> =
                doc.map.entries().map(|(pointer, p)| json!([pointer, p.line, p.column])).collect();
            let blocks: Vec<Value> = doc
                .blocks
                .iter()
                .map(|(pointer, b)| json!([pointer, b.first_line, b.indent]))
                .collect();
            json!({ "value": doc.value, "positions": positions, "blocks": blocks })
        }
        Err(e) => {
            json!({ "error": e.message, "line": e.position.line, "column": e.position.column })
        }
    }
    .to_string()
}

/// Reads back what [`encode`] wrote (a YAML document's).
pub fn decode(text: &str) -> Result<Document, SyntaxError> {
    let at = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(1) as u32;
    let mut reply: Value = serde_json::from_str(text).map_err(|e| SyntaxError {
        message: format!("YAML reader reply: {e}"),
        position: Position { line: 1, column: 1 },
    })?;
    if let Some(message) = reply.get("error").and_then(Value::as_str) {
        let position = Position { line: at(&reply, "line"), column: at(&reply, "column") };
        return Err(SyntaxError { message: message.to_string(), position });
    }
    let triples = |v: &Value| -> Vec<(String, u32, u32)> {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        let pointer = item.get(0)?.as_str()?.to_string();
                        let a = u32::try_from(item.get(1)?.as_u64()?).ok()?;
                        let b = u32::try_from(item.get(2)?.as_u64()?).ok()?;
                        Some((pointer, a, b))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut map = SourceMap::default();
    for (pointer, line, column) in triples(&reply["positions"]) {
        map.insert(&pointer, Position { line, column });
    }
    let blocks: HashMap<String, Block> = triples(&reply["blocks"])
        .into_iter()
        .map(|(pointer, first_line, indent)| (pointer, Block { first_line, indent }))
        .collect();
    Ok(Document { value: reply["value"].take(), map, format: Format::Yaml, blocks })
}

/// The YAML 1.2 core schema's resolution of a plain scalar. Infinities and NaN, which JSON
/// cannot hold, stay text.
pub(crate) fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = u64::from_str_radix(hex, 16) {
            return Value::Number(n.into());
        }
    }
    if let Some(octal) = text.strip_prefix("0o") {
        if let Ok(n) = u64::from_str_radix(octal, 8) {
            return Value::Number(n.into());
        }
    }
    let numeric = !unsigned.is_empty()
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && unsigned.chars().any(|c| c.is_ascii_digit());
    if numeric {
        let negative = text.starts_with('-');
        if unsigned.chars().all(|c| c.is_ascii_digit()) {
            if let Ok(n) = unsigned.parse::<u64>() {
                if !negative {
                    return Value::Number(n.into());
                }
                if let Some(n) = i64::try_from(n).ok().and_then(i64::checked_neg) {
                    return Value::Number(n.into());
                }
            }
        }
        if let Ok(f) = text.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(text.to_string())
}

/// Writes a JSON value as block-style YAML (the definition download). Strings that YAML
/// would read as something else, or that hold special characters, are written double-quoted
/// with JSON's escapes (valid YAML), so [`parse`] reads back the same value.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    // (value, indent, context): an explicit stack instead of recursion.
    enum Item<'a> {
        Value(&'a Value, usize),
        Text(String),
    }
    let mut stack = vec![Item::Value(value, 0)];
    while let Some(item) = stack.pop() {
        let (value, indent) = match item {
            Item::Text(t) => {
                out.push_str(&t);
                continue;
            }
            Item::Value(v, i) => (v, i),
        };
        let pad = " ".repeat(indent);
        match value {
            Value::Object(members) if !members.is_empty() => {
                let mut items = Vec::new();
                for (key, member) in members {
                    let nested = matches!(member, Value::Object(m) if !m.is_empty())
                        || matches!(member, Value::Array(a) if !a.is_empty());
                    items.push(Item::Text(format!(
                        "\n{pad}{}:{}",
                        yaml_string(key),
                        if nested { "" } else { " " }
                    )));
                    items.push(Item::Value(member, indent + 2));
                }
                stack.extend(items.into_iter().rev());
            }
            Value::Array(elements) if !elements.is_empty() => {
                let mut items = Vec::new();
                for element in elements {
                    items.push(Item::Text(format!("\n{pad}-")));
                    match element {
                        Value::Object(m) if !m.is_empty() => {}
                        Value::Array(a) if !a.is_empty() => {}
                        _ => items.push(Item::Text(" ".into())),
                    }
                    items.push(Item::Value(element, indent + 2));
                }
                stack.extend(items.into_iter().rev());
            }
            Value::Object(_) => out.push_str("{}"),
            Value::Array(_) => out.push_str("[]"),
            Value::String(s) => out.push_str(&yaml_string(s)),
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = out.trim_start_matches('\n').to_string();
    text.push('\n');
    text
}

/// A string as a plain scalar when it reads back as the same string, else double-quoted.
fn yaml_string(s: &str) -> String {
    let safe = !s.is_empty()
        && plain(s).is_string()
        && s.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/' | '(' | ')' | '$' | '@')
        })
        && !s.starts_with([' ', '-', '.', '$', '@', '?'])
        && !s.ends_with(' ')
        && !matches!(
            s,
            "y" | "Y" | "n" | "N" | "yes" | "no" | "Yes" | "No" | "on" | "off" | "On" | "Off"
        );
    if safe {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

#[cfg(all(test, feature = "yaml"))]
mod tests {
    use super::*;

    fn at(doc: &Document, pointer: &str) -> (u32, u32) {
        let p = doc.map.position(pointer).expect("positioned");
        (p.line, p.column)
    }

    #[test]
    fn a_document_crosses_as_json_text_with_its_positions_and_blocks() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: |\n      two\n      lines\n    End: true\n";
        let mut doc = parse(text).unwrap();
        doc.blocks.insert("/States/A/Comment".into(), Block { first_line: 6, indent: 6 });
        let back = decode(&encode(&Ok(doc.clone()))).unwrap();
        assert_eq!(back.value, doc.value);
        assert_eq!(back.format, Format::Yaml);
        for pointer in ["", "/StartAt", "/States/A", "/States/A/Comment", "/States/A/End"] {
            assert_eq!(back.map.position(pointer), doc.map.position(pointer), "{pointer}");
        }
        let block = back.blocks.get("/States/A/Comment").expect("the block crosses");
        assert_eq!((block.first_line, block.indent), (6, 6));

        let error = parse("a: [1, 2\n").unwrap_err();
        assert_eq!(decode(&encode(&Err(error.clone()))).unwrap_err(), error);
    }

    #[test]
    fn reads_mappings_sequences_and_typed_scalars_with_positions() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: [1, 2.5, true, null, '3']\n    End: true\n";
        let doc = parse(text).unwrap();
        assert_eq!(
            doc.value,
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, 2.5, true, null, "3"], "End": true}}})
        );
        assert_eq!(at(&doc, "/StartAt"), (1, 1));
        assert_eq!(at(&doc, "/States/A/Type"), (4, 5));
        assert_eq!(at(&doc, "/States/A/Result/1"), (5, 17));
    }

    #[test]
    fn short_form_tags_become_long_forms() {
        let text = "a: !Sub 'x-${AWS::Region}'\nb: !GetAtt Fn.Arn\nc: !Join ['', [a, !Ref P]]\n";
        let doc = parse(text).unwrap();
        assert_eq!(
            doc.value,
            json!({"a": {"Fn::Sub": "x-${AWS::Region}"}, "b": {"Fn::GetAtt": ["Fn", "Arn"]},
                   "c": {"Fn::Join": ["", ["a", {"Ref": "P"}]]}})
        );
        assert_eq!(at(&doc, "/c/Fn::Join/1/1/Ref"), (3, 19));
    }

    #[test]
    fn literal_blocks_remember_their_lines() {
        let text = "X:\n  D: !Sub |\n    {\n      \"StartAt\": \"A\"\n    }\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.value["X"]["D"]["Fn::Sub"], json!("{\n  \"StartAt\": \"A\"\n}\n"));
        let block = doc.blocks.get("/X/D/Fn::Sub").copied().unwrap();
        assert_eq!((block.first_line, block.indent), (3, 4));
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse("StartAt: A\nStates:\n  A: [1, 2\n  B: 3\n").unwrap_err();
        assert!(err.position.line >= 3, "{err:?}");
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!((err.position.line, err.message.as_str()), (2, "duplicate key 'a'"));
        let err = parse("a: !Bogus 1\n").unwrap_err();
        assert!(err.message.contains("unknown tag"), "{err:?}");
    }

    #[test]
    fn hostile_documents_are_refused() {
        // Billion laughs: nine levels of nine-fold aliases.
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err:?}");
        // Deep block nesting.
        let mut deep = String::new();
        for i in 0..400 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("a:\n");
        }
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nest more than"), "{err:?}");
        // Deep flow nesting.
        let err = parse(&"[".repeat(100_000)).unwrap_err();
        assert!(err.position.line == 1, "{err:?}");
        // A long document of many values still parses.
        let wide = format!("[{}]", vec!["1"; 200_000].join(","));
        assert_eq!(parse(&wide).unwrap().value.as_array().map(Vec::len), Some(200_000));
        // Several documents.
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn yaml_written_reads_back_the_same() {
        let value = json!({
            "Comment": "a: b # c", "StartAt": "Call API", "Empty": {}, "None": [],
            "States": {"Call API": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:F",
              "Parameters": {"a.$": "$.x", "n": 1, "t": true, "z": null, "s": "123", "y": "yes",
                "list": [1, {"k": "v"}, [2, 3], "- x"], "multi": "line\nbreak", "q": "\"", "": "e"},
              "End": true}}
        });
        let text = to_yaml(&value);
        assert_eq!(parse(&text).unwrap().value, value, "{text}");
    }
}
