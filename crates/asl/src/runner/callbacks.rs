//! Tasks that wait for a callback (`.waitForTaskToken`, a `.sync` task that hands its token
//! out, an Activity nobody answers): they wait, as on AWS, for `SendTaskSuccess`,
//! `SendTaskFailure` or `SendTaskHeartbeat` with their task token, until their
//! `TimeoutSeconds` or `HeartbeatSeconds` run out on the virtual clock.
//!
//! This module keeps the waiting and its deadlines, the tokens handed out (so that a call
//! with a token gets the error AWS gives: `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`,
//! `InvalidOutput`, or a `ValidationException` for a field over its length), and the calls
//! themselves; completing the task is the Task state's (`states/task.rs`), which records the
//! events AWS records (`TaskSucceeded` / `TaskFailed`, their Lambda and Activity forms).
//!
//! Tokens are generated, so a script of callbacks (`runner::callback_script`) names a waiting
//! task by its state name and *occurrence*: the how-manieth time (from 0) a task of that name
//! started waiting for a callback in this execution.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::frame::{Frame, FrameId, Phase, Waiting};
use super::states::task::answer_callback;
use super::{Execution, MAX_PAYLOAD_BYTES};
use crate::errors::{names, StatesError};
use crate::history::json_text;
use crate::tasks::Outcome;
use crate::time;

/// The longest task token the SendTask… calls accept (characters).
pub const MAX_TOKEN_CHARS: usize = 2048;
/// The longest `error` of `SendTaskFailure` (characters).
pub const MAX_ERROR_CHARS: usize = 256;
/// The longest `cause` of `SendTaskFailure` (characters).
pub const MAX_CAUSE_CHARS: usize = 32_768;
/// The longest `output` of `SendTaskSuccess`: 256 KiB of UTF-8, the payload quota.
pub const MAX_OUTPUT_BYTES: usize = MAX_PAYLOAD_BYTES;

/// The exceptions AWS's SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackErrorKind {
    /// A field breaks its length constraint.
    ValidationException,
    /// The token is not a task token at all.
    InvalidToken,
    /// The token has the shape of a task token, but no task of this execution was given it.
    TaskDoesNotExist,
    /// The task of that token is closed: answered, timed out, or its execution has ended.
    TaskTimedOut,
    /// `SendTaskSuccess`'s output is not JSON.
    InvalidOutput,
}

impl CallbackErrorKind {
    /// AWS's exception name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackErrorKind::ValidationException => "ValidationException",
            CallbackErrorKind::InvalidToken => "InvalidToken",
            CallbackErrorKind::TaskDoesNotExist => "TaskDoesNotExist",
            CallbackErrorKind::TaskTimedOut => "TaskTimedOut",
            CallbackErrorKind::InvalidOutput => "InvalidOutput",
        }
    }
}

/// A refused SendTask… call: AWS's exception and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    pub kind: CallbackErrorKind,
    pub message: String,
}

impl CallbackError {
    fn new(kind: CallbackErrorKind, message: impl Into<String>) -> Self {
        CallbackError { kind, message: message.into() }
    }

    /// AWS's message for a field over its length constraint.
    fn too_long(field: &str, limit: usize) -> Self {
        CallbackError::new(
            CallbackErrorKind::ValidationException,
            format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: \
                 Member must have length less than or equal to {limit}"
            ),
        )
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for CallbackError {}

/// One of the three calls, with its fields as the API takes them (`output` is JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Success { output: String },
    Failure { error: Option<String>, cause: Option<String> },
    Heartbeat,
}

impl Callback {
    /// The API operation's name.
    pub fn operation(&self) -> &'static str {
        match self {
            Callback::Success { .. } => "SendTaskSuccess",
            Callback::Failure { .. } => "SendTaskFailure",
            Callback::Heartbeat => "SendTaskHeartbeat",
        }
    }
}

