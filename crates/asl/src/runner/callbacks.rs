//! `.waitForTaskToken` tasks nobody answers at once: they wait, as on AWS, for
//! `SendTaskSuccess`, `SendTaskFailure` or `SendTaskHeartbeat` with their task token, until
//! their `TimeoutSeconds` or `HeartbeatSeconds` run out.

use serde_json::Value;

use super::states::complete_task;
use super::{Execution, ExecutionStatus, FrameId, Phase};
use crate::errors::{names, StatesError};
use crate::tasks::Outcome;
use crate::time;

/// A task waiting for its callback.
#[derive(Debug, Clone)]
pub(crate) struct Waiting {
    pub deadline: Option<i64>,
    pub heartbeat_ms: Option<i64>,
    pub heartbeat_deadline: Option<i64>,
}

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
    f.waiting = Some(Waiting { deadline, heartbeat_ms, heartbeat_deadline });
    for at in [deadline, heartbeat_deadline].into_iter().flatten() {
        exec.schedule(fid, at);
    }
}

/// A scheduled wake-up of a waiting task: time out if a deadline has passed.
pub(super) fn wake(exec: &mut Execution, fid: FrameId) {
    let Some(w) = exec.frames[fid].waiting.clone() else { return };
    let now = exec.clock;
    let error = if w.deadline.is_some_and(|d| now >= d) {
        names::TIMEOUT
    } else if w.heartbeat_deadline.is_some_and(|d| now >= d) {
        names::HEARTBEAT_TIMEOUT
    } else {
        return;
    };
    finish(exec, fid, Outcome::Failure(StatesError::new(error, "")));
}

fn finish(exec: &mut Execution, fid: FrameId, outcome: Outcome) {
    let frame = &mut exec.frames[fid];
    frame.waiting = None;
    frame.phase = Phase::Invoke;
    let program = frame.program.clone();
    let name = frame.state.clone();
    if let Some(state) = program.state(&name) {
        complete_task(exec, fid, state, outcome);
    }
}

impl Execution {
    /// Task tokens of the tasks waiting for a callback, with their state names.
    pub fn waiting_task_tokens(&self) -> Vec<(String, String)> {
        self.frames
            .iter()
            .filter(|f| f.waiting.is_some() && matches!(f.phase, Phase::Callback))
            .filter_map(|f| f.task_token.clone().map(|t| (t, f.state.to_string())))
            .collect()
    }

    fn waiting_frame(&self, token: &str) -> Result<FrameId, String> {
        if self.status != ExecutionStatus::Running {
            return Err("TaskTimedOut: the execution is not running".into());
        }
        self.frames
            .iter()
            .position(|f| {
                f.waiting.is_some()
                    && matches!(f.phase, Phase::Callback)
                    && f.task_token.as_deref() == Some(token)
            })
            .ok_or_else(|| format!("TaskDoesNotExist: no task is waiting for the token '{token}'"))
    }

    /// `SendTaskSuccess`: the waiting task returns `output`.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), String> {
        let fid = self.waiting_frame(token)?;
        finish(self, fid, Outcome::Success(output));
        Ok(())
    }

    /// `SendTaskFailure`: the waiting task fails with `error` and `cause`.
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), String> {
        let fid = self.waiting_frame(token)?;
        let e = StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default());
        finish(self, fid, Outcome::Failure(e));
        Ok(())
    }

    /// `SendTaskHeartbeat`: the waiting task's `HeartbeatSeconds` start again.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), String> {
        let fid = self.waiting_frame(token)?;
        let now = self.clock;
        let next = self.frames[fid].waiting.as_mut().and_then(|w| {
            w.heartbeat_deadline = w.heartbeat_ms.map(|h| time::after_millis(now, h));
            w.heartbeat_deadline
        });
        if let Some(at) = next {
            self.schedule(fid, at);
        }
        Ok(())
    }
}
