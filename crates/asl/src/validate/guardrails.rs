//! Quota guardrails: WARNING diagnostics (never errors, so the definition stays valid, as with
//! AWS's `ValidateStateMachineDefinition` WARNING severity) for literal values that approach or
//! pass one of AWS's quotas, located at the field (decision 0015):
//! - a literal payload (`Result`, the static part of `Parameters` / `Arguments` /
//!   `ItemSelector` / `ResultSelector` / `Output`, `Assign`) over 80 % of 262,144 bytes;
//! - an inline Map's `MaxConcurrency` above 40;
//! - a Wait's `Seconds` or a Task's `TimeoutSeconds` / `HeartbeatSeconds` beyond the execution's
//!   maximum duration (1 year STANDARD, 5 minutes EXPRESS).
//!
//! It reads the definition's JSON (already parsed and checked, so its nesting is bounded) with
//! an explicit stack, no recursion.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;
use crate::runner::MAX_PAYLOAD_BYTES;
use crate::source::escape_token;

/// The code of a guardrail warning (Stepwise's own: AWS's validator has no such check).
pub const QUOTA_GUARDRAIL: &str = "QUOTA_GUARDRAIL";

/// A literal payload over this many bytes (80 % of 256 KiB) is warned about.
pub const PAYLOAD_WARNING_BYTES: usize = MAX_PAYLOAD_BYTES / 5 * 4;
/// AWS's inline Map runs at most 40 iterations at once.
pub const INLINE_MAP_MAX_CONCURRENCY: u64 = 40;
/// A STANDARD execution's maximum duration: one year (365 days).
pub const STANDARD_MAX_SECONDS: u64 = 365 * 24 * 3600;
/// An EXPRESS execution's maximum duration: five minutes.
pub const EXPRESS_MAX_SECONDS: u64 = 300;

/// The execution type the duration checks assume (the validator's: one type for both).
pub use super::rules::MachineType;

/// The guardrail warnings of a definition (`root` is its JSON) for that machine type.
pub fn warnings(root: &Value, machine_type: MachineType) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Map<String, Value>, String)> = Vec::new();
    if let Some(states) = root.get("States").and_then(Value::as_object) {
        stack.push((states, "/States".to_string()));
    }
    while let Some((states, at)) = stack.pop() {
        for (name, state) in states {
            let Some(fields) = state.as_object() else { continue };
            let pointer = format!("{at}/{}", escape_token(name));
            check_state(fields, &pointer, machine_type, &mut out);
            if let Some(branches) = fields.get("Branches").and_then(Value::as_array) {
                for (i, b) in branches.iter().enumerate() {
                    if let Some(s) = b.get("States").and_then(Value::as_object) {
                        stack.push((s, format!("{pointer}/Branches/{i}/States")));
                    }
                }
            }
            for key in ["ItemProcessor", "Iterator"] {
                if let Some(s) =
                    fields.get(key).and_then(|p| p.get("States")).and_then(Value::as_object)
                {
                    stack.push((s, format!("{pointer}/{key}/States")));
                }
            }
        }
    }
    // Document order is friendlier than the stack's.
    out.sort_by(|a, b| a.location.cmp(&b.location));
    out
}