/// A task waiting for a callback, as the page and scripts see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingTask {
    pub token: String,
    pub state: String,
    /// How many times a task of this state name waited for a callback before this one.
    pub occurrence: u64,
    /// When it started waiting (epoch milliseconds, virtual).
    pub since_ms: i64,
    /// When its `TimeoutSeconds` runs out, if it has one.
    pub timeout_at_ms: Option<i64>,
    /// When its `HeartbeatSeconds` run out unless a heartbeat comes first.
    pub heartbeat_at_ms: Option<i64>,
}

/// The tokens an execution has handed out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry {
    /// Every token generated (`$$.Task.Token`), waited on or not.
    issued: HashSet<String>,
    /// Waits for a callback so far, per state name.
    counts: HashMap<Arc<str>, u64>,
    /// The token of each (state name, occurrence) that waited for a callback.
    by_occurrence: HashMap<(Arc<str>, u64), String>,
}

impl Registry {
    pub(crate) fn issue(&mut self, token: &str) {
        self.issued.insert(token.to_string());
    }
}

/// Whether `token` has the shape of the tokens Stepwise generates (`Execution::task_token`).
fn looks_like_token(token: &str) -> bool {
    token.len() == 35
        && token.starts_with("AQB")
        && token.bytes().skip(3).all(|b| b.is_ascii_hexdigit())
}

/// Whether the frame is a task waiting for a callback (not for a mocked answer).
fn awaits_callback(f: &Frame) -> bool {
    f.waiting.as_ref().is_some_and(|w| w.answer.is_none()) && matches!(f.phase, Phase::Callback)
}

/// The frame waits, with its deadlines scheduled; `occurrence` for a callback wait.
fn begin_wait(
    exec: &mut Execution,
    fid: FrameId,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
    occurrence: Option<u64>,
) {
    let now = exec.clock;
    let deadline = timeout.map(|t| time::after_seconds(now, t));
    let heartbeat_ms = heartbeat.map(time::seconds_to_millis);
    let heartbeat_deadline = heartbeat_ms.map(|h| time::after_millis(now, h));
    let f = &mut exec.frames[fid];
    f.phase = Phase::Callback;
    let scheduled: Vec<i64> = [deadline, heartbeat_deadline].into_iter().flatten().collect();
    f.waiting = Some(Waiting {
        deadline,
        heartbeat_ms,
        heartbeat_deadline,
        answer: None,
        scheduled: scheduled.clone(),
        since: now,
        occurrence,
    });
    for at in scheduled {
        exec.schedule(fid, at);
    }
}

/// The task waits for a callback with its token (`frame.task_token`), counted as the next
/// occurrence of its state name.
pub(super) fn await_callback(
    exec: &mut Execution,
    fid: FrameId,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
) {
    let state = exec.frames[fid].state.clone();
    let count = exec.callbacks.counts.entry(state.clone()).or_insert(0);
    let occurrence = *count;
    *count += 1;
    if let Some(token) = exec.frames[fid].task_token.clone() {
        exec.callbacks.by_occurrence.insert((state, occurrence), token);
    }
    begin_wait(exec, fid, timeout, heartbeat, Some(occurrence));
}

/// A mocked answer with a latency: the task answers `latency_ms` virtual milliseconds from
/// now, unless its `TimeoutSeconds` or `HeartbeatSeconds` run out first (a mock sends no
/// heartbeats).
pub(super) fn await_mock(
    exec: &mut Execution,
    fid: FrameId,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
    latency_ms: u64,
    outcome: Outcome,
) {
    begin_wait(exec, fid, timeout, heartbeat, None);
    let at = time::after_millis(exec.clock, i64::try_from(latency_ms).unwrap_or(i64::MAX));
    if let Some(w) = exec.frames[fid].waiting.as_mut() {
        w.answer = Some((at, outcome));
        w.scheduled.push(at);
    }
    exec.schedule(fid, at);
}

/// What a waiting task's scheduled wake-up brings: its mocked answer if due (an answer due
/// at the same moment as a deadline wins: the latency did not exceed it), else the timeout it
/// has reached, if any.
pub(super) fn due(exec: &Execution, fid: FrameId) -> Option<Outcome> {
    let w = exec.frames[fid].waiting.as_ref()?;
    let now = exec.clock;
    if let Some((at, outcome)) = &w.answer {
        if now >= *at {
            return Some(outcome.clone());
        }
    }
    let error = if w.deadline.is_some_and(|d| now >= d) {
        names::TIMEOUT
    } else if w.heartbeat_deadline.is_some_and(|d| now >= d) {
        names::HEARTBEAT_TIMEOUT
    } else {
        return None;
    };
    Some(Outcome::Failure(StatesError::new(error, "")))
}

