//! AWS's JSON for history events, produced only here, where events leave the engine.
//!
//! One walk over an event's fields ([`details`]) feeds two writers:
//! - `serde::Serialize for HistoryEvent`, in `GetExecutionHistory`'s shape, for callers that
//!   want `serde_json::Value`s (the app) or any serde format;
//! - [`PrettyJson`], which writes the same JSON as `serde_json`'s pretty printer byte for byte,
//!   straight into a buffer with the fixed keys written as they are (no escaping pass, no
//!   formatter layers): the CLI prints whole histories with it.
//!
//! Payloads are written as their JSON text, rendered once however many events show them.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::{ErrorCause, Event, HistoryEvent, Payload, TaskFamily};
use crate::tasks::ResourceKind;

/// Where an event's fields go, one call per field, in AWS's order.
trait Fields {
    type Error;
    fn text(&mut self, key: &'static str, value: &str) -> Result<(), Self::Error>;
    fn number(&mut self, key: &'static str, value: u64) -> Result<(), Self::Error>;
    /// `key: "<payload JSON text>"`, then `<key>Details: {"truncated": false}` when
    /// `details` is given.
    fn payload(
        &mut self,
        key: &'static str,
        details: Option<&'static str>,
        payload: &Payload,
    ) -> Result<(), Self::Error>;
    /// `assignedVariables: {name: "<JSON text>", …}` and its details.
    fn assigned(&mut self, assigned: &[(String, Payload)]) -> Result<(), Self::Error>;
}

/// Events AWS records without a details object.
fn has_details(event: &Event) -> bool {
    !matches!(
        event,
        Event::TaskStarted { family: TaskFamily::Lambda, .. }
            | Event::ParallelStateStarted
            | Event::ParallelStateSucceeded
            | Event::ParallelStateFailed
            | Event::MapStateSucceeded
            | Event::MapStateFailed
            | Event::MapRunSucceeded
            | Event::MapRunFailed(None)
            | Event::MapRunAborted
    )
}

/// The fields of an event's details object, in AWS's order: the one table of what each
/// event type records.
fn details<F: Fields>(event: &Event, f: &mut F) -> Result<(), F::Error> {
    match event {
        Event::ExecutionStarted { input, role_arn } => {
            f.payload("input", Some("inputDetails"), input)?;
            f.text("roleArn", role_arn)
        }
        Event::ExecutionSucceeded { output } => f.payload("output", Some("outputDetails"), output),
        Event::ExecutionFailed(e) | Event::ExecutionAborted(e) | Event::ExecutionTimedOut(e) => {
            error_cause(f, e)
        }
        Event::ExecutionRedriven { redrive_count } => {
            f.number("redriveCount", u64::from(*redrive_count))
        }
        Event::StateEntered { name, input, .. } => {
            f.text("name", name)?;
            f.payload("input", Some("inputDetails"), input)
        }
        Event::StateExited { name, output, assigned_variables, .. } => {
            f.text("name", name)?;
            f.payload("output", Some("outputDetails"), output)?;
            match assigned_variables {
                Some(assigned) => f.assigned(assigned),
                None => Ok(()),
            }
        }
        Event::StateAborted { name, .. } => f.text("name", name),
        Event::TaskScheduled {
            family,
            resource,
            region,
            input,
            timeout_seconds,
            heartbeat_seconds,
        } => {
            if *family == TaskFamily::Service {
                service_ids(f, resource)?;
                f.text("region", region)?;
                f.payload("parameters", None, input)?;
            } else {
                f.text("resource", resource)?;
                f.payload("input", Some("inputDetails"), input)?;
            }
            if let Some(t) = timeout_seconds {
                f.number("timeoutInSeconds", *t)?;
            }
            match (family, heartbeat_seconds) {
                (TaskFamily::Service | TaskFamily::Activity, Some(h)) => {
                    f.number("heartbeatInSeconds", *h)
                }
                _ => Ok(()),
            }
        }
        Event::TaskStarted { family: TaskFamily::Activity, worker_name, .. } => match worker_name {
            Some(name) => f.text("workerName", name),
            None => Ok(()),
        },
        Event::TaskStarted { resource, .. } => service_ids(f, resource),
        Event::TaskSubmitted { resource, output } => {
            service_ids(f, resource)?;
            f.payload("output", Some("outputDetails"), output)
        }
        Event::TaskSucceeded { family, resource, output } => {
            if *family == TaskFamily::Service {
                service_ids(f, resource)?;
            }
            f.payload("output", Some("outputDetails"), output)
        }
        Event::TaskFailed { family, resource, error, cause, .. } => {
            if *family == TaskFamily::Service {
                service_ids(f, resource)?;
            }
            // A task failure without an error name or cause records neither field.
            if !error.is_empty() {
                f.text("error", error)?;
            }
            if cause.is_empty() {
                Ok(())
            } else {
                f.text("cause", cause)
            }
        }
        Event::EvaluationFailed { error, cause, location, state } => {
            f.text("cause", cause)?;
            f.text("error", error)?;
            if let Some(location) = location {
                f.text("location", location)?;
            }
            f.text("state", state)
        }
        Event::MapStateStarted { length } => f.number("length", *length as u64),
        Event::MapIterationStarted { index, name }
        | Event::MapIterationSucceeded { index, name }
        | Event::MapIterationFailed { index, name }
        | Event::MapIterationAborted { index, name } => {
            f.number("index", *index as u64)?;
            f.text("name", name)
        }
        Event::MapRunStarted { map_run_arn } => f.text("mapRunArn", map_run_arn),
        Event::MapRunFailed(Some((error, cause))) => {
            f.text("error", error)?;
            f.text("cause", cause)
        }
        Event::ParallelStateStarted
        | Event::ParallelStateSucceeded
        | Event::ParallelStateFailed
        | Event::MapStateSucceeded
        | Event::MapStateFailed
        | Event::MapRunSucceeded
        | Event::MapRunFailed(None)
        | Event::MapRunAborted => Ok(()),
    }
}

/// `error` and `cause` of an execution-level event (an empty cause is left out).
fn error_cause<F: Fields>(f: &mut F, e: &ErrorCause) -> Result<(), F::Error> {
    if let Some(error) = &e.error {
        f.text("error", error)?;
    }
    match e.cause.as_deref().filter(|c| !c.is_empty()) {
        Some(cause) => f.text("cause", cause),
        None => Ok(()),
    }
}

/// `resourceType` and `resource` of a service integration (`lambda` / `invoke` for
/// `arn:aws:states:::lambda:invoke`).
fn service_ids<F: Fields>(f: &mut F, resource: &str) -> Result<(), F::Error> {
    let (resource_type, name) = ResourceKind::type_and_name(resource);
    f.text("resourceType", &resource_type)?;
    f.text("resource", &name)
}

// ----- serde -----

impl Serialize for HistoryEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let event_type = self.event.event_type();
        let with_details = has_details(&self.event);
        let mut map = serializer.serialize_map(Some(4 + usize::from(with_details)))?;
        map.serialize_entry("timestamp", &crate::time::Millis(self.timestamp_ms))?;
        map.serialize_entry("type", event_type.as_str())?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("previousEventId", &self.previous_event_id)?;
        if with_details {
            map.serialize_entry(event_type.details_key(), &Details(&self.event))?;
        }
        map.end()
    }
}

