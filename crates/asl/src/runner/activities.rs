//! Activity tasks (`arn:aws:states:REGION:ACCOUNT:activity:NAME`): which activities exist, and
//! the tasks scheduled for a worker that has not picked them up yet.
//!
//! On AWS an activity task is `ActivityScheduled` until a worker calls `GetActivityTask`
//! (`ActivityStarted`, with the worker's name); its `TimeoutSeconds` and `HeartbeatSeconds`
//! count from then on: a task nobody picks up stays scheduled until the execution's own
//! timeout (AWS's troubleshooting guide: "to time out any stuck state machine executions in
//! which the Activity state doesn't transition to the ActivityStarted state, define a timeout
//! at state machine-level"). A task whose activity does not exist fails the execution with
//! `States.Runtime` before anything is scheduled (recorded).
//!
//! In Stepwise a worker is a mocked answer (it starts the task at once), or whoever answers
//! by hand: [`Execution::get_activity_task`], or `SendTaskSuccess` / `SendTaskFailure` /
//! `SendTaskHeartbeat` with the token [`Execution::waiting_task_tokens`] lists, which start
//! the task first (a worker holds a token only once it has the task). Decision 0020.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::frame::{FrameId, Phase};
use super::{callbacks, Execution};
use crate::definition::{Program, StateKind};
use crate::errors::StatesError;
use crate::history::{Event, TaskFamily};
use crate::runner::retry_catch::state_error;
use crate::tasks::ResourceKind;

/// The activities of the simulated account and the tasks waiting for their workers.
#[derive(Debug, Default)]
pub(crate) struct Activities {
    /// Activities deleted (`DeleteActivity`): tasks of theirs fail with `States.Runtime`.
    deleted: BTreeSet<String>,
    /// When set, the only activities that exist: those a mocked answer works for.
    existing: Option<BTreeSet<String>>,
    /// Tasks scheduled and not yet started, by frame: what they need once started.
    pending: BTreeMap<FrameId, Pending>,
}

/// An activity task scheduled, waiting for a worker.
#[derive(Debug, Clone)]
struct Pending {
    activity: String,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
    /// The `ActivityScheduled` event's id: workers get the oldest task first.
    scheduled_event: u64,
}

impl Activities {
    /// Whether `arn` names an activity that exists now.
    pub(crate) fn exists(&self, arn: &str) -> bool {
        !self.deleted.contains(arn) && self.existing.as_ref().is_none_or(|e| e.contains(arn))
    }

    /// Whether the task on frame `fid` is scheduled and waits for a worker.
    pub(crate) fn is_pending(&self, fid: FrameId) -> bool {
        self.pending.contains_key(&fid)
    }
}

/// AWS's cause for a task of an activity that does not exist (recorded; the runner adds the
/// `An error occurred while executing the state …` prefix).
pub(crate) fn does_not_exist(arn: &str) -> StatesError {
    StatesError::runtime(format!("The activity {arn} does not exist."))
}

/// The task scheduled on frame `fid` waits for a worker: no deadline runs yet, and a token is
/// handed out so it can be answered by hand.
pub(in crate::runner) fn await_worker(
    exec: &mut Execution,
    fid: FrameId,
    activity: &str,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
) {
    let token = exec.task_token();
    exec.frames[fid].task_token = Some(token);
    callbacks::await_callback(exec, fid, None, None);
    let scheduled_event = exec.frames[fid].last_event;
    exec.activities.pending.insert(
        fid,
        Pending { activity: activity.to_string(), timeout, heartbeat, scheduled_event },
    );
}

/// A worker takes the task waiting on frame `fid` (if it is still waiting for one):
/// `ActivityStarted`, and its `TimeoutSeconds` / `HeartbeatSeconds` start now.
pub(in crate::runner) fn start(exec: &mut Execution, fid: FrameId, worker_name: Option<&str>) {
    let Some(pending) = exec.activities.pending.remove(&fid) else { return };
    let started = Event::TaskStarted {
        family: TaskFamily::Activity,
        resource: pending.activity.as_str().into(),
        worker_name: worker_name.map(Into::into),
    };
    exec.emit(fid, started);
    if exec.frames[fid].phase_is_done() {
        return;
    }
    callbacks::await_callback(exec, fid, pending.timeout, pending.heartbeat);
}

/// The frame stops waiting (answered, timed out, or stopped): it no longer waits for a worker.
pub(in crate::runner) fn forget(exec: &mut Execution, fid: FrameId) {
    exec.activities.pending.remove(&fid);
}

