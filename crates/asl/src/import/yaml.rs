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

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use super::{Block, Document, Format};
use crate::source::{escape_token, Position, SourceMap, SyntaxError, MAX_DEPTH};

/// How many values a document may hold once its aliases are expanded. A 1 MiB document holds
/// at most about 500,000 values written out; aliases may repeat parts of it, but nine levels of
/// nine-fold aliases ("billion laughs") would be 387 million.
pub const MAX_NODES: usize = 2_000_000;

/// The intrinsic functions CloudFormation writes as short-form tags (`!Sub`), and their long
/// form's key.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Transform", "Fn::Transform"),
];

/// The YAML core schema's tags (`!!str`, …), as the parser resolves their handle.
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A collection being built.
struct Frame {
    pointer: String,
    anchor: usize,
    tag: Option<String>,
    position: Position,
    /// Values written inside it (for aliases' counts).
    nodes: usize,
    kind: FrameKind,
}

enum FrameKind {
    Sequence(Vec<Value>),
    /// The members so far, and the key waiting for its value.
    Mapping(Map<String, Value>, Option<String>),
}

fn position(mark: &Marker) -> Position {
    Position {
        line: u32::try_from(mark.line()).unwrap_or(u32::MAX),
        column: u32::try_from(mark.col().saturating_add(1)).unwrap_or(u32::MAX),
    }
}

fn error(message: impl Into<String>, at: Position) -> SyntaxError {
    SyntaxError { message: message.into(), position: at }
}

