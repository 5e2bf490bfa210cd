//! Pausing an execution: breakpoints, stepping one state, and a pause on request.
//!
//! The runner enters a state only when the scheduler pops that frame's wake-up in
//! [`Phase::Enter`](super::Phase) (`step::advance`), so "before a state" is one well-defined
//! point: the wake-up is popped, the clock moves to its time, and — when a breakpoint names the
//! state, or a step was asked for — the wake-up is put back unchanged (same time, same
//! sequence number, so the same order) and the execution reports a [`Pause`] instead of
//! recording the `…StateEntered` event. Resuming lets exactly that wake-up through once. A run
//! paused and resumed any number of times therefore records the same history, event for
//! event, as the same run never paused.
//!
//! **Stepping rule.** [`Execution::step_state`] runs until the next time *any* frame of the
//! execution is about to enter a state, in the scheduler's deterministic order (virtual time,
//! then the order the wake-ups were scheduled). From a pause before state S, one step records
//! S's `…StateEntered` and everything the scheduler does until the next state entry anywhere:
//! S's own work and `…StateExited` when it finishes at once, a Wait's or a retry's time on the
//! virtual clock, the first state of each Parallel branch or Map iteration in turn (branch 0
//! first, iterations in index order), and the states other branches or iterations reach in
//! between. Map iterations and Parallel branches are therefore stepped one state at a time,
//! interleaved exactly as the run interleaves them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::frame::{FrameId, Phase, Role};
use super::lang::{is_jsonata, states_value};
use super::Execution;
use crate::time::format_millis;

/// Why an execution paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseReason {
    /// A breakpoint names the state about to be entered.
    Breakpoint,
    /// [`Execution::step_state`] asked to stop before the next state.
    Step,
    /// [`Execution::request_pause`] asked to stop at once (the page's "Pause").
    Requested,
}

/// One level of nesting between the top level and a paused state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeStep {
    /// Branch `index` (0-based, in definition order) of the Parallel state `state`.
    Branch { state: String, index: usize },
    /// Iteration `index` of the Map state `state`.
    Iteration { state: String, index: usize },
}

/// Where a paused execution stands, and what the state will see.
#[derive(Debug, Clone, PartialEq)]
pub struct Pause {
    pub reason: PauseReason,
    /// The state about to be entered (or, for a requested pause between a state's steps, the
    /// state the next scheduled step belongs to).
    pub state: String,
    /// `true` when the execution stopped before entering `state` (its `…StateEntered` is not
    /// recorded yet); `false` when a requested pause found the next step inside a state
    /// already entered (a Wait, a retry interval, a Task awaiting its answer).
    pub entering: bool,
    /// The state's input (its raw input, as its `…StateEntered` event records it).
    pub input: Value,
    /// The workflow variables in scope for the state.
    pub variables: Map<String, Value>,
    /// `$$`, the Context object the state will see (`State.EnteredTime` is the pause's time,
    /// `State.RetryCount` 0 when entering).
    pub context: Value,
    /// `$states` (`input` and `context`) for a JSONata state; `None` for JSONPath states,
    /// which have no `$states`.
    pub states: Option<Value>,
    /// The Parallel branches and Map iterations enclosing the state, outermost first (empty at
    /// the top level).
    pub scope: Vec<ScopeStep>,
    /// The virtual time of the pause, milliseconds since the epoch.
    pub at_ms: i64,
}

/// The debugger's settings and state, kept by each [`Execution`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Debugger {
    breakpoints: BTreeSet<String>,
    /// Pause before the next state entry, whichever it is.
    step_pending: bool,
    /// Pause before the next scheduler step.
    pause_requested: bool,
    paused: Option<(Pause, Option<u64>)>,
    /// The sequence number of the wake-up a resume lets through once.
    release: Option<u64>,
}

impl Execution {
    /// Replaces the breakpoints: the names of the states (at any depth: inside Parallel
    /// branches and Map iterations too) before which the execution pauses each time one is
    /// about to be entered. Takes effect from the next scheduler step.
    pub fn set_breakpoints<I, S>(&mut self, states: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.debug.breakpoints = states.into_iter().map(Into::into).collect();
    }

    /// The current breakpoints, sorted.
    pub fn breakpoints(&self) -> impl Iterator<Item = &str> {
        self.debug.breakpoints.iter().map(String::as_str)
    }

    /// Where the execution is paused, if it is. While paused, [`Execution::step`] does
    /// nothing and returns `false`, [`Execution::next_wakeup_ms`] is `None`, and
    /// [`Execution::advance_to`] leaves the virtual clock alone; the status stays RUNNING.
    pub fn paused(&self) -> Option<&Pause> {
        self.debug.paused.as_ref().map(|(p, _)| p)
    }

