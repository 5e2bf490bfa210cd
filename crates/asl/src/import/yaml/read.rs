//! The YAML reader proper (feature `yaml`): `saphyr-parser`'s event stream into a JSON value
//! with positions. Builds without the feature (the browser app) read YAML through an installed
//! [`Reader`](super::Reader) instead: the on-demand module `crates/yaml-module` runs this code
//! (docs/decisions/0025-page-weight.md).

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value};

use super::{plain, MAX_NODES};
use crate::import::{Block, Document, Format};
use crate::source::{escape_token, Position, SourceMap, SyntaxError, MAX_DEPTH};

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
