//! `RedriveExecution`: restarting an ended, unsuccessful execution from the states that did
//! not succeed, in the same [`Execution`], whose history goes on.
//!
//! AWS's rules (developer guide, "Redriving executions"; API reference, `RedriveExecution`):
//! - only a FAILED, TIMED_OUT or ABORTED execution can be redriven (`ExecutionNotRedrivable`
//!   otherwise), within 14 days of its end, before the execution has been open for a year,
//!   and while its history has fewer than 24,999 events (room for `ExecutionRedriven` and
//!   at least one more event);
//! - the execution continues from the unsuccessful step with the input that step received;
//!   the successful steps are not run again; the definition is the original one;
//! - an Inline Map or Parallel state redrives only the iterations and branches that failed or
//!   were aborted (the results of the others are kept), and a Map's iterations that never
//!   started start then; the same holds for a Distributed Map's child executions (AWS redrives
//!   its Map Run);
//! - the state machine's `TimeoutSeconds` counts again from the redrive;
//! - the history gains `ExecutionRedriven` with `redriveCount`, and `$$.Execution.RedriveCount`
//!   / `$$.Execution.RedriveTime` say how many redrives there were and when the latest was.
//!
//! Which frames restart: the runner keeps every frame after the execution ends. The top-level
//! frame restarts at the state it ended in (a Task that failed, a Wait that was aborted, a
//! Fail state, which then fails again). When that state is a Parallel or Map whose children
//! ended it, the frame resumes waiting for its children, with the children's bookkeeping kept
//! when it failed (`Frame::redrive_memo`): each child frame that did not succeed restarts the
//! same way, at the state it ended in, with that state's input and the variables it had, and
//! so on down. A Task restarts from its `…StateEntered` (retriers start counting again).
//!
//! The outside world may have changed between the attempts (that is what a redrive is for):
//! the request can carry a new mock configuration, and then the mocks' invocation counts start
//! again from 0.

use std::cmp::Reverse;

use super::frame::{Children, FrameId, Phase};
use super::{Execution, ExecutionStatus, MAX_HISTORY_EVENTS, TIMEOUT_FRAME};
use crate::definition::StateKind;
use crate::history::{Event, HistoryEvent};
use crate::tasks::mock_config::MockConfig;

/// The redrivable period after an execution ends: 14 days.
pub const REDRIVABLE_PERIOD_MS: i64 = 14 * 24 * 3_600_000;
/// The longest an execution may be open, redrives included: one year (STANDARD).
pub const MAX_OPEN_MS: i64 = 365 * 24 * 3_600_000;

/// What a redrive may change: when it happens and the answers tasks get.
#[derive(Debug, Clone, Default)]
pub struct RedriveRequest {
    /// The virtual time of the redrive (epoch milliseconds); `None`: the execution's end.
    /// A time before the end is taken as the end.
    pub at_ms: Option<i64>,
    /// A new mock configuration and test case (the world changed since the failed attempt);
    /// `None` keeps the execution's own.
    pub mocks: Option<(Option<MockConfig>, Option<String>)>,
}

/// Why `RedriveExecution` refuses (`ExecutionNotRedrivable`), in AWS's words
/// (`DescribeExecution.redriveStatusReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRedrivable {
    Running,
    Succeeded,
    HistoryLimit,
    MaxExecutionTime,
    RedrivablePeriod,
    /// A one-state run (TestState) is not an execution.
    NotAnExecution,
    /// The new test case is not in the new mock configuration.
    UnknownTestCase(String),
}

impl std::fmt::Display for NotRedrivable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRedrivable::Running => f.write_str("Execution is RUNNING and cannot be redriven"),
            NotRedrivable::Succeeded => {
                f.write_str("Execution is SUCCEEDED and cannot be redriven")
            }
            NotRedrivable::HistoryLimit => f.write_str("Execution history event limit exceeded"),
            NotRedrivable::MaxExecutionTime => {
                f.write_str("Execution has exceeded the max execution time")
            }
            NotRedrivable::RedrivablePeriod => f.write_str("Execution redrivable period exceeded"),
            NotRedrivable::NotAnExecution => f.write_str("A TestState run cannot be redriven"),
            NotRedrivable::UnknownTestCase(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for NotRedrivable {}

impl NotRedrivable {
    /// AWS's error name for the API call.
    pub fn error_name(&self) -> &'static str {
        "ExecutionNotRedrivable"
    }
}

impl Execution {
    /// How many times this execution has been redriven (`$$.Execution.RedriveCount`).
    pub fn redrive_count(&self) -> u32 {
        self.redriven.map_or(0, |(n, _)| n)
    }

    /// The time of the latest redrive (`$$.Execution.RedriveTime`), if any.
    pub fn redrive_time_ms(&self) -> Option<i64> {
        self.redriven.map(|(_, at)| at)
    }

