//! Frames: one per running program (the top level, a Parallel branch, a Map iteration),
//! each at one state and in one phase, with the bookkeeping its state needs.

use std::sync::Arc;

use serde_json::Value;

use crate::definition::{MapMode, Program, StateKind};
use crate::errors::StatesError;
use crate::history::Payload;

/// How a frame ended unsuccessfully: a Fail state may leave out its error and cause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub error: Option<String>,
    pub cause: Option<String>,
}

impl From<StatesError> for Failure {
    fn from(e: StatesError) -> Self {
        Failure { error: Some(e.error), cause: Some(e.cause) }
    }
}

pub(crate) type FrameId = usize;

/// What a frame does when it is next woken.
#[derive(Debug, Clone)]
pub(crate) enum Phase {
    /// Enter the current state with `input`.
    Enter,
    /// (Re)invoke the current Task with the effective parameters stored in the frame.
    Invoke,
    /// A Wait state's time is up: leave it.
    WaitOver,
    /// Waiting for child frames (Parallel branches / Map iterations).
    Children,
    /// A `.waitForTaskToken` task waiting for its callback, or a task whose mocked answer
    /// comes after a latency.
    Callback,
    /// Finished; ignore stale wake-ups.
    Done,
}

/// Why a frame exists: it tells where its outcome goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Role {
    Root,
    Branch { parent: FrameId, index: usize },
    Iteration { parent: FrameId, index: usize },
}

/// Map iterations not started yet: (index, (iteration input, item value)); the item is `None`
/// when it is the iteration input itself (no `ItemSelector`), which keeps one copy per item.
pub(crate) type PendingItems = std::collections::VecDeque<(usize, (Value, Option<Value>))>;

/// Bookkeeping of a Parallel or Map state waiting for its children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Children {
    /// Each child's output, kept shared with its history events until the state collects
    /// them (a copy per branch would multiply large payloads).
    pub results: Vec<Option<Payload>>,
    /// Iteration inputs not started yet (Map with MaxConcurrency), in index order.
    pub pending: PendingItems,
    pub first_failure: Option<Failure>,
    /// How many children are running (started, not finished).
    pub running: usize,
    pub finished: usize,
    pub failed: usize,
    pub max_concurrency: usize,
    pub tolerated_count: Option<u64>,
    pub tolerated_percentage: Option<f64>,
    pub total: usize,
    /// A Distributed Map's map run and what its `ResultWriter` asks for.
    pub map_run_arn: Option<String>,
    pub result_writer: Option<ResultWriterPlan>,
    /// What each child execution did, kept when the `ResultWriter` exports (decision 0019).
    pub result_log: Option<Box<super::result_files::ResultLog>>,
    /// The child frames started in this attempt, in start order: a redrive
    /// (`runner::redrive`) restarts those that did not succeed.
    pub frames: Vec<FrameId>,
}