/// Whether frame `fid` still waits for a worker (scheduled, not started).
fn waiting_for_worker(exec: &Execution, fid: FrameId) -> bool {
    exec.frames.get(fid).is_some_and(|f| matches!(f.phase, Phase::Callback) && f.waiting.is_some())
}

/// The activity ARNs called by Task states of `program` (nested branches and item processors
/// included) whose state satisfies `keep`.
fn activity_arns(program: &Program, keep: &dyn Fn(&str) -> bool) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    // An explicit stack: the definition's nesting is bounded by the parser, but no recursion
    // is needed to walk it.
    let mut stack = vec![program];
    while let Some(p) = stack.pop() {
        for (name, state) in &p.states {
            match &state.kind {
                StateKind::Task(t)
                    if matches!(ResourceKind::of(&t.resource), ResourceKind::Activity { .. })
                        && keep(name) =>
                {
                    found.insert(t.resource.to_string());
                }
                StateKind::Parallel { branches } => stack.extend(branches.iter().map(|b| &**b)),
                StateKind::Map(m) => stack.push(&m.processor),
                _ => {}
            }
        }
    }
    found
}

impl Execution {
    /// `DeleteActivity`: the activity no longer exists. A task of it scheduled later fails the
    /// execution with `States.Runtime` (`The activity ARN does not exist.`, as AWS records
    /// it), and so does a task of it still waiting for a worker, since none can take it any
    /// more; a task a worker has started goes on until it is answered or times out (its
    /// worker holds the token). Returns whether the activity existed.
    pub fn delete_activity(&mut self, arn: &str) -> bool {
        let existed = self.activities.exists(arn);
        self.activities.deleted.insert(arn.to_string());
        let orphans: Vec<FrameId> = self
            .activities
            .pending
            .iter()
            .filter(|(_, p)| p.activity == arn)
            .map(|(fid, _)| *fid)
            .collect();
        for fid in orphans {
            self.activities.pending.remove(&fid);
            if self.status() != super::ExecutionStatus::Running || !waiting_for_worker(self, fid) {
                continue;
            }
            callbacks::stop_waiting(self, fid);
            state_error(self, fid, does_not_exist(arn), false);
        }
        existed
    }

    /// Only the activities that the mock configuration's test case answers for (an activity
    /// some mocked state calls) exist from now on: `asl run` uses it, where no one else could
    /// be an activity's worker, so an activity nobody mocks is one that was never created, as
    /// in AWS Step Functions Local. Without a test case, no activity exists.
    pub fn only_mocked_activities_exist(&mut self) {
        let mocked = {
            let test_case = self.test_case.as_ref();
            activity_arns(&self.machine.program, &|state| {
                test_case.is_some_and(|tc| tc.mocks(state))
            })
        };
        self.activities.existing = Some(mocked);
    }

    /// `GetActivityTask`: a worker named `worker_name` (recorded in `ActivityStarted`; `None`
    /// records none) takes the oldest task of activity `arn` waiting for a worker. Returns its
    /// task token and input, or `None` when no task of that activity waits (AWS answers an
    /// empty token after its long poll).
    pub fn get_activity_task(
        &mut self,
        arn: &str,
        worker_name: Option<&str>,
    ) -> Option<(String, Value)> {
        if self.status() != super::ExecutionStatus::Running || !self.activities.exists(arn) {
            return None;
        }
        let fid = self
            .activities
            .pending
            .iter()
            .filter(|(fid, p)| p.activity == arn && waiting_for_worker(self, **fid))
            .min_by_key(|(_, p)| p.scheduled_event)
            .map(|(fid, _)| *fid)?;
        let token = self.frames[fid].task_token.clone()?;
        let input = self.frames[fid].effective.clone();
        start(self, fid, worker_name);
        Some((token, input))
    }

    /// The tasks waiting for an activity worker: `(task token, state name, activity ARN)`.
    pub fn waiting_activity_tasks(&self) -> Vec<(String, String, String)> {
        self.activities
            .pending
            .iter()
            .filter(|(fid, _)| waiting_for_worker(self, **fid))
            .filter_map(|(fid, p)| {
                let f = &self.frames[*fid];
                Some((f.task_token.clone()?, f.state.to_string(), p.activity.clone()))
            })
            .collect()
    }
}

/// Starts the activity task waiting on `fid` for a worker, if any, before a `SendTask…` call
/// answers it (no worker name: the caller did not give one).
pub(in crate::runner) fn start_before_answer(exec: &mut Execution, fid: FrameId) {
    if exec.activities.is_pending(fid) {
        start(exec, fid, None);
    }
}