/// The task stops waiting (it was answered or timed out) and runs again when completed.
pub(super) fn stop_waiting(exec: &mut Execution, fid: FrameId) {
    super::activities::forget(exec, fid);
    let frame = &mut exec.frames[fid];
    // The wake-ups still queued for this wait (its other deadlines, a mocked answer not yet
    // due) become stale: the scheduler skips them, or they would wake the frame in whatever
    // state it is next in.
    if let Some(w) = frame.waiting.take() {
        frame.stale_wakeups.extend(w.scheduled);
    }
    frame.phase = Phase::Invoke;
}

impl Execution {
    /// Task tokens of the tasks waiting for a callback, with their state names.
    pub fn waiting_task_tokens(&self) -> Vec<(String, String)> {
        self.frames
            .iter()
            .filter(|f| awaits_callback(f))
            .filter_map(|f| f.task_token.clone().map(|t| (t, f.state.to_string())))
            .collect()
    }

    /// The tasks waiting for a callback, in the order they started waiting.
    pub fn waiting_tasks(&self) -> Vec<WaitingTask> {
        let mut tasks: Vec<WaitingTask> = self
            .frames
            .iter()
            .filter(|f| awaits_callback(f))
            .filter_map(|f| {
                let w = f.waiting.as_ref()?;
                Some(WaitingTask {
                    token: f.task_token.clone()?,
                    state: f.state.to_string(),
                    occurrence: w.occurrence.unwrap_or(0),
                    since_ms: w.since,
                    timeout_at_ms: w.deadline,
                    heartbeat_at_ms: w.heartbeat_deadline,
                })
            })
            .collect();
        tasks.sort_by(|a, b| {
            (a.since_ms, &a.state, a.occurrence).cmp(&(b.since_ms, &b.state, b.occurrence))
        });
        tasks
    }

    /// The token given to the `occurrence`-th wait for a callback (from 0) of a task named
    /// `state`, whether it still waits or not.
    pub fn callback_token(&self, state: &str, occurrence: u64) -> Option<&str> {
        self.callbacks.by_occurrence.get(&(Arc::from(state), occurrence)).map(String::as_str)
    }

    /// The earliest `TimeoutSeconds` / `HeartbeatSeconds` deadline of a task waiting for a
    /// callback: what a run that jumps over waits must not jump to while someone could still
    /// answer.
    pub fn next_callback_deadline_ms(&self) -> Option<i64> {
        self.frames
            .iter()
            .filter(|f| awaits_callback(f))
            .filter_map(|f| f.waiting.as_ref())
            .flat_map(|w| [w.deadline, w.heartbeat_deadline])
            .flatten()
            .min()
    }

    /// Whether the next step is a deadline (`TimeoutSeconds`, `HeartbeatSeconds`) of a task
    /// waiting for a callback: a driver that jumps over waits (the page's Instant clock) lets
    /// real time run instead, so that someone can still answer. Cheap: one look at the queue.
    pub fn next_step_is_callback_deadline(&self) -> bool {
        let Some(next) = self.next_wakeup_ms() else { return false };
        let Some(std::cmp::Reverse((at, _, fid))) = self.queue.peek() else { return false };
        *at == next
            && self.frames.get(*fid).is_some_and(|f| {
                awaits_callback(f)
                    && f.waiting.as_ref().is_some_and(|w| {
                        w.deadline == Some(*at) || w.heartbeat_deadline == Some(*at)
                    })
            })
    }