/// The details object of one event, for serde.
struct Details<'a>(&'a Event);

impl Serialize for Details<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = SerdeFields(serializer.serialize_map(None)?);
        details(self.0, &mut map)?;
        map.0.end()
    }
}

struct SerdeFields<M>(M);

impl<M: SerializeMap> Fields for SerdeFields<M> {
    type Error = M::Error;

    fn text(&mut self, key: &'static str, value: &str) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    fn number(&mut self, key: &'static str, value: u64) -> Result<(), M::Error> {
        self.0.serialize_entry(key, &value)
    }

    fn payload(
        &mut self,
        key: &'static str,
        details: Option<&'static str>,
        payload: &Payload,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, payload.text())?;
        match details {
            Some(details) => self.0.serialize_entry(details, &NotTruncated),
            None => Ok(()),
        }
    }

    fn assigned(&mut self, assigned: &[(String, Payload)]) -> Result<(), M::Error> {
        self.0.serialize_entry("assignedVariables", &Assigned(assigned))?;
        self.0.serialize_entry("assignedVariablesDetails", &NotTruncated)
    }
}

/// `{"truncated": false}`: Stepwise never truncates a payload in its history.
struct NotTruncated;

impl Serialize for NotTruncated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("truncated", &false)?;
        map.end()
    }
}

/// Assigned variables: each name with its value's JSON text.
struct Assigned<'a>(&'a [(String, Payload)]);

impl Serialize for Assigned<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v.text())))
    }
}

// ----- the direct pretty writer -----