/// Parses YAML text (one document) into a JSON value with the positions of its values.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut map = SourceMap::default();
    let mut blocks = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut root: Option<Value> = None;
    let mut documents = 0usize;
    let mut total_nodes = 0usize;
    let lines: Vec<&str> = text.split('\n').collect();
    while let Some(next) = parser.next_event() {
        let (event, span): (Event, Span) = next.map_err(|e| {
            let mut message = e.info().to_string();
            if message == "recursion limit exceeded" {
                message = "flow collections nest too deeply".into();
            }
            error(message, position(e.marker()))
        })?;
        let at = position(&span.start);
        let is_sequence = matches!(event, Event::SequenceStart(..));
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        "the file holds more than one YAML document (one definition or template is expected)",
                        at,
                    ));
                }
            }
            Event::Alias(id) => {
                let Some((value, count)) = anchors.get(&id) else {
                    return Err(error("an alias names an anchor that is not defined", at));
                };
                total_nodes = total_nodes.saturating_add(*count);
                if total_nodes > MAX_NODES {
                    return Err(error(
                        format!("aliases expand the document past {MAX_NODES} values"),
                        at,
                    ));
                }
                let (value, count) = (value.clone(), *count);
                let pointer = child_pointer(&stack, at)?;
                map.insert(&pointer, at);
                attach(&mut stack, &mut root, value, count, at)?;
            }
            Event::Scalar(text_value, style, anchor, tag) => {
                total_nodes = total_nodes.saturating_add(1);
                if total_nodes > MAX_NODES {
                    return Err(error(
                        format!("the document holds more than {MAX_NODES} values"),
                        at,
                    ));
                }
                // A key of a mapping.
                if let Some(Frame {
                    kind: FrameKind::Mapping(members, key @ None), pointer, ..
                }) = stack.last_mut()
                {
                    let name = text_value.to_string();
                    let member = format!("{pointer}/{}", escape_token(&name));
                    if members.contains_key(&name) {
                        return Err(error(format!("duplicate key '{name}'"), at));
                    }
                    map.insert(&member, at);
                    *key = Some(name);
                    continue;
                }
                let tag = tag_name(tag.as_deref());
                let value = scalar(&text_value, style, tag.as_deref(), at)?;
                let pointer = child_pointer(&stack, at)?;
                map.insert(&pointer, at);
                if style == ScalarStyle::Literal {
                    if let Some(block) = literal_block(&lines, &span) {
                        blocks.insert(pointer.clone(), block);
                    }
                }
                let value = apply_tag(value, tag.as_deref(), at)?;
                if tag.as_deref().is_some_and(is_short_form) {
                    // The wrapped value keeps the scalar's place (and its block's lines).
                    if let Some((_, long)) = short_form(tag.as_deref()) {
                        let inner = format!("{pointer}/{}", escape_token(long));
                        map.insert(&inner, at);
                        if let Some(block) = blocks.get(&pointer).copied() {
                            blocks.insert(inner, block);
                        }
                    }
                }
                if anchor != 0 {
                    anchors.insert(anchor, (value.clone(), 1));
                }
                attach(&mut stack, &mut root, value, 1, at)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                total_nodes = total_nodes.saturating_add(1);
                if total_nodes > MAX_NODES {
                    return Err(error(
                        format!("the document holds more than {MAX_NODES} values"),
                        at,
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        format!("sequences and mappings nest more than {MAX_DEPTH} levels deep"),
                        at,
                    ));
                }
                if let Some(Frame { kind: FrameKind::Mapping(_, None), .. }) = stack.last() {
                    return Err(error(
                        "a mapping key is a sequence or a mapping (only text keys are supported)",
                        at,
                    ));
                }
                let mut pointer = child_pointer(&stack, at)?;
                map.insert(&pointer, at);
                let tag = tag_name(tag.as_deref());
                // A tagged collection's items live inside its long form (`/x/Fn::Join/0`).
                if let Some((_, long)) = short_form(tag.as_deref()) {
                    pointer = format!("{pointer}/{}", escape_token(long));
                    map.insert(&pointer, at);
                }
                stack.push(Frame {
                    pointer,
                    anchor,
                    tag,
                    position: at,
                    nodes: 1,
                    kind: if is_sequence {
                        FrameKind::Sequence(Vec::new())
                    } else {
                        FrameKind::Mapping(Map::new(), None)
                    },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else {
                    return Err(error("unbalanced collection", at));
                };
                let value = match frame.kind {
                    FrameKind::Sequence(items) => Value::Array(items),
                    FrameKind::Mapping(members, _) => Value::Object(members),
                };
                let value = apply_tag(value, frame.tag.as_deref(), frame.position)?;
                if frame.anchor != 0 {
                    anchors.insert(frame.anchor, (value.clone(), frame.nodes));
                }
                attach(&mut stack, &mut root, value, frame.nodes, frame.position)?;
            }
        }
    }
    let value = root.unwrap_or(Value::Null);
    Ok(Document { value, map, format: Format::Yaml, blocks })
}

/// The pointer of the next value of the innermost collection (`""` at the top).
fn child_pointer(stack: &[Frame], at: Position) -> Result<String, SyntaxError> {
    match stack.last() {
        None => Ok(String::new()),
        Some(Frame { pointer, kind: FrameKind::Sequence(items), .. }) => {
            Ok(format!("{pointer}/{}", items.len()))
        }
        Some(Frame { pointer, kind: FrameKind::Mapping(_, Some(key)), .. }) => {
            Ok(format!("{pointer}/{}", escape_token(key)))
        }
        Some(Frame { kind: FrameKind::Mapping(_, None), .. }) => {
            Err(error("an alias is used as a mapping key (only text keys are supported)", at))
        }
    }
}

/// Puts a finished value into its parent (or makes it the document).
fn attach(
    stack: &mut [Frame],
    root: &mut Option<Value>,
    value: Value,
    nodes: usize,
    at: Position,
) -> Result<(), SyntaxError> {
    match stack.last_mut() {
        None => {
            *root = Some(value);
            Ok(())
        }
        Some(frame) => {
            frame.nodes = frame.nodes.saturating_add(nodes);
            match &mut frame.kind {
                FrameKind::Sequence(items) => items.push(value),
                FrameKind::Mapping(members, key) => match key.take() {
                    Some(k) => {
                        members.insert(k, value);
                    }
                    None => return Err(error("a mapping key is not text", at)),
                },
            }
            Ok(())
        }
    }
}