/// A Distributed Map's `ResultWriter`, resolved when the state starts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ResultWriterPlan {
    /// `Bucket` and `Prefix` when the results are exported (`Resource` s3:putObject).
    pub export: Option<(String, String)>,
    /// `WriterConfig.Transformation` is `FLATTEN`: array results are flattened one level.
    pub flatten: bool,
    /// `WriterConfig.Transformation` as written (`NONE`, `COMPACT`, `FLATTEN`).
    pub transformation: Option<String>,
    /// `WriterConfig.OutputType` is `JSONL`: exported files hold one entry per line.
    pub jsonl: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub program: Arc<Program>,
    pub state: Arc<str>,
    /// `state`'s index in the program, so that the runner never looks a state up by name.
    pub index: usize,
    pub phase: Phase,
    /// The current state's raw input (shared with its `…StateEntered` event).
    pub input: Payload,
    /// Task: the effective parameters being sent; Wait: the output to leave with.
    pub effective: Value,
    pub role: Role,
    pub last_event: u64,
    /// The `StateEntered` event id of the current state (for AWS's error message prefix).
    pub entered_event: u64,
    pub entered_ms: i64,
    /// `$$.Map.Item` for iterations.
    pub map_item: Option<(usize, Value)>,
    /// Attempts used per retrier of the current state, and in total (`$$.State.RetryCount`).
    pub retry_counts: Vec<u64>,
    pub retry_total: u64,
    pub children: Option<Children>,
    /// `$$.Task.Token` while a `.waitForTaskToken` task runs.
    pub task_token: Option<String>,
    /// Deadlines of a task waiting for its callback.
    pub waiting: Option<Waiting>,
    /// Times of wake-ups still queued for a wait that has ended (its later deadline, or a
    /// mocked answer not yet due after a timeout): skipped when they come, so they do not
    /// wake the frame in its next state.
    pub stale_wakeups: Vec<i64>,
    /// Inside a Distributed Map: the events belong to child executions, not to this history.
    pub silent: bool,
    /// Workflow variables visible in this frame. A branch or iteration shares its parent's
    /// map and copies it on its first assignment (its own assignments stay inside it), so
    /// reading variables never copies them.
    pub variables: Arc<serde_json::Map<String, Value>>,
    /// `Assign` values computed for the current state, each with its JSON text (measured for
    /// the quota, recorded in `assignedVariables`), applied when it exits.
    pub pending_assign: Option<Vec<(String, Payload)>>,
    /// The field whose JSONata evaluation failed last (the `EvaluationFailed` event's
    /// `location`).
    pub failed_field: Option<String>,
    /// The current state's data flow, when this frame records one (`runner::trace`).
    pub trace: Option<Box<super::trace::StateTrace>>,
    /// Which entry of its current state this is, when the execution records every visit
    /// (`runner::visits`).
    pub visit: u32,
    /// Inside a Distributed Map: the frame that is the root of this frame's child execution
    /// (the iteration frame), whose quotas this frame's work counts against.
    pub child_exec: Option<FrameId>,
    /// On a child execution's root frame: the events its own history holds so far.
    pub child_events: usize,
    /// On a child execution's root frame: when it times out (its `(time, frame)` key in
    /// `Execution::child_deadlines`).
    pub child_deadline: Option<i64>,
    /// The frame's program ended successfully (its outcome reached its parent or the
    /// execution): a redrive leaves it alone.
    pub succeeded: bool,
    /// A Parallel / Map state that failed because of its children keeps their bookkeeping
    /// (results of those that succeeded, items not started) so that a redrive restarts only
    /// the children that did not succeed; cleared when the frame enters its next state.
    pub redrive_memo: Option<Box<Children>>,
}

impl Frame {
    /// The definition of the frame's current state.
    pub(crate) fn state_def(&self) -> Option<&crate::definition::State> {
        self.program.state_at(self.index)
    }

    pub(crate) fn phase_is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// Whether the frame is at a Distributed Map state (its children are child executions,
    /// whose events are not in this history).
    pub(crate) fn at_distributed_map(&self) -> bool {
        matches!(
            self.program.state_at(self.index).map(|s| &s.kind),
            Some(StateKind::Map(m)) if m.mode == MapMode::Distributed
        )
    }
}

/// A task waiting for its callback, or for a mocked answer given a `LatencySeconds`.
#[derive(Debug, Clone)]
pub(crate) struct Waiting {
    pub deadline: Option<i64>,
    pub heartbeat_ms: Option<i64>,
    pub heartbeat_deadline: Option<i64>,
    /// A mocked answer due at that time (epoch milliseconds); such a task is not waiting for
    /// a callback, so SendTask… calls do not find it.
    pub answer: Option<(i64, crate::tasks::Outcome)>,
    /// The times of this wait's wake-ups still in the queue.
    pub scheduled: Vec<i64>,
    /// When the task started waiting (epoch milliseconds).
    pub since: i64,
    /// For a task waiting for a callback: how many times a task of this state name had
    /// waited for one before (`runner::callbacks`); `None` for a mocked answer.
    pub occurrence: Option<u64>,
}
