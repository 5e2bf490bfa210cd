//! Quota guardrails judged from a run (decision 0015): what validation cannot know because it
//! depends on the input or on how many times a loop turns.
//!
//! - **A loop heading for the history quota.** A state of the execution's own flow (not inside
//!   a Map iteration, where states repeat once per item) entered at least
//!   [`LOOP_MIN_ITERATIONS`] times is a loop. Its iterations cost about
//!   `(last entry − first entry) / (entries − 1)` events; at that rate the history reaches
//!   AWS's 25,000 events after a number of iterations the warning gives, with how many more
//!   than this run did. One warning per loop, at its first state.
//! - **A history that already used most of the quota**: over 80 % of 25,000 events.
//! - **Values read at run time** (`TimeoutSecondsPath`, `HeartbeatSecondsPath`, `SecondsPath`,
//!   `TimestampPath`, their JSONata forms, and an inline Map's `MaxConcurrencyPath`) that this
//!   run resolved beyond the execution's maximum duration (1 year STANDARD, 5 minutes
//!   EXPRESS) or above 40 concurrent iterations. Task timeouts are read from `TaskScheduled`
//!   (`timeoutInSeconds` / `heartbeatInSeconds`), a Wait's duration from its entered and exited
//!   events; a Map records only its length, so the engine notes a resolved `MaxConcurrency`
//!   while it runs ([`Execution::run_warnings`] adds those).
//!
//! [`from_history`] works on the typed history and the definition alone, so the page computes
//! it from the history its engine worker sends.

use std::collections::{BTreeMap, HashMap};

use super::guardrails::{max_duration, MachineType, INLINE_MAP_MAX_CONCURRENCY, QUOTA_GUARDRAIL};
use crate::definition::{FieldSpec, MapMode, Program, StateKind, StateMachine, Wait};
use crate::diagnostics::Diagnostic;
use crate::history::{Event, HistoryEvent};
use crate::runner::FrameId;
use crate::runner::{Execution, MAX_HISTORY_EVENTS};
use crate::source::escape_token;

/// A state entered this many times by the same flow is a loop.
pub const LOOP_MIN_ITERATIONS: usize = 3;
/// A history longer than this (80 % of AWS's 25,000 events) is warned about.
pub const HISTORY_WARNING_EVENTS: usize = MAX_HISTORY_EVENTS / 5 * 4;

/// What the guardrails need to know of a state.
struct StateInfo<'a> {
    /// JSON pointer of the state object.
    pointer: String,
    state: &'a crate::definition::State,
    /// Inside a Map's item processor (repeats once per item: not a loop).
    in_map: bool,
}

/// The states by name; a name used twice (in different branches) is left out, since history
/// events name states only.
fn index(machine: &StateMachine) -> HashMap<&str, StateInfo<'_>> {
    let mut found: HashMap<&str, StateInfo> = HashMap::new();
    let mut twice: Vec<&str> = Vec::new();
    let mut stack: Vec<(&Program, bool)> = vec![(&machine.program, false)];
    while let Some((program, in_map)) = stack.pop() {
        for (name, state) in &program.states {
            let pointer = format!("{}/States/{}", program.pointer, escape_token(name));
            if found.insert(name, StateInfo { pointer, state, in_map }).is_some() {
                twice.push(name);
            }
            match &state.kind {
                StateKind::Parallel { branches } => {
                    stack.extend(branches.iter().map(|b| (&**b, in_map)));
                }
                StateKind::Map(m) => stack.push((&m.processor, true)),
                _ => {}
            }
        }
    }
    for name in twice {
        found.remove(name);
    }
    found
}

/// The guardrail warnings of a run of `machine` whose history is `history` (finished or not),
/// for a state machine of type `machine_type`. Locations are JSON pointers; see
/// [`locate_in`] for line and column.
pub fn from_history(
    machine: &StateMachine,
    history: &[HistoryEvent],
    machine_type: MachineType,
) -> Vec<Diagnostic> {
    let states = index(machine);
    let mut out = loops(&states, history);
    if history.len() > HISTORY_WARNING_EVENTS {
        out.push(Diagnostic::warning(
            QUOTA_GUARDRAIL,
            format!(
                "This execution's history has {} events, over 80 % of AWS's quota of 25,000 events per execution; an execution that reaches it fails",
                thousands(history.len() as u64)
            ),
            "/",
        ));
    }
    out.extend(resolved_durations(&states, history, machine_type));
    out
}