/// `!Sub` → `Some("Sub")`, `!!str` → `Some("!!str")`, other handles as written.
fn tag_name(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    if tag.handle == "!" {
        Some(tag.suffix.clone())
    } else if tag.handle == CORE_TAG_PREFIX || tag.handle == "!!" {
        Some(format!("!!{}", tag.suffix))
    } else {
        Some(format!("{}{}", tag.handle, tag.suffix))
    }
}

fn short_form(tag: Option<&str>) -> Option<&'static (&'static str, &'static str)> {
    let tag = tag?;
    SHORT_FORMS.iter().find(|(short, _)| *short == tag)
}

fn is_short_form(tag: &str) -> bool {
    short_form(Some(tag)).is_some()
}

/// Wraps a tagged value as CloudFormation's long form; core tags were applied to the scalar.
fn apply_tag(value: Value, tag: Option<&str>, at: Position) -> Result<Value, SyntaxError> {
    let Some(tag) = tag else { return Ok(value) };
    if let Some((short, long)) = short_form(Some(tag)) {
        let value = match (*short, value) {
            // `!GetAtt Resource.Attribute` is the long form's [Resource, Attribute].
            ("GetAtt", Value::String(s)) => match s.split_once('.') {
                Some((resource, attribute)) => Value::Array(vec![
                    Value::String(resource.into()),
                    Value::String(attribute.into()),
                ]),
                None => Value::String(s),
            },
            (_, v) => v,
        };
        let mut wrapped = Map::new();
        wrapped.insert((*long).to_string(), value);
        return Ok(Value::Object(wrapped));
    }
    if tag.starts_with("!!") {
        return Ok(value);
    }
    Err(error(format!("unknown tag !{tag}"), at))
}

/// A scalar's value: plain scalars typed by the core schema, the others text.
fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    at: Position,
) -> Result<Value, SyntaxError> {
    match tag {
        Some("!!str") => return Ok(Value::String(text.to_string())),
        Some("!!null") => return Ok(Value::Null),
        Some("!!bool" | "!!int" | "!!float") => {
            let typed = plain(text);
            return if typed.is_string() {
                Err(error(format!("'{text}' is not a {}", tag.unwrap_or_default()), at))
            } else {
                Ok(typed)
            };
        }
        _ => {}
    }
    if style != ScalarStyle::Plain || tag.is_some_and(is_short_form) {
        return Ok(Value::String(text.to_string()));
    }
    Ok(plain(text))
}

/// The YAML 1.2 core schema's resolution of a plain scalar. Infinities and NaN, which JSON
/// cannot hold, stay text.
fn plain(text: &str) -> Value {
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

/// Where a literal block scalar's content lines are: the line after its `|` header, and their
/// indentation (the explicit indicator, else the first non-empty line's).
fn literal_block(lines: &[&str], span: &Span) -> Option<Block> {
    let header_line = span.start.line();
    let header = lines.get(header_line.checked_sub(1)?)?;
    let after = header.chars().skip(span.start.col()).collect::<String>();
    // The span starts at the scalar's tag or anchor, if any: the header is after the `|`.
    let after = after.get(after.find('|')? + 1..)?;
    let explicit = after.chars().find(|c| c.is_ascii_digit()).and_then(|c| c.to_digit(10));
    let parent_indent = header.chars().take_while(|c| *c == ' ').count();
    let indent = match explicit {
        Some(n) => parent_indent + n as usize,
        None => lines
            .iter()
            .skip(header_line)
            .find(|l| !l.trim().is_empty())
            .map(|l| l.chars().take_while(|c| *c == ' ').count())?,
    };
    Some(Block {
        first_line: u32::try_from(header_line + 1).ok()?,
        indent: u32::try_from(indent).ok()?,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(doc: &Document, pointer: &str) -> (u32, u32) {
        let p = doc.map.position(pointer).expect("positioned");
        (p.line, p.column)
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
