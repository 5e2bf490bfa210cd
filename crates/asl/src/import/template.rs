//! CloudFormation / SAM templates: find the state machines, extract one's definition, and
//! resolve the intrinsic functions and `DefinitionSubstitutions` in it where the template
//! itself says what they are.
//!
//! What is known only once a stack is deployed (a function's ARN, a queue's URL) gets a
//! stand-in shaped like the real thing (`arn:aws:lambda:us-east-1:123456789012:function:
//! MyFunction` for `MyFunction.Arn` when `MyFunction` is a Lambda function of the template)
//! and an [`UNRESOLVED_REFERENCE`](super::UNRESOLVED_REFERENCE) warning at the place it was
//! used. Pseudo parameters get documented stand-ins silently; `Ref` to a parameter uses its
//! `Default`.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::origin::{json_literal, Origin, Text};
use super::{
    locate, parse_document, Document, Format, ImportError, Imported, Options, Relocation,
    UNRESOLVED_REFERENCE,
};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{escape_token, Position};

/// The region pseudo parameters and stand-in ARNs use (the tutorial's region).
pub const STAND_IN_REGION: &str = "us-east-1";
/// The account id pseudo parameters and stand-in ARNs use (the tutorial's account).
pub const STAND_IN_ACCOUNT: &str = "123456789012";
/// The stack name stand-in (`AWS::StackName`).
const STAND_IN_STACK: &str = "stepwise";

/// The resource types that are state machines.
const STATE_MACHINE_TYPES: &[&str] =
    &["AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"];

/// How deeply intrinsic functions may nest inside each other (the document's own depth is
/// already bounded; this bounds the resolver's recursion whatever the input).
const MAX_RESOLVE_DEPTH: usize = 300;

/// Whether a document is a template rather than a definition.
pub(super) fn is_template(value: &Value) -> bool {
    let Some(top) = value.as_object() else { return false };
    if top.contains_key("States") || top.contains_key("StartAt") {
        return false;
    }
    top.get("Resources").is_some_and(Value::is_object)
        || top.contains_key("AWSTemplateFormatVersion")
}

fn resources(doc: &Document) -> Option<&Map<String, Value>> {
    doc.value.get("Resources").and_then(Value::as_object)
}