    /// The frame waiting for `token`'s callback, or the exception AWS raises for it.
    fn waiting_frame(&self, token: &str) -> Result<FrameId, CallbackError> {
        let chars = token.chars().count();
        if chars == 0 {
            return Err(CallbackError::new(
                CallbackErrorKind::ValidationException,
                "1 validation error detected: Value at 'taskToken' failed to satisfy \
                 constraint: Member must have length greater than or equal to 1",
            ));
        }
        if chars > MAX_TOKEN_CHARS {
            return Err(CallbackError::too_long("taskToken", MAX_TOKEN_CHARS));
        }
        let found = self
            .frames
            .iter()
            .position(|f| awaits_callback(f) && f.task_token.as_deref() == Some(token));
        match found {
            Some(fid) => Ok(fid),
            None if self.callbacks.issued.contains(token) => Err(CallbackError::new(
                CallbackErrorKind::TaskTimedOut,
                "Task Timed Out: 'Provided task does not exist anymore'",
            )),
            None if looks_like_token(token) => Err(CallbackError::new(
                CallbackErrorKind::TaskDoesNotExist,
                "Task does not exist: no task of this execution was given this token",
            )),
            None => Err(CallbackError::new(CallbackErrorKind::InvalidToken, "Invalid token")),
        }
    }

    /// `SendTaskSuccess`, `SendTaskFailure` or `SendTaskHeartbeat` with `token`, checked as
    /// AWS checks them: the fields' lengths, then the token, then the output's JSON.
    pub fn send_task(&mut self, token: &str, callback: Callback) -> Result<(), CallbackError> {
        match &callback {
            Callback::Success { output } if output.len() > MAX_OUTPUT_BYTES => {
                return Err(CallbackError::too_long("output", MAX_OUTPUT_BYTES));
            }
            Callback::Failure { error: Some(e), .. } if e.chars().count() > MAX_ERROR_CHARS => {
                return Err(CallbackError::too_long("error", MAX_ERROR_CHARS));
            }
            Callback::Failure { cause: Some(c), .. } if c.chars().count() > MAX_CAUSE_CHARS => {
                return Err(CallbackError::too_long("cause", MAX_CAUSE_CHARS));
            }
            _ => {}
        }
        let fid = self.waiting_frame(token)?;
        if self.activities.is_pending(fid) {
            if matches!(callback, Callback::Heartbeat) {
                // An activity task's worker starts it: its timeouts start now.
                super::activities::start(self, fid, None);
                return Ok(());
            }
            super::activities::start_before_answer(self, fid);
            if self.frames[fid].phase_is_done() {
                return Ok(());
            }
        }
        match callback {
            Callback::Success { output } => {
                // serde_json's default nesting limit (128) bounds the parse.
                let value: Value = serde_json::from_str(&output).map_err(|e| {
                    CallbackError::new(
                        CallbackErrorKind::InvalidOutput,
                        format!("Invalid Output: the output is not valid JSON ({e})"),
                    )
                })?;
                answer_callback(self, fid, Outcome::Success(value));
            }
            Callback::Failure { error, cause } => {
                let e = StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default());
                answer_callback(self, fid, Outcome::Failure(e));
            }
            Callback::Heartbeat => self.heartbeat(fid),
        }
        Ok(())
    }

    /// `SendTaskSuccess`: the waiting task returns `output`.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), CallbackError> {
        self.send_task(token, Callback::Success { output: json_text(&output) })
    }

    /// `SendTaskFailure`: the waiting task fails with `error` and `cause` (either may be left
    /// out: AWS then records neither in `TaskFailed`, and a Catch sees them as `null`).
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), CallbackError> {
        self.send_task(token, Callback::Failure { error, cause })
    }

    /// `SendTaskHeartbeat`: the waiting task's `HeartbeatSeconds` start again (AWS records no
    /// event for it).
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), CallbackError> {
        self.send_task(token, Callback::Heartbeat)
    }

    fn heartbeat(&mut self, fid: FrameId) {
        let now = self.clock;
        let next = self.frames[fid].waiting.as_mut().and_then(|w| {
            w.heartbeat_deadline = w.heartbeat_ms.map(|h| time::after_millis(now, h));
            w.scheduled.extend(w.heartbeat_deadline);
            w.heartbeat_deadline
        });
        if let Some(at) = next {
            self.schedule(fid, at);
        }
    }
}