/// One warning per loop found in the history.
fn loops(states: &HashMap<&str, StateInfo>, history: &[HistoryEvent]) -> Vec<Diagnostic> {
    // Entries per state: (count, first id, last id).
    let mut entries: HashMap<&str, (usize, u64, u64)> = HashMap::new();
    for e in history {
        let (Event::StateEntered { name, .. }, Some(_)) = (&e.event, &e.state_name) else {
            continue;
        };
        if states.get(&**name).is_none_or(|s| s.in_map) {
            continue;
        }
        let slot = entries.entry(&**name).or_insert((0, e.id, e.id));
        slot.0 += 1;
        slot.2 = e.id;
    }
    // (name, entries, first entry id, last entry id, events per iteration).
    let mut candidates: Vec<(&str, usize, u64, u64, u64)> = entries
        .into_iter()
        .filter(|(_, (count, ..))| *count >= LOOP_MIN_ITERATIONS)
        .map(|(name, (count, first, last))| {
            let gaps = u64::try_from(count - 1).unwrap_or(u64::MAX).max(1);
            (name, count, first, last, last.saturating_sub(first).div_ceil(gaps).max(1))
        })
        .collect();
    // The loop's first state first. The other states of the same loop turn at the same rate
    // over the same events (one fewer time for those after the exit test): left out.
    candidates.sort_by_key(|(name, _, first, ..)| (*first, *name));
    let mut kept: Vec<(&str, usize, u64, u64, u64)> = Vec::new();
    for c in candidates {
        let same_loop = kept.iter().any(|k| k.4 == c.4 && k.2 <= c.3 && c.2 <= k.3);
        if !same_loop {
            kept.push(c);
        }
    }
    kept.into_iter()
        .filter_map(|(name, count, first, _, per_iteration)| {
            let info = states.get(name)?;
            let room = (MAX_HISTORY_EVENTS as u64).saturating_sub(first.saturating_sub(1));
            let possible = room / per_iteration;
            let more = possible.saturating_sub(count as u64);
            Some(Diagnostic::warning(
                QUOTA_GUARDRAIL,
                format!(
                    "State '{name}' loops: entered {count} times in this run, about {per_iteration} history events per iteration; at that rate the history reaches AWS's quota of 25,000 events after about {} iterations ({} more than this run), and an execution that reaches it fails",
                    thousands(possible),
                    thousands(more)
                ),
                info.pointer.clone(),
            ))
        })
        .collect()
}

/// Task timeouts and Wait durations read at run time beyond the maximum execution duration,
/// the largest value per field.
fn resolved_durations(
    states: &HashMap<&str, StateInfo>,
    history: &[HistoryEvent],
    machine_type: MachineType,
) -> Vec<Diagnostic> {
    let (max, what) = max_duration(machine_type);
    let mut largest: BTreeMap<String, (u64, &'static str)> = BTreeMap::new();
    let mut note = |location: String, field: &'static str, seconds: u64| {
        if seconds > max {
            let slot = largest.entry(location).or_insert((seconds, field));
            slot.0 = slot.0.max(seconds);
        }
    };
    for e in history {
        let Some(info) = e.state_name.as_deref().and_then(|n| states.get(n)) else { continue };
        match (&e.event, &info.state.kind) {
            (
                Event::TaskScheduled { timeout_seconds, heartbeat_seconds, .. },
                StateKind::Task(t),
            ) => {
                for (spec, value, field) in [
                    (&t.timeout_seconds, timeout_seconds, "TimeoutSeconds"),
                    (&t.heartbeat_seconds, heartbeat_seconds, "HeartbeatSeconds"),
                ] {
                    if let (Some(field), Some(v)) = (dynamic_field(spec, field), value) {
                        note(format!("{}/{}", info.pointer, field.0), field.1, *v);
                    }
                }
            }
            (Event::StateExited { .. }, StateKind::Wait(wait)) => {
                // A Wait records nothing between entering and leaving: the previous event of
                // its exit is its entry.
                let entered = usize::try_from(e.previous_event_id)
                    .ok()
                    .and_then(|id| id.checked_sub(1))
                    .and_then(|i| history.get(i))
                    .filter(|p| matches!(p.event, Event::StateEntered { .. }));
                let Some(entered) = entered else { continue };
                let waited = e.timestamp_ms.saturating_sub(entered.timestamp_ms).max(0) / 1000;
                let field = match wait {
                    Wait::Seconds(spec) => dynamic_field(&Some(spec.clone()), "Seconds"),
                    Wait::Timestamp(FieldSpec::Path(_)) => {
                        Some(("TimestampPath".into(), "TimestampPath"))
                    }
                    Wait::Timestamp(FieldSpec::Expression(_)) => {
                        Some(("Timestamp".into(), "Timestamp"))
                    }
                    Wait::Timestamp(FieldSpec::Literal(_)) => None,
                };
                if let Some(field) = field {
                    note(
                        format!("{}/{}", info.pointer, field.0),
                        field.1,
                        u64::try_from(waited).unwrap_or(0),
                    );
                }
            }
            _ => {}
        }
    }
    largest
        .into_iter()
        .map(|(location, (seconds, field))| {
            Diagnostic::warning(
                QUOTA_GUARDRAIL,
                format!(
                    "{field} resolved to {} seconds in this run, beyond the maximum execution duration, {what} state machine: the execution times out first",
                    thousands(seconds)
                ),
                location,
            )
        })
        .collect()
}