/// The logical ids of the template's state machines, in the file's order.
fn state_machines(doc: &Document) -> Vec<String> {
    resources(doc)
        .map(|r| {
            r.iter()
                .filter(|(_, res)| {
                    res.get("Type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| STATE_MACHINE_TYPES.contains(&t))
                })
                .map(|(id, _)| id.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn template_error(doc: &Document, message: String, pointer: &str) -> ImportError {
    ImportError::Template(locate(
        Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, message, pointer.to_string()),
        doc.map.position(pointer),
    ))
}

/// Extracts the chosen (or only) state machine's definition.
pub(super) fn extract(
    source: &str,
    doc: &Document,
    options: &Options,
) -> Result<Imported, ImportError> {
    let ids = state_machines(doc);
    let id = match (options.state_machine, ids.as_slice()) {
        (Some(asked), _) if ids.iter().any(|i| i == asked) => asked.to_string(),
        (Some(asked), _) => {
            return Err(ImportError::UnknownStateMachine {
                asked: asked.into(),
                state_machines: ids,
            })
        }
        (None, [only]) => only.clone(),
        (None, []) => {
            return Err(template_error(
                doc,
                format!(
                    "The template has no state machine (no resource of type {})",
                    STATE_MACHINE_TYPES.join(" or ")
                ),
                "/Resources",
            ))
        }
        (None, _) => return Err(ImportError::Ambiguous { state_machines: ids }),
    };
    let base = format!("/Resources/{}/Properties", escape_token(&id));
    let properties = doc.value.pointer(&base).and_then(Value::as_object).ok_or_else(|| {
        template_error(doc, format!("The state machine {id} has no Properties"), &base)
    })?;
    let mut resolver = Resolver::new(source, doc);
    resolver.substitutions(
        properties.get("DefinitionSubstitutions"),
        &format!("{base}/DefinitionSubstitutions"),
    );

    let mut imported = Imported {
        definition: String::new(),
        format: doc.format,
        template: true,
        state_machines: ids,
        state_machine: Some(id.clone()),
        definition_file: None,
        warnings: Vec::new(),
        relocation: Relocation::None,
    };
    if let Some(definition) = properties.get("Definition").filter(|d| d.is_object()) {
        let pointer = format!("{base}/Definition");
        let value = resolver.value(definition, &pointer, 0);
        imported.definition = serde_json::to_string_pretty(&value).unwrap_or_default();
        imported.relocation = Relocation::Pointers { map: doc.map.clone(), prefix: pointer };
    } else if let Some((key, value)) =
        ["DefinitionString", "Definition"].iter().find_map(|k| properties.get(*k).map(|v| (*k, v)))
    {
        let pointer = format!("{base}/{key}");
        let text = resolver.text(value, &pointer, 0);
        let text = resolver.substitute(&text, &pointer);
        imported.definition = text.text.clone();
        imported.relocation = Relocation::Text(text);
    } else if let Some(uri) = properties.get("DefinitionUri") {
        let pointer = format!("{base}/DefinitionUri");
        let path = match uri.as_str() {
            Some(p) if !p.starts_with("s3://") => p,
            _ => {
                return Err(template_error(
                    doc,
                    format!("The definition of {id} is in Amazon S3 (DefinitionUri), which Stepwise cannot read: give the definition file or put it in Definition"),
                    &pointer,
                ))
            }
        };
        let Some(read) = options.read_file else {
            return Err(template_error(
                doc,
                format!("The definition of {id} is in another file (DefinitionUri: {path}), which the page cannot read: open that file, or put the definition in the template's Definition"),
                &pointer,
            ));
        };
        let text = read(path).map_err(|e| {
            template_error(doc, format!("Cannot read DefinitionUri {path}: {e}"), &pointer)
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        let file = parse_document(&text).map_err(|error| {
            let format = if super::is_json(&text) { Format::Json } else { Format::Yaml };
            let mut d = ImportError::Syntax { format, error }.diagnostic();
            d.message = format!("{path}: {}", d.message);
            ImportError::Template(d)
        })?;
        // Positions from here on are in the definition's own file.
        let mut file_resolver = Resolver::new(&text, &file);
        file_resolver.substitutions = resolver.substitutions.clone();
        file_resolver.resources = resolver.resources.clone();
        let value = file_resolver.value_substituted(&file.value, "");
        resolver.warnings.append(&mut file_resolver.warnings);
        imported.definition = serde_json::to_string_pretty(&value).unwrap_or_default();
        imported.relocation = Relocation::Pointers { map: file.map.clone(), prefix: String::new() };
        imported.definition_file = Some(path.to_string());
    } else if properties.contains_key("DefinitionS3Location") {
        return Err(template_error(
            doc,
            format!("The definition of {id} is in Amazon S3 (DefinitionS3Location), which Stepwise cannot read: put it in Definition or DefinitionString"),
            &format!("{base}/DefinitionS3Location"),
        ));
    } else {
        return Err(template_error(
            doc,
            format!("The state machine {id} has no Definition, DefinitionString or DefinitionUri"),
            &base,
        ));
    }
    imported.warnings = resolver.warnings;
    Ok(imported)
}

/// One `DefinitionSubstitutions` entry, resolved.
#[derive(Debug, Clone)]
struct Substitution {
    key: String,
    value: String,
    /// Why the value is a stand-in, said where the substitution is used.
    notes: Vec<String>,
}

/// Resolves intrinsic functions against one template.
struct Resolver<'a> {
    source: &'a str,
    doc: &'a Document,
    /// The template's resources by logical id: their types.
    resources: Arc<Vec<(String, String)>>,
    parameters: Option<&'a Map<String, Value>>,
    mappings: Option<&'a Map<String, Value>>,
    substitutions: Vec<Substitution>,
    warnings: Vec<Diagnostic>,
    /// While resolving a substitution's value, why it is a stand-in (said where it is used).
    deferred: Option<Vec<String>>,
}

impl<'a> Resolver<'a> {
    fn new(source: &'a str, doc: &'a Document) -> Resolver<'a> {
        let resources = resources(doc)
            .map(|r| {
                r.iter()
                    .map(|(id, res)| {
                        (
                            id.clone(),
                            res.get("Type").and_then(Value::as_str).unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Resolver {
            source,
            doc,
            resources: Arc::new(resources),
            parameters: doc.value.get("Parameters").and_then(Value::as_object),
            mappings: doc.value.get("Mappings").and_then(Value::as_object),
            substitutions: Vec::new(),
            warnings: Vec::new(),
            deferred: None,
        }
    }

    fn position(&self, pointer: &str) -> Position {
        self.doc.map.position(pointer).unwrap_or(Position { line: 1, column: 1 })
    }

    /// Says why a value is a stand-in: a warning at `pointer` (or, inside a substitution's
    /// value, a note for where the substitution is used).
    fn warn(&mut self, message: String, pointer: &str, at: Position) {
        match &mut self.deferred {
            Some(notes) => notes.push(message),
            None => self.warnings.push(locate(
                Diagnostic::warning(UNRESOLVED_REFERENCE, message, pointer.to_string()),
                Some(at),
            )),
        }
    }

    fn substitutions(&mut self, value: Option<&Value>, pointer: &str) {
        let Some(entries) = value.and_then(Value::as_object) else { return };
        for (key, value) in entries {
            self.deferred = Some(Vec::new());
            let text = self.text(value, &format!("{pointer}/{}", escape_token(key)), 0);
            let notes = self.deferred.take().unwrap_or_default();
            self.substitutions.push(Substitution { key: key.clone(), value: text.text, notes });
        }
    }

    /// Where the text of the string at `pointer` comes from.
    fn origin(&self, pointer: &str) -> Origin {
        let at = self.position(pointer);
        if let Some(block) = self.doc.blocks.get(pointer) {
            return Origin::Block {
                at: Position { line: block.first_line, column: block.indent.saturating_add(1) },
                indent: block.indent,
            };
        }
        if self.doc.format == Format::Json {
            if let Some((at, raw)) = json_literal(self.source, at) {
                return Origin::Json { at, raw };
            }
        }
        Origin::Fixed(at)
    }

    /// A value of the definition with its intrinsic functions and substitutions resolved.
    fn value(&mut self, value: &Value, pointer: &str, depth: usize) -> Value {
        if depth > MAX_RESOLVE_DEPTH {
            return Value::Null;
        }
        if let Some(_intrinsic) = intrinsic(value) {
            let text = self.text(value, pointer, depth + 1);
            return Value::String(self.substitute(&text, pointer).text);
        }
        match value {
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            self.value(v, &format!("{pointer}/{}", escape_token(k)), depth + 1),
                        )
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.value(v, &format!("{pointer}/{i}"), depth + 1))
                    .collect(),
            ),
            Value::String(s) if s.contains("${") => {
                let text = Text::new(s, Origin::Fixed(self.position(pointer)));
                Value::String(self.substitute(&text, pointer).text)
            }
            other => other.clone(),
        }
    }

    /// A definition file's value with `DefinitionSubstitutions` applied (no intrinsics: a
    /// `DefinitionUri` file is not part of the template).
    fn value_substituted(&mut self, value: &Value, pointer: &str) -> Value {
        // Walk with an explicit stack of (pointer, value) for the strings to replace.
        let mut out = value.clone();
        let mut pending = vec![pointer.to_string()];
        while let Some(p) = pending.pop() {
            let Some(v) = out.pointer_mut(&p) else { continue };
            match v {
                Value::Object(m) => {
                    pending.extend(m.keys().map(|k| format!("{p}/{}", escape_token(k))))
                }
                Value::Array(a) => pending.extend((0..a.len()).map(|i| format!("{p}/{i}"))),
                Value::String(s) if s.contains("${") => {
                    let text = Text::new(s, Origin::Fixed(self.position(&p)));
                    let replaced = self.substitute(&text, &p).text;
                    if let Some(slot) = out.pointer_mut(&p) {
                        *slot = Value::String(replaced);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// A value that must become text (a `DefinitionString`, an intrinsic's argument).
    fn text(&mut self, value: &Value, pointer: &str, depth: usize) -> Text {
        let at = self.position(pointer);
        if depth > MAX_RESOLVE_DEPTH {
            return Text::new("", Origin::Fixed(at));
        }
        match value {
            Value::String(s) => return Text::new(s, self.origin(pointer)),
            Value::Number(_) | Value::Bool(_) => {
                return Text::new(&value.to_string(), Origin::Fixed(at))
            }
            _ => {}
        }
        let Some((name, argument)) = intrinsic(value) else {
            let placeholder = placeholder("value");
            self.warn(
                format!("A text was expected here; Stepwise put the stand-in {placeholder} in its place"),
                pointer,
                at,
            );
            return Text::new(&placeholder, Origin::Fixed(at));
        };
        let inner = format!("{pointer}/{}", escape_token(name));
        match name {
            "Ref" => {
                let target = argument.as_str().unwrap_or_default();
                let (value, note) = self.reference(target);
                if let Some(note) = note {
                    self.warn(note, &inner, at);
                }
                Text::new(&value, Origin::Fixed(at))
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match argument {
                    Value::Array(parts) => (
                        parts.first().and_then(Value::as_str).unwrap_or_default().to_string(),
                        parts.get(1).and_then(Value::as_str).unwrap_or_default().to_string(),
                    ),
                    Value::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => (s.clone(), String::new()),
                    },
                    _ => Default::default(),
                };
                let (value, note) = self.attribute(&resource, &attribute);
                self.warn(note, &inner, at);
                Text::new(&value, Origin::Fixed(at))
            }
            "Fn::Sub" => {
                let (template, template_pointer, variables) = match argument {
                    Value::Array(parts) => (
                        parts.first().unwrap_or(&Value::Null),
                        format!("{inner}/0"),
                        parts.get(1).and_then(Value::as_object),
                    ),
                    other => (other, inner.clone(), None),
                };
                let base = self.text(template, &template_pointer, depth + 1);
                self.sub(&base, variables, &inner, depth)
            }
            "Fn::Join" => {
                let delimiter =
                    argument.get(0).and_then(Value::as_str).unwrap_or_default().to_string();
                let mut out = Text::default();
                match argument.get(1) {
                    Some(Value::Array(parts)) => {
                        for (i, part) in parts.iter().enumerate() {
                            if i > 0 {
                                out.push(&delimiter, Origin::Fixed(at));
                            }
                            let part = self.text(part, &format!("{inner}/1/{i}"), depth + 1);
                            out.append(part);
                        }
                    }
                    Some(list) => {
                        let items = self.list(list, &format!("{inner}/1"), depth + 1);
                        out.push(&items.join(&delimiter), Origin::Fixed(at));
                    }
                    None => {}
                }
                out
            }
            "Fn::Select" => {
                let index = match argument.get(0) {
                    Some(Value::Number(n)) => n.as_u64(),
                    Some(Value::String(s)) => s.parse().ok(),
                    _ => None,
                };
                let list_pointer = format!("{inner}/1");
                let chosen = match (index, argument.get(1)) {
                    (Some(i), Some(Value::Array(items))) => {
                        let i = usize::try_from(i).unwrap_or(usize::MAX);
                        items
                            .get(i)
                            .map(|item| self.text(item, &format!("{list_pointer}/{i}"), depth + 1))
                    }
                    (Some(i), Some(list)) => {
                        let items = self.list(list, &list_pointer, depth + 1);
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .map(|s| Text::new(&s, Origin::Fixed(at)))
                    }
                    _ => None,
                };
                chosen.unwrap_or_else(|| self.unresolved(name, &inner, at))
            }
            "Fn::FindInMap" => {
                let keys: Vec<String> = (0..3)
                    .map(|i| {
                        argument
                            .get(i)
                            .map(|k| self.text(k, &format!("{inner}/{i}"), depth + 1).text)
                            .unwrap_or_default()
                    })
                    .collect();
                let found = self
                    .mappings
                    .and_then(|m| m.get(&keys[0]))
                    .and_then(|m| m.get(&keys[1]))
                    .and_then(|m| m.get(&keys[2]))
                    .cloned();
                match found {
                    Some(Value::String(s)) => Text::new(&s, Origin::Fixed(at)),
                    Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                        Text::new(&v.to_string(), Origin::Fixed(at))
                    }
                    Some(Value::Array(items)) => Text::new(
                        &items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
                        Origin::Fixed(at),
                    ),
                    _ => self.unresolved(name, &inner, at),
                }
            }
            "Fn::Base64" => {
                use base64::Engine;
                let plain = self.text(argument, &inner, depth + 1);
                Text::new(
                    &base64::engine::general_purpose::STANDARD.encode(plain.text),
                    Origin::Fixed(at),
                )
            }
            "Fn::ToJsonString" => {
                let resolved = self.value(argument, &inner, depth + 1);
                Text::new(&resolved.to_string(), Origin::Fixed(at))
            }
            _ => self.unresolved(name, &inner, at),
        }
    }

    /// An intrinsic function Stepwise does not evaluate (`Fn::If`, `Fn::ImportValue`, …).
    fn unresolved(&mut self, name: &str, pointer: &str, at: Position) -> Text {
        let placeholder = placeholder(name);
        self.warn(
            format!(
                "{name} is not resolved by Stepwise; the stand-in {placeholder} is in its place"
            ),
            pointer,
            at,
        );
        Text::new(&placeholder, Origin::Fixed(at))
    }

    /// A list argument (`Fn::Split`, `Fn::GetAZs`, a parameter's comma-separated list).
    fn list(&mut self, value: &Value, pointer: &str, depth: usize) -> Vec<String> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| self.text(v, &format!("{pointer}/{i}"), depth + 1).text)
                .collect(),
            _ => match intrinsic(value) {
                Some(("Fn::Split", argument)) => {
                    let delimiter =
                        argument.get(0).and_then(Value::as_str).unwrap_or(",").to_string();
                    let whole = argument
                        .get(1)
                        .map(|v| self.text(v, &format!("{pointer}/Fn::Split/1"), depth + 1).text)
                        .unwrap_or_default();
                    if delimiter.is_empty() {
                        vec![whole]
                    } else {
                        whole.split(delimiter.as_str()).map(str::to_string).collect()
                    }
                }
                Some(("Fn::GetAZs", _)) => {
                    ["a", "b", "c"].iter().map(|z| format!("{STAND_IN_REGION}{z}")).collect()
                }
                _ => {
                    let text = self.text(value, pointer, depth + 1).text;
                    text.split(',').map(str::to_string).collect()
                }
            },
        }
    }

    /// `Fn::Sub`: `${Name}`, `${Resource.Attribute}`, `${!Literal}`.
    fn sub(
        &mut self,
        base: &Text,
        variables: Option<&Map<String, Value>>,
        pointer: &str,
        depth: usize,
    ) -> Text {
        let variables_pointer = format!("{pointer}/1");
        let mut out = Text::default();
        let s = base.text.clone();
        let mut at = 0usize;
        while let Some(found) = s.get(at..).and_then(|r| r.find("${")) {
            let start = at + found;
            let Some(close) = s.get(start..).and_then(|r| r.find('}')) else { break };
            let end = start + close;
            let name = s.get(start + 2..end).unwrap_or_default().trim();
            out.push_slice(base, at, start);
            let place = base.origin_at(start).position();
            if let Some(literal) = name.strip_prefix('!') {
                out.push(&format!("${{{literal}}}"), Origin::Fixed(place));
            } else if let Some((key, value)) = variables.and_then(|v| v.get_key_value(name)) {
                let resolved = self.text(
                    value,
                    &format!("{variables_pointer}/{}", escape_token(key)),
                    depth + 1,
                );
                out.push(&resolved.text, Origin::Fixed(place));
            } else {
                let (value, note) = match name.split_once('.') {
                    Some((resource, attribute)) if !name.starts_with("AWS::") => {
                        let (v, n) = self.attribute(resource, attribute);
                        (v, Some(n))
                    }
                    _ => match self.substitutions.iter().find(|sub| sub.key == name) {
                        Some(sub) if !self.is_template_name(name) => (sub.value.clone(), None),
                        _ => self.reference(name),
                    },
                };
                if let Some(note) = note {
                    self.warn(note, pointer, place);
                }
                out.push(&value, Origin::Fixed(place));
            }
            at = end + 1;
        }
        out.push_slice(base, at, s.len());
        out
    }

    fn is_template_name(&self, name: &str) -> bool {
        self.resources.iter().any(|(id, _)| id == name)
            || self.parameters.is_some_and(|p| p.contains_key(name))
            || name.starts_with("AWS::")
    }

    /// Step Functions' `DefinitionSubstitutions`: `${key}` replaced by the key's value; a
    /// `${…}` no key names gets a stand-in and a warning.
    fn substitute(&mut self, text: &Text, pointer: &str) -> Text {
        if !text.text.contains("${") {
            return text.clone();
        }
        let s = text.text.clone();
        let mut out = Text::default();
        let mut at = 0usize;
        while let Some(found) = s.get(at..).and_then(|r| r.find("${")) {
            let start = at + found;
            let Some(close) = s.get(start..).and_then(|r| r.find('}')) else { break };
            let end = start + close;
            let key = s.get(start + 2..end).unwrap_or_default();
            let plausible = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
            if !plausible {
                out.push_slice(text, at, end + 1);
                at = end + 1;
                continue;
            }
            out.push_slice(text, at, start);
            let place = text.origin_at(start).position();
            match self.substitutions.iter().find(|sub| sub.key == key).cloned() {
                Some(sub) => {
                    for note in &sub.notes {
                        let message = format!("${{{key}}} (DefinitionSubstitutions): {note}");
                        self.warnings.push(locate(
                            Diagnostic::warning(UNRESOLVED_REFERENCE, message, pointer),
                            Some(place),
                        ));
                    }
                    out.push(&sub.value, Origin::Fixed(place));
                }
                None => {
                    let (value, _) = match key.split_once('.') {
                        Some((resource, attribute)) => self.attribute(resource, attribute),
                        None => (
                            self.stand_in_ref(key).unwrap_or_else(|| placeholder(key)),
                            String::new(),
                        ),
                    };
                    self.warnings.push(locate(
                        Diagnostic::warning(
                            UNRESOLVED_REFERENCE,
                            format!("${{{key}}} is not in DefinitionSubstitutions, so it is not replaced when deployed; Stepwise put the stand-in {value} in its place"),
                            pointer,
                        ),
                        Some(place),
                    ));
                    out.push(&value, Origin::Fixed(place));
                }
            }
            at = end + 1;
        }
        out.push_slice(text, at, s.len());
        out
    }

    /// `Ref`: a pseudo parameter, a parameter's default, or a resource's stand-in. The second
    /// value says why it is a stand-in (None when resolved).
    fn reference(&self, name: &str) -> (String, Option<String>) {
        if let Some(value) = pseudo_parameter(name) {
            return (value, None);
        }
        if let Some(parameter) = self.parameters.and_then(|p| p.get(name)) {
            return match parameter.get("Default") {
                Some(Value::Array(items)) => {
                    (items.iter().map(scalar_text).collect::<Vec<_>>().join(","), None)
                }
                Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
                    (scalar_text(v), None)
                }
                _ => {
                    let p = placeholder(name);
                    (
                        p.clone(),
                        Some(format!(
                            "the parameter {name} has no Default; Stepwise uses the stand-in {p}"
                        )),
                    )
                }
            };
        }
        match self.stand_in_ref(name) {
            Some(v) => {
                let note = format!("{name} is known only once the stack is deployed; Stepwise uses the stand-in {v}");
                (v, Some(note))
            }
            None => {
                let p = placeholder(name);
                (p.clone(), Some(format!("{name} is not a parameter, resource or pseudo parameter of the template; Stepwise uses the stand-in {p}")))
            }
        }
    }

    /// What `Ref` to a resource of the template stands for.
    fn stand_in_ref(&self, name: &str) -> Option<String> {
        let kind = self.resources.iter().find(|(id, _)| id == name).map(|(_, t)| t.as_str())?;
        Some(stand_in(kind, name, None).unwrap_or_else(|| name.to_string()))
    }

    /// `Fn::GetAtt`: always a stand-in; the note says so.
    fn attribute(&self, resource: &str, attribute: &str) -> (String, String) {
        let kind = self.resources.iter().find(|(id, _)| id == resource).map(|(_, t)| t.as_str());
        let full = format!("{resource}.{attribute}");
        match kind.and_then(|k| stand_in(k, resource, Some(attribute))) {
            Some(v) => {
                let note = format!("{full} is known only once the stack is deployed; Stepwise uses the stand-in {v}");
                (v, note)
            }
            None => {
                let p = placeholder(&full);
                let why = if kind.is_some() {
                    "is known only once the stack is deployed"
                } else {
                    "names no resource of the template"
                };
                let note = format!("{full} {why}; Stepwise uses the stand-in {p}");
                (p, note)
            }
        }
    }
}

/// `{"Ref": …}` or `{"Fn::…": …}`: the function's name and argument.
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let members = value.as_object()?;
    if members.len() != 1 {
        return None;
    }
    let (name, argument) = members.iter().next()?;
    (name == "Ref" || name.starts_with("Fn::")).then_some((name.as_str(), argument))
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The stand-in for something unresolved: ARN-shaped, and naming what it stands for.
fn placeholder(name: &str) -> String {
    format!("arn:aws:stepwise:{STAND_IN_REGION}:{STAND_IN_ACCOUNT}:unresolved:{name}")
}

/// The stand-ins of pseudo parameters (documented in docs/compatibility.md).
fn pseudo_parameter(name: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => STAND_IN_REGION.to_string(),
        "AWS::AccountId" => STAND_IN_ACCOUNT.to_string(),
        "AWS::Partition" => "aws".to_string(),
        "AWS::URLSuffix" => "amazonaws.com".to_string(),
        "AWS::StackName" => STAND_IN_STACK.to_string(),
        "AWS::StackId" => format!(
            "arn:aws:cloudformation:{STAND_IN_REGION}:{STAND_IN_ACCOUNT}:stack/{STAND_IN_STACK}/00000000-0000-0000-0000-000000000000"
        ),
        _ => return None,
    })
}

/// What `Ref` (attribute None) or `Fn::GetAtt` of a resource of type `kind` named `id` would
/// look like once deployed, for the types state machines call; the resource's name is its
/// logical id (mocks and the built-in function match it).
fn stand_in(kind: &str, id: &str, attribute: Option<&str>) -> Option<String> {
    let (r, a) = (STAND_IN_REGION, STAND_IN_ACCOUNT);
    let arn = |service: &str, resource: String| format!("arn:aws:{service}:{r}:{a}:{resource}");
    Some(match (kind, attribute) {
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", None) => id.to_string(),
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", Some("Arn")) => {
            arn("lambda", format!("function:{id}"))
        }
        ("AWS::Lambda::Alias" | "AWS::Lambda::Version", None) => {
            arn("lambda", format!("function:{id}:1"))
        }
        ("AWS::SQS::Queue", None | Some("QueueUrl")) => {
            format!("https://sqs.{r}.amazonaws.com/{a}/{id}")
        }
        ("AWS::SQS::Queue", Some("Arn")) => arn("sqs", id.to_string()),
        ("AWS::SQS::Queue", Some("QueueName")) => id.to_string(),
        ("AWS::SNS::Topic", None | Some("TopicArn")) => arn("sns", id.to_string()),
        ("AWS::SNS::Topic", Some("TopicName")) => id.to_string(),
        ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", None) => id.to_string(),
        ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", Some("Arn")) => {
            arn("dynamodb", format!("table/{id}"))
        }
        (
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine",
            None | Some("Arn"),
        ) => arn("states", format!("stateMachine:{id}")),
        ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", Some("Name")) => {
            id.to_string()
        }
        ("AWS::StepFunctions::Activity", None | Some("Arn")) => {
            arn("states", format!("activity:{id}"))
        }
        ("AWS::S3::Bucket", None) => id.to_lowercase(),
        ("AWS::S3::Bucket", Some("Arn")) => format!("arn:aws:s3:::{}", id.to_lowercase()),
        ("AWS::Events::EventBus", None | Some("Name")) => id.to_string(),
        ("AWS::Events::EventBus", Some("Arn")) => arn("events", format!("event-bus/{id}")),
        ("AWS::IAM::Role", None) => id.to_string(),
        ("AWS::IAM::Role", Some("Arn")) => format!("arn:aws:iam::{a}:role/{id}"),
        ("AWS::ECS::Cluster", Some("Arn")) => arn("ecs", format!("cluster/{id}")),
        ("AWS::ECS::TaskDefinition", None) => arn("ecs", format!("task-definition/{id}:1")),
        _ => return None,
    })
}