/// JSON in `serde_json`'s pretty layout (two spaces per level), written into a byte buffer.
/// Objects are opened with [`PrettyJson::object`] and their entries written with the `entry`
/// methods; [`PrettyJson::end`] closes the innermost open object.
pub struct PrettyJson<'a> {
    out: &'a mut Vec<u8>,
    /// Entries written so far in each open object, innermost last.
    open: Vec<usize>,
    /// Indentation level of the value being written when no object is open.
    base: usize,
}

impl<'a> PrettyJson<'a> {
    /// A writer appending to `out`, whose first value sits at indentation level `base`.
    pub fn new(out: &'a mut Vec<u8>, base: usize) -> PrettyJson<'a> {
        PrettyJson { out, open: Vec::new(), base }
    }

    fn depth(&self) -> usize {
        self.base + self.open.len()
    }

    fn indent(&mut self, level: usize) {
        self.out.resize(self.out.len() + 2 * level, b' ');
    }

    /// Opens an object (as the current entry's value, or at the top).
    pub fn object(&mut self) {
        self.out.push(b'{');
        self.open.push(0);
    }

    /// Closes the innermost object.
    pub fn end(&mut self) {
        let entries = self.open.pop().unwrap_or(0);
        if entries > 0 {
            self.out.push(b'\n');
            self.indent(self.depth());
        }
        self.out.push(b'}');
    }

    /// Starts an entry of the innermost object: `,\n<indent>"key": `.
    pub fn key(&mut self, key: &str) {
        self.entry();
        write_string(self.out, key);
        self.out.extend_from_slice(b": ");
    }

    /// [`key`](Self::key) for the engine's own field names, which need no escaping.
    fn field(&mut self, key: &'static str) {
        debug_assert!(!key.bytes().any(|b| ESCAPE[b as usize]), "{key}");
        self.entry();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// The separator and indentation before an entry of the innermost object.
    fn entry(&mut self) {
        let depth = self.depth();
        if let Some(entries) = self.open.last_mut() {
            if *entries > 0 {
                self.out.push(b',');
            }
            *entries += 1;
        }
        self.out.push(b'\n');
        self.indent(depth);
    }

    pub fn string(&mut self, value: &str) {
        write_string(self.out, value);
    }

    pub fn number(&mut self, value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = value;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    /// Any JSON value, laid out as `serde_json::to_writer_pretty` does at this depth.
    pub fn value(&mut self, value: &Value) {
        let start = self.out.len();
        if serde_json::to_writer_pretty(&mut *self.out, value).is_err() {
            self.out.truncate(start);
            self.out.extend_from_slice(b"null");
            return;
        }
        let depth = self.depth();
        if depth == 0 || !self.out[start..].contains(&b'\n') {
            return;
        }
        // Indent every line after the first by this depth (newlines only occur between
        // tokens: strings escape theirs).
        let written = self.out.split_off(start);
        for &b in &written {
            self.out.push(b);
            if b == b'\n' {
                self.indent(depth);
            }
        }
    }

    /// One history event as an object.
    pub fn event(&mut self, event: &HistoryEvent) {
        let event_type = event.event.event_type();
        self.object();
        self.field("timestamp");
        match crate::time::Millis(event.timestamp_ms).ascii() {
            Some(ascii) => {
                self.out.push(b'"');
                self.out.extend_from_slice(&ascii);
                self.out.push(b'"');
            }
            None => self.string(&crate::time::format_millis(event.timestamp_ms)),
        }
        self.field("type");
        self.string(event_type.as_str());
        self.field("id");
        self.number(event.id);
        self.field("previousEventId");
        self.number(event.previous_event_id);
        if has_details(&event.event) {
            self.field(event_type.details_key());
            self.object();
            let _ = details(&event.event, self);
            self.end();
        }
        self.end();
    }

    /// A history as an array of events (`[]` when empty).
    pub fn events(&mut self, events: &[HistoryEvent]) {
        if events.is_empty() {
            self.out.extend_from_slice(b"[]");
            return;
        }
        self.out.push(b'[');
        let depth = self.depth() + 1;
        for (i, event) in events.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.push(b'\n');
            self.indent(depth);
            let saved = std::mem::replace(&mut self.base, depth - self.open.len());
            self.event(event);
            self.base = saved;
        }
        self.out.push(b'\n');
        self.indent(depth - 1);
        self.out.push(b']');
    }

    fn not_truncated(&mut self) {
        self.object();
        self.field("truncated");
        self.out.extend_from_slice(b"false");
        self.end();
    }
}

impl Fields for PrettyJson<'_> {
    type Error = std::convert::Infallible;

    fn text(&mut self, key: &'static str, value: &str) -> Result<(), Self::Error> {
        self.field(key);
        self.string(value);
        Ok(())
    }

    fn number(&mut self, key: &'static str, value: u64) -> Result<(), Self::Error> {
        self.field(key);
        PrettyJson::number(self, value);
        Ok(())
    }

    fn payload(
        &mut self,
        key: &'static str,
        details: Option<&'static str>,
        payload: &Payload,
    ) -> Result<(), Self::Error> {
        self.field(key);
        self.string(payload.text());
        if let Some(details) = details {
            self.field(details);
            self.not_truncated();
        }
        Ok(())
    }

    fn assigned(&mut self, assigned: &[(String, Payload)]) -> Result<(), Self::Error> {
        self.field("assignedVariables");
        self.object();
        for (name, value) in assigned {
            self.key(name);
            self.string(value.text());
        }
        self.end();
        self.field("assignedVariablesDetails");
        self.not_truncated();
        Ok(())
    }
}

/// Which bytes need an escape inside a JSON string: `"`, `\` and the control characters.
const fn needs_escape() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
}