/// The field name as written for a value known only at run time (`TimeoutSecondsPath`, or
/// the JSONata field itself), twice: for the location and for the message; `None` for a
/// literal or an absent field.
fn dynamic_field<T>(
    spec: &Option<FieldSpec<T>>,
    field: &'static str,
) -> Option<(String, &'static str)> {
    match spec {
        Some(FieldSpec::Path(_)) => {
            let path: &'static str = match field {
                "TimeoutSeconds" => "TimeoutSecondsPath",
                "HeartbeatSeconds" => "HeartbeatSecondsPath",
                "Seconds" => "SecondsPath",
                "MaxConcurrency" => "MaxConcurrencyPath",
                _ => field,
            };
            Some((path.to_string(), path))
        }
        Some(FieldSpec::Expression(_)) => Some((field.to_string(), field)),
        _ => None,
    }
}

/// `25000` → `25,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Gives the diagnostics the line and column of their location in the definition `text`.
pub fn locate_in(text: &str, diagnostics: &mut [Diagnostic]) {
    if let Ok((_, map)) = crate::source::parse(text) {
        super::locate(diagnostics, &map);
    }
}

/// Values an inline Map resolved at run time (`MaxConcurrencyPath` or its JSONata form), the
/// largest per field: the history does not record them.
#[derive(Debug, Default)]
pub(crate) struct ResolvedValues {
    max_concurrency: BTreeMap<String, (u64, &'static str)>,
}

/// The runner resolved an inline Map's `MaxConcurrency` from a path or an expression.
pub(crate) fn note_max_concurrency(exec: &mut Execution, fid: FrameId, value: u64) {
    let Some(frame) = exec.frames.get(fid) else { return };
    let Some(state) = frame.state_def() else { return };
    let StateKind::Map(map) = &state.kind else { return };
    if map.mode != MapMode::Inline || value <= INLINE_MAP_MAX_CONCURRENCY {
        return;
    }
    let Some((field, name)) = dynamic_field(&map.max_concurrency, "MaxConcurrency") else {
        return;
    };
    let location =
        format!("{}/States/{}/{field}", frame.program.pointer, escape_token(&state.name));
    let slot = exec.resolved.max_concurrency.entry(location).or_insert((value, name));
    slot.0 = slot.0.max(value);
}

impl Execution {
    /// The quota guardrail warnings of this run so far ([`from_history`], and an inline
    /// Map's `MaxConcurrency` resolved above 40), for a state machine of type `machine_type`.
    pub fn run_warnings(&self, machine_type: MachineType) -> Vec<Diagnostic> {
        let mut out = from_history(self.machine(), self.history(), machine_type);
        for (location, (value, field)) in &self.resolved.max_concurrency {
            out.push(Diagnostic::warning(
                QUOTA_GUARDRAIL,
                format!(
                    "{field} resolved to {value} in this run: AWS runs at most 40 iterations of an inline Map at once (a Distributed Map runs up to 10,000 child executions in parallel)"
                ),
                location.clone(),
            ));
        }
        out
    }
}