    /// "Continue": leaves the pause; the execution runs on to the next breakpoint (or its
    /// end) as the caller steps it. Does nothing when not paused.
    pub fn resume(&mut self) {
        if let Some((_, seq)) = self.debug.paused.take() {
            self.debug.release = seq;
        }
    }

    /// "Step": leaves the pause (if paused) and pauses again before the next state entered
    /// anywhere in the execution (the module's stepping rule). When not paused, the running
    /// execution pauses before its next state entry.
    pub fn step_state(&mut self) {
        self.resume();
        self.debug.step_pending = true;
    }

    /// "Pause": pauses before the next scheduler step, wherever the run is (a Wait, a Task
    /// awaiting its answer, between two states). Does nothing once the execution has ended.
    pub fn request_pause(&mut self) {
        if self.status() == super::ExecutionStatus::Running && self.debug.paused.is_none() {
            self.debug.pause_requested = true;
        }
    }

    /// A requested pause, taken at the start of a scheduler step: describes the next queued
    /// wake-up. `true` when the execution paused.
    pub(super) fn take_requested_pause(&mut self) -> bool {
        if !std::mem::take(&mut self.debug.pause_requested) {
            return false;
        }
        let Some((at, seq, fid)) = self.peek_wakeup() else { return false };
        let Some(frame) = self.frames.get(fid) else { return false };
        let entering = matches!(frame.phase, Phase::Enter);
        let pause = self.describe_pause(fid, at.max(self.clock), PauseReason::Requested, entering);
        // Entering a state after a requested pause must not stop again at that same entry.
        self.debug.paused = Some((pause, entering.then_some(seq)));
        true
    }

    /// The hook before a popped wake-up runs: `true` when the execution pauses before the
    /// frame enters its state (the caller puts the wake-up back).
    pub(super) fn pause_before_entry(&mut self, at: i64, seq: u64, fid: FrameId) -> bool {
        if self.debug.release == Some(seq) {
            self.debug.release = None;
            return false;
        }
        let Some(frame) = self.frames.get(fid) else { return false };
        if !matches!(frame.phase, Phase::Enter) {
            return false;
        }
        let reason = if self.debug.step_pending {
            PauseReason::Step
        } else if self.debug.breakpoints.contains(&*frame.state) {
            PauseReason::Breakpoint
        } else {
            return false;
        };
        self.debug.step_pending = false;
        let pause = self.describe_pause(fid, at, reason, true);
        self.debug.paused = Some((pause, Some(seq)));
        true
    }

    /// Forgets any pause (the execution ended or was stopped).
    pub(super) fn clear_pause(&mut self) {
        self.debug.paused = None;
        self.debug.pause_requested = false;
        self.debug.step_pending = false;
        self.debug.release = None;
    }

    fn describe_pause(&self, fid: FrameId, at: i64, reason: PauseReason, entering: bool) -> Pause {
        let frame = &self.frames[fid];
        let input = frame.input.value().clone();
        let mut context = self.full_context(fid);
        if entering && self.one_state.is_none() {
            if let Some(state) = context.get_mut("State").and_then(Value::as_object_mut) {
                state.insert("EnteredTime".into(), Value::String(format_millis(at)));
                state.insert("RetryCount".into(), Value::from(0));
            }
        }
        let states = frame
            .state_def()
            .filter(|s| is_jsonata(s))
            .map(|_| states_value(&input, &context, None, None));
        Pause {
            reason,
            state: frame.state.to_string(),
            entering,
            input,
            variables: (*frame.variables).clone(),
            context,
            states,
            scope: self.scope_of(fid),
            at_ms: at,
        }
    }

    /// The branches and iterations enclosing frame `fid`, outermost first (a loop over the
    /// parent links: children are always created after their parents, so it ends).
    pub(crate) fn scope_of(&self, fid: FrameId) -> Vec<ScopeStep> {
        let mut out = Vec::new();
        let mut at = fid;
        for _ in 0..self.frames.len() {
            let Some(frame) = self.frames.get(at) else { break };
            let (parent, step) = match frame.role {
                Role::Root => break,
                Role::Branch { parent, index } => {
                    let state = self.frames.get(parent).map(|p| p.state.to_string());
                    (parent, ScopeStep::Branch { state: state.unwrap_or_default(), index })
                }
                Role::Iteration { parent, index } => {
                    let state = self.frames.get(parent).map(|p| p.state.to_string());
                    (parent, ScopeStep::Iteration { state: state.unwrap_or_default(), index })
                }
            };
            out.push(step);
            if parent >= at {
                break;
            }
            at = parent;
        }
        out.reverse();
        out
    }
}