    /// Whether [`Execution::redrive`] would accept a redrive at `at_ms` (`DescribeExecution`'s
    /// `redriveStatus`: `Ok` is REDRIVABLE).
    pub fn redrivable(&self, at_ms: i64) -> Result<(), NotRedrivable> {
        if self.one_state.is_some() {
            return Err(NotRedrivable::NotAnExecution);
        }
        match self.status() {
            ExecutionStatus::Running => return Err(NotRedrivable::Running),
            ExecutionStatus::Succeeded => return Err(NotRedrivable::Succeeded),
            _ => {}
        }
        if self.history().len() + 1 >= MAX_HISTORY_EVENTS {
            return Err(NotRedrivable::HistoryLimit);
        }
        let ended = self.describe().stop_ms.unwrap_or(self.clock);
        if at_ms.saturating_sub(ended) > REDRIVABLE_PERIOD_MS {
            return Err(NotRedrivable::RedrivablePeriod);
        }
        if at_ms.saturating_sub(self.config.start_time_ms) >= MAX_OPEN_MS {
            return Err(NotRedrivable::MaxExecutionTime);
        }
        Ok(())
    }

    /// `RedriveExecution`: records `ExecutionRedriven` and restarts the states that did not
    /// succeed (module documentation); the caller then steps the execution as after
    /// [`Execution::start`]. Breakpoints stay set.
    pub fn redrive(&mut self, request: RedriveRequest) -> Result<(), NotRedrivable> {
        let ended = self.describe().stop_ms.unwrap_or(self.clock);
        let at = request.at_ms.unwrap_or(ended).max(ended);
        self.redrivable(at)?;
        if let Some((mocks, case)) = request.mocks {
            let test_case = match (&mocks, &case) {
                (Some(m), Some(c)) => Some(
                    m.test_case(Some(&self.config.state_machine_name), c)
                        .map_err(NotRedrivable::UnknownTestCase)?,
                ),
                _ => None,
            };
            self.config.mock_config = mocks;
            self.config.test_case = case;
            self.test_case = test_case;
            self.invocations.clear();
        }
        let count = self.redrive_count().saturating_add(1);
        self.redriven = Some((count, at));
        self.clock = self.clock.max(at);
        self.reopen();
        // An execution-level event: it names no state, and follows the execution's last event.
        let id = self.history.len() as u64 + 1;
        self.history.push(HistoryEvent {
            id,
            previous_event_id: id - 1,
            timestamp_ms: self.clock,
            state_name: None,
            resource: None,
            event: Event::ExecutionRedriven { redrive_count: count },
        });
        if let Some(secs) = self.machine.timeout_seconds {
            let deadline = crate::time::after_seconds(self.clock, secs);
            self.push_wakeup(deadline, TIMEOUT_FRAME);
        }
        // Restart the frames that did not succeed, from the top-level frame down.
        let mut stack: Vec<FrameId> = vec![0];
        while let Some(fid) = stack.pop() {
            self.restart_frame(fid, id, &mut stack);
        }
        Ok(())
    }

    /// Restarts frame `fid` at its state; a Parallel / Map ended by its children resumes
    /// them instead, pushing the children to restart onto `stack`.
    fn restart_frame(&mut self, fid: FrameId, redriven_event: u64, stack: &mut Vec<FrameId>) {
        let Some(frame) = self.frames.get_mut(fid) else { return };
        let parent_state = matches!(
            frame.state_def().map(|s| &s.kind),
            Some(StateKind::Parallel { .. } | StateKind::Map(_))
        );
        let kept = frame.children.take().or_else(|| frame.redrive_memo.take().map(|m| *m));
        frame.last_event = redriven_event;
        frame.stale_wakeups.clear();
        frame.waiting = None;
        frame.task_token = None;
        frame.succeeded = false;
        let resumed = match kept {
            Some(children) if parent_state && frame.entered_event != 0 => Some(children),
            _ => None,
        };
        let Some(mut children) = resumed else {
            frame.phase = Phase::Enter;
            frame.entered_event = 0;
            frame.children = None;
            let at = self.clock;
            self.schedule(fid, at);
            return;
        };
        let again: Vec<FrameId> = children
            .frames
            .iter()
            .copied()
            .filter(|&c| self.frames.get(c).is_some_and(|f| !f.succeeded))
            .collect();
        reset_counts(&mut children, again.len());
        let frame = &mut self.frames[fid];
        frame.children = Some(children);
        frame.phase = Phase::Children;
        let at = self.clock;
        self.schedule(fid, at);
        for child in again.into_iter().rev() {
            if let Some(deadline) = self.frames.get(child).and_then(|f| f.child_deadline) {
                self.child_deadlines.insert((deadline, child));
            }
            stack.push(child);
        }
    }

    /// Puts an ended execution back to RUNNING (status, outcome and end time cleared).
    fn reopen(&mut self) {
        self.status = ExecutionStatus::Running;
        self.output = None;
        self.error = None;
        self.cause = None;
        self.stop_ms = None;
        self.queue.clear();
    }

    /// Queues a wake-up without counting an engine step.
    fn push_wakeup(&mut self, at: i64, fid: FrameId) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, fid)));
    }
}

/// A Parallel / Map's bookkeeping as its children restart: the successful ones stay finished
/// with their results, `restarting` run again, items not started stay pending.
fn reset_counts(children: &mut Children, restarting: usize) {
    let succeeded = children.results.iter().filter(|r| r.is_some()).count();
    children.first_failure = None;
    children.failed = 0;
    children.finished = succeeded;
    children.running = restarting;
}