static ESCAPE: [bool; 256] = needs_escape();

/// A JSON string literal, escaped as `serde_json` escapes it.
fn write_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPE[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::StateType;
    use serde_json::json;

    fn pretty_event(event: &HistoryEvent, base: usize) -> String {
        let mut out = Vec::new();
        PrettyJson::new(&mut out, base).event(event);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The direct writer's bytes are serde_json's pretty printer's, for every shape of details.
    #[test]
    fn pretty_writer_matches_serde_json() {
        let payload = Payload::new(json!({"q": "a\"b\\c\n\u{1}\u{7f}é", "n": [1, {"x": null}]}));
        let events = [
            Event::ExecutionStarted { input: payload.clone(), role_arn: "arn:role".into() },
            Event::ExecutionFailed(ErrorCause::default()),
            Event::StateExited {
                state_type: StateType::Pass,
                name: "P \"q\"".into(),
                output: payload.clone(),
                assigned_variables: Some(vec![("v".into(), Payload::new(json!({"a": 1})))]),
            },
            Event::TaskScheduled {
                family: TaskFamily::Service,
                resource: "arn:aws:states:::lambda:invoke".into(),
                region: "us-east-1".into(),
                input: payload,
                timeout_seconds: Some(60),
                heartbeat_seconds: Some(u64::MAX),
            },
            Event::TaskStarted {
                family: TaskFamily::Lambda,
                resource: "arn:f".into(),
                worker_name: None,
            },
            Event::TaskStarted {
                family: TaskFamily::Activity,
                resource: "arn:a".into(),
                worker_name: Some("w".into()),
            },
            Event::TaskStarted {
                family: TaskFamily::Activity,
                resource: "arn:a".into(),
                worker_name: None,
            },
            Event::MapIterationFailed { index: 7, name: "M".into() },
        ];
        for (i, event) in events.into_iter().enumerate() {
            let event = HistoryEvent {
                id: i as u64 + 1,
                previous_event_id: i as u64,
                timestamp_ms: 1_704_067_200_123,
                state_name: None,
                resource: None,
                event,
            };
            let expected = serde_json::to_string_pretty(&event).unwrap_or_default();
            assert_eq!(pretty_event(&event, 0), expected);
            // Nested one level down, serde's layout of the same value indented by two.
            let nested =
                serde_json::to_string_pretty(&json!([event.to_aws_json()])).unwrap_or_default();
            let inner = format!("[\n  {}\n]", pretty_event(&event, 1));
            assert_eq!(inner, nested);
        }
    }

    #[test]
    fn strings_escape_every_byte_serde_json_escapes() {
        let mut text = String::new();
        for c in (0u32..0x80).chain([0xe9, 0x2028, 0x1f600]) {
            text.push(char::from_u32(c).unwrap_or('?'));
            text.push_str("abcdefgh");
        }
        for start in 0..9 {
            let s = &text[start..];
            let mut out = Vec::new();
            write_string(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap_or_default(),
                serde_json::to_string(s).unwrap_or_default()
            );
        }
    }

    #[test]
    fn values_are_indented_at_their_depth() {
        let mut out = Vec::new();
        let mut w = PrettyJson::new(&mut out, 0);
        w.object();
        w.key("output");
        w.value(&json!({"a": [1, 2], "b": {}}));
        w.key("error");
        w.value(&Value::Null);
        w.end();
        let expected =
            serde_json::to_string_pretty(&json!({"output": {"a": [1, 2], "b": {}}, "error": null}))
                .unwrap_or_default();
        assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
    }
}
