//! `.waitForTaskToken` tasks (and activity tasks, see `activities`) nobody answers at once:
//! they wait, as on AWS, for `SendTaskSuccess`, `SendTaskFailure` or `SendTaskHeartbeat` with
//! their task token, until their `TimeoutSeconds` or `HeartbeatSeconds` run out. This module keeps the waiting and its
//! deadlines; completing the task is the Task state's (`states/task.rs`).

use super::frame::{FrameId, Phase, Waiting};
use super::{Execution, ExecutionStatus};
use crate::errors::{names, StatesError};
use crate::tasks::Outcome;
use crate::time;

pub(super) fn await_callback(
    exec: &mut Execution,
    fid: FrameId,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
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
    });
    for at in scheduled {
        exec.schedule(fid, at);
    }
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
    await_callback(exec, fid, timeout, heartbeat);
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
            .filter(|f| {
                f.waiting.as_ref().is_some_and(|w| w.answer.is_none())
                    && matches!(f.phase, Phase::Callback)
            })
            .filter_map(|f| f.task_token.clone().map(|t| (t, f.state.to_string())))
            .collect()
    }

    pub(super) fn waiting_frame(&self, token: &str) -> Result<FrameId, String> {
        if self.status != ExecutionStatus::Running {
            return Err("TaskTimedOut: the execution is not running".into());
        }
        self.frames
            .iter()
            .position(|f| {
                f.waiting.as_ref().is_some_and(|w| w.answer.is_none())
                    && matches!(f.phase, Phase::Callback)
                    && f.task_token.as_deref() == Some(token)
            })
            .ok_or_else(|| format!("TaskDoesNotExist: no task is waiting for the token '{token}'"))
    }

    /// `SendTaskHeartbeat`: the waiting task's `HeartbeatSeconds` start again.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), String> {
        let fid = self.waiting_frame(token)?;
        if self.activities.is_pending(fid) {
            // An activity task's worker starts it: its timeouts start now.
            super::activities::start(self, fid, None);
            return Ok(());
        }
        let now = self.clock;
        let next = self.frames[fid].waiting.as_mut().and_then(|w| {
            w.heartbeat_deadline = w.heartbeat_ms.map(|h| time::after_millis(now, h));
            w.scheduled.extend(w.heartbeat_deadline);
            w.heartbeat_deadline
        });
        if let Some(at) = next {
            self.schedule(fid, at);
        }
        Ok(())
    }
}