fn check_state(
    fields: &Map<String, Value>,
    pointer: &str,
    machine_type: MachineType,
    out: &mut Vec<Diagnostic>,
) {
    for key in
        ["Result", "Parameters", "Arguments", "ItemSelector", "ResultSelector", "Output", "Assign"]
    {
        let Some(value) = fields.get(key) else { continue };
        let bytes = static_size(value);
        if bytes > PAYLOAD_WARNING_BYTES {
            out.push(Diagnostic::warning(
                QUOTA_GUARDRAIL,
                format!(
                    "The literal {key} is {bytes} bytes, over 80 % of the 262,144-byte (256 KiB) payload quota; a state input, output or variable larger than 262,144 bytes fails with States.DataLimitExceeded"
                ),
                format!("{pointer}/{key}"),
            ));
        }
    }
    let kind = fields.get("Type").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "Map" if !is_distributed(fields) => {
            if let Some(n) = fields.get("MaxConcurrency").and_then(Value::as_u64) {
                if n > INLINE_MAP_MAX_CONCURRENCY {
                    out.push(Diagnostic::warning(
                        QUOTA_GUARDRAIL,
                        format!(
                            "MaxConcurrency {n} is above 40: AWS runs at most 40 iterations of an inline Map at once (a Distributed Map runs up to 10,000 child executions in parallel)"
                        ),
                        format!("{pointer}/MaxConcurrency"),
                    ));
                }
            }
        }
        "Wait" => duration(fields, "Seconds", pointer, machine_type, out),
        "Task" => {
            duration(fields, "TimeoutSeconds", pointer, machine_type, out);
            duration(fields, "HeartbeatSeconds", pointer, machine_type, out);
        }
        _ => {}
    }
}

fn duration(
    fields: &Map<String, Value>,
    key: &str,
    pointer: &str,
    machine_type: MachineType,
    out: &mut Vec<Diagnostic>,
) {
    let Some(seconds) = fields.get(key).and_then(Value::as_u64) else { return };
    let (max, what) = max_duration(machine_type);
    if seconds > max {
        out.push(Diagnostic::warning(
            QUOTA_GUARDRAIL,
            format!(
                "{key} {seconds} is beyond the maximum execution duration, {what} state machine: the execution times out first"
            ),
            format!("{pointer}/{key}"),
        ));
    }
}

/// The maximum execution duration of a machine type, in seconds and as the warnings word it.
pub(super) fn max_duration(machine_type: MachineType) -> (u64, &'static str) {
    match machine_type {
        MachineType::Standard => {
            (STANDARD_MAX_SECONDS, "1 year (31,536,000 seconds) for a STANDARD")
        }
        MachineType::Express => (EXPRESS_MAX_SECONDS, "5 minutes (300 seconds) for an EXPRESS"),
    }
}

fn is_distributed(fields: &Map<String, Value>) -> bool {
    fields
        .get("ItemProcessor")
        .and_then(|p| p.get("ProcessorConfig"))
        .and_then(|c| c.get("Mode"))
        .and_then(Value::as_str)
        == Some("DISTRIBUTED")
}

/// The size in bytes of a template's static part, serialized compactly: the values of `….$`
/// fields and `{% … %}` expressions count for nothing (they are computed at run time).
fn static_size(value: &Value) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                total = total.saturating_add(2 + m.len().saturating_sub(1));
                for (k, v) in m {
                    if k.ends_with(".$") {
                        continue;
                    }
                    total = total.saturating_add(json_len(&Value::String(k.clone())) + 1);
                    stack.push(v);
                }
            }
            Value::Array(a) => {
                total = total.saturating_add(2 + a.len().saturating_sub(1));
                stack.extend(a.iter());
            }
            Value::String(s) if s.trim_start().starts_with("{%") => {}
            scalar => total = total.saturating_add(json_len(scalar)),
        }
    }
    total
}

fn json_len(value: &Value) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

/// Validates definition text as [`super::validate_for_type`] does (the EXPRESS rules, and the
/// duration guardrails of that machine type).
pub fn validate_as(text: &str, machine_type: MachineType) -> crate::diagnostics::Validation {
    super::validate_for_type(text, machine_type)
}

/// The duration guardrails of `machine_type` instead of STANDARD's, among `found`.
pub(super) fn retype(found: &mut Vec<Diagnostic>, text: &str, machine_type: MachineType) {
    if machine_type == MachineType::Standard {
        return;
    }
    if let Ok((value, map)) = crate::source::parse(text) {
        found.retain(|d| d.code != QUOTA_GUARDRAIL);
        let mut typed = warnings(&value, machine_type);
        super::locate(&mut typed, &map);
        found.extend(typed);
    }
}
