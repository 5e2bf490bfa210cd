//! The execution engine: a discrete-event scheduler on a virtual clock.
//!
//! An execution is a set of *frames*: the top-level program, and one per running Parallel
//! branch or Map iteration. Each frame is at one state and in one phase. The scheduler keeps a
//! queue of `(virtual time, sequence, frame)` wake-ups; [`Execution::step`] pops the earliest,
//! moves the clock there and advances that frame until it has to wait (a Wait state, a retry
//! interval, its children). Branches and iterations therefore interleave deterministically,
//! and the caller decides how fast virtual time passes: all at once ([`Execution::run_to_completion`]),
//! one step at a time, or up to a virtual instant ([`Execution::advance_to`]).

mod activities;
pub mod callback_script;
mod callbacks;
mod children;
mod context;
pub mod debug;
pub mod decisions;
mod flow;
mod frame;
mod io;
mod lang;
pub mod recipe;
pub mod redrive;
pub mod result_files;
mod retry_catch;
pub mod stages;
pub mod start_at;
mod states;
mod step;
pub mod trace;
pub mod visits;

pub use crate::template::budget::{MAX_PAYLOAD_DEPTH, MAX_TEMPLATE_BYTES};
pub use callbacks::{Callback, CallbackError, CallbackErrorKind, WaitingTask};
pub use debug::{Pause, PauseReason, ScopeStep};
pub use decisions::Decision;
pub(crate) use frame::{Failure, Frame, FrameId, Phase, Role};
pub use recipe::{RecipeRedrive, RecipeStart, RecipeStop, RunRecipe};
pub use redrive::{NotRedrivable, RedriveRequest};
pub use start_at::{StartAt, StartAtError};
pub use trace::{StateTrace, TraceOutcome, TracedError};
pub use visits::{DataFlow, DataFlowLimits, Lane, LaneKind, StateVisit};

/// Queue entries with this frame id are the execution's own timeout.
const TIMEOUT_FRAME: FrameId = usize::MAX;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::definition::StateMachine;
use crate::errors::StatesError;
use crate::history::{ErrorCause, Event, HistoryEvent, Payload};
use crate::random::Random;
use crate::tasks::mock_config::{MockConfig, TestCase};

/// The largest payload (state input or output, task result) AWS accepts: 256 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// AWS's quota of events in one execution's history (each Distributed Map child execution
/// has its own).
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// The longest a Distributed Map's STANDARD child execution may run: one year (365 days).
pub const STANDARD_CHILD_SECONDS: u64 = 31_536_000;
/// The longest a Distributed Map's EXPRESS child execution may run: five minutes.
pub const EXPRESS_CHILD_SECONDS: u64 = 300;
/// The default ceiling on an execution's engine steps ([`ExecutionConfig::max_steps`]).
pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;

/// Everything an execution needs from outside: input, mocks, identity, time and a seed.
#[derive(Debug, Clone)]
pub struct ExecutionConfig {
    pub input: Value,
    pub mock_config: Option<MockConfig>,
    pub test_case: Option<String>,
    /// Virtual start time, milliseconds since the Unix epoch.
    pub start_time_ms: i64,
    pub seed: u64,
    pub execution_name: String,
    pub state_machine_name: String,
    pub region: String,
    pub account: String,
    pub role_arn: String,
    /// The most engine steps the whole execution may take, child executions included: every
    /// state entered, retry, Wait wake-up, Parallel branch started, and Map iteration listed
    /// (when the Map starts) and started is one.
    /// Past it the execution fails with `States.Runtime` (a Stepwise limit, not AWS's; AWS
    /// bounds executions by their history quota and duration, which a Distributed Map's child
    /// executions each have anew). Default [`DEFAULT_MAX_STEPS`].
    pub max_steps: u64,
    /// Record the data flow of every state visit ([`Execution::data_flow`]), within these
    /// limits; `None` (the default) records nothing.
    pub data_flow: Option<DataFlowLimits>,
}

impl Default for ExecutionConfig {
    fn default() -> Self {
        ExecutionConfig {
            input: json!({}),
            mock_config: None,
            test_case: None,
            // 2024-01-01T00:00:00Z: a fixed, readable default for reproducible runs.
            start_time_ms: 1_704_067_200_000,
            seed: 0,
            execution_name: "stepwise-execution".into(),
            state_machine_name: "MyStateMachine".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            role_arn: "arn:aws:iam::123456789012:role/StepFunctionsExecutionRole".into(),
            max_steps: DEFAULT_MAX_STEPS,
            data_flow: None,
        }
    }
}

impl ExecutionConfig {
    pub fn state_machine_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:stateMachine:{}",
            self.region, self.account, self.state_machine_name
        )
    }

    pub fn execution_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{}:{}",
            self.region, self.account, self.state_machine_name, self.execution_name
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl ExecutionStatus {
    /// AWS's spelling: `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }
}

/// `DescribeExecution`'s answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    pub status: ExecutionStatus,
    pub input: Value,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_ms: i64,
    pub stop_ms: Option<i64>,
}

/// A running (or finished) execution.
pub struct Execution {
    pub(crate) machine: Arc<StateMachine>,
    pub(crate) config: ExecutionConfig,
    /// The execution input, shared by `ExecutionStarted`, the first state and `$$`.
    pub(crate) input: Payload,
    /// The region as history events name it.
    pub(crate) region: Arc<str>,
    pub(crate) clock: i64,
    seq: u64,
    queue: BinaryHeap<Reverse<(i64, u64, FrameId)>>,
    pub(crate) frames: Vec<Frame>,
    history: Vec<HistoryEvent>,
    status: ExecutionStatus,
    output: Option<Value>,
    error: Option<String>,
    cause: Option<String>,
    stop_ms: Option<i64>,
    pub(crate) random: Random,
    pub(crate) test_case: Option<TestCase>,
    /// Invocations so far per state name (the mock configuration's index).
    pub(crate) invocations: HashMap<String, u64>,
    /// A configuration problem found at start (unknown test case): the execution fails with it.
    setup_error: Option<StatesError>,
    /// A one-state run (TestState): the tested state's answer and `$$`.
    pub(crate) one_state: Option<Box<trace::OneState>>,
    /// Engine steps scheduled so far (see [`ExecutionConfig::max_steps`]).
    steps: u64,
    /// When running Distributed Map child executions time out: `(time, root frame)`.
    pub(crate) child_deadlines: BTreeSet<(i64, FrameId)>,
    /// Activities deleted, and tasks waiting for an activity worker (`activities`).
    pub(crate) activities: activities::Activities,
    /// Values resolved at run time that the quota guardrails judge (`validate::run_guardrails`).
    pub(crate) resolved: crate::validate::run_guardrails::ResolvedValues,
    /// Files written by Distributed Map `ResultWriter`s (`result_files`, decision 0019).
    pub(crate) result_files: Vec<result_files::ResultFile>,
    /// The log of decisions, when kept (`decisions.rs`).
    pub(crate) decisions: Option<Vec<Decision>>,
    /// Breakpoints, stepping and the current pause (`runner::debug`).
    pub(crate) debug: debug::Debugger,
    /// Redrives so far and the time of the latest (`runner::redrive`; `$$.Execution.
    /// RedriveCount` / `RedriveTime`).
    pub(crate) redriven: Option<(u32, i64)>,
    /// Every state visit's data flow, when the configuration asks for it (`visits`).
    pub(crate) recorder: Option<Box<visits::Recorder>>,
    /// The task tokens handed out, and which waits for a callback they belong to.
    pub(crate) callbacks: callbacks::Registry,
}

impl Execution {
    /// Starts an execution: records `ExecutionStarted` and schedules the first state.
    pub fn start(machine: Arc<StateMachine>, config: ExecutionConfig) -> Execution {
        Execution::begin(machine, config, None)
    }

    /// A one-state run (TestState): the top-level frame starts at `state` with `variables`,
    /// keeps a trace, and takes its answer and `$$` from `one`; the definition's
    /// `TimeoutSeconds` does not apply.
    pub(crate) fn start_one_state(
        machine: Arc<StateMachine>,
        config: ExecutionConfig,
        state: &str,
        variables: serde_json::Map<String, Value>,
        one: trace::OneState,
    ) -> Execution {
        Execution::begin(machine, config, Some((state, variables, one)))
    }

    fn begin(
        machine: Arc<StateMachine>,
        config: ExecutionConfig,
        one_state: Option<(&str, serde_json::Map<String, Value>, trace::OneState)>,
    ) -> Execution {
        Execution::begin_at(machine, config, one_state, None)
    }

    /// Starts an execution; `entry` (`runner::start_at`) puts the top-level frame at a given
    /// state of a given program with given variables and Map item instead of `StartAt`.
    pub(crate) fn begin_at(
        machine: Arc<StateMachine>,
        config: ExecutionConfig,
        one_state: Option<(&str, serde_json::Map<String, Value>, trace::OneState)>,
        entry: Option<start_at::Entry>,
    ) -> Execution {
        let mut setup_error = None;
        let test_case = match (&config.mock_config, &config.test_case) {
            (Some(mocks), Some(case)) => {
                match mocks.test_case(Some(&config.state_machine_name), case) {
                    Ok(tc) => Some(tc),
                    Err(message) => {
                        setup_error = Some(StatesError::new("States.Runtime", message));
                        None
                    }
                }
            }
            _ => None,
        };
        let mut program = machine.program.clone();
        let input = Payload::new(config.input.clone());
        let mut map_item = None;
        let (start, variables, trace, one_state) = match (one_state, entry) {
            (Some((name, vars, one)), _) => {
                (program.locate(name), Arc::new(vars), Some(Box::default()), Some(Box::new(one)))
            }
            (None, Some(entry)) => {
                program = entry.program;
                map_item = entry.map_item;
                let trace = config.data_flow.map(|_| Box::default());
                (program.locate(&entry.state), Arc::new(entry.variables), trace, None)
            }
            (None, None) => {
                let trace = config.data_flow.map(|_| Box::default());
                (program.start(), Arc::default(), trace, None)
            }
        };
        let recorder = match (&one_state, config.data_flow) {
            (None, Some(limits)) => Some(Box::new(visits::Recorder::new(limits))),
            _ => None,
        };
        let root = Frame {
            state: start.0,
            index: start.1,
            program,
            phase: Phase::Enter,
            input: input.clone(),
            effective: Value::Null,
            role: Role::Root,
            last_event: 0,
            entered_event: 0,
            entered_ms: config.start_time_ms,
            map_item,
            retry_counts: Vec::new(),
            retry_total: 0,
            children: None,
            task_token: None,
            waiting: None,
            stale_wakeups: Vec::new(),
            silent: false,
            variables,
            pending_assign: None,
            failed_field: None,
            trace,
            visit: 0,
            child_exec: None,
            child_events: 0,
            child_deadline: None,
            succeeded: false,
            redrive_memo: None,
        };
        let mut exec = Execution {
            clock: config.start_time_ms,
            random: Random::new(config.seed),
            machine,
            region: Arc::from(config.region.as_str()),
            input: input.clone(),
            seq: 0,
            queue: BinaryHeap::new(),
            frames: vec![root],
            history: Vec::with_capacity(64),
            status: ExecutionStatus::Running,
            output: None,
            error: None,
            cause: None,
            stop_ms: None,
            test_case,
            invocations: HashMap::new(),
            setup_error,
            config,
            one_state,
            steps: 0,
            child_deadlines: BTreeSet::new(),
            activities: activities::Activities::default(),
            resolved: Default::default(),
            result_files: Vec::new(),
            decisions: None,
            debug: debug::Debugger::default(),
            redriven: None,
            recorder,
            callbacks: callbacks::Registry::default(),
        };
        // An input deeper than any payload may be (only a library caller can build one; the
        // parser stops earlier) fails the execution at its first step.
        if exec.setup_error.is_none()
            && crate::template::budget::deeper_than(exec.input.value(), MAX_PAYLOAD_DEPTH)
        {
            exec.setup_error = Some(crate::template::budget::too_deep("The execution input is"));
        }
        let started =
            Event::ExecutionStarted { input, role_arn: Arc::from(exec.config.role_arn.as_str()) };
        exec.emit(0, started);
        exec.frames[0].last_event = 0;
        let timeout = if exec.one_state.is_some() { None } else { exec.machine.timeout_seconds };
        if let Some(secs) = timeout {
            let at = crate::time::after_seconds(exec.clock, secs);
            exec.seq += 1;
            exec.queue.push(Reverse((at, exec.seq, TIMEOUT_FRAME)));
        }
        exec.schedule(0, exec.clock);
        exec
    }

    /// Runs one scheduler step; `false` once the execution has ended or while it is paused
    /// ([`Execution::paused`]).
    pub fn step(&mut self) -> bool {
        if self.status != ExecutionStatus::Running || self.debug_paused() {
            return false;
        }
        if self.take_requested_pause() {
            return false;
        }
        if let Some(e) = self.setup_error.take() {
            self.end_failed(0, Failure::from(e));
            return false;
        }
        if self.steps > self.config.max_steps {
            let cause = format!(
                "The execution exceeded Stepwise's limit of {} engine steps (states entered, \
                 retries, waits, branches started, Map iterations listed and started, child \
                 executions included).",
                self.config.max_steps
            );
            self.end_failed(
                0,
                Failure { error: Some("States.Runtime".into()), cause: Some(cause) },
            );
            return false;
        }
        if let Some((at, root)) = self.next_child_deadline() {
            if self.queue.peek().is_none_or(|Reverse((next, _, _))| at < *next) {
                self.child_deadlines.remove(&(at, root));
                self.clock = self.clock.max(at);
                if let Some(f) = self.frames.get_mut(root) {
                    f.child_deadline = None;
                }
                let failure = Failure { error: Some("States.Timeout".into()), cause: None };
                children::fail_child_execution(self, root, failure);
                return self.status == ExecutionStatus::Running;
            }
        }
        let Some(Reverse((at, seq, fid))) = self.queue.pop() else {
            return false;
        };
        self.clock = self.clock.max(at);
        if fid == TIMEOUT_FRAME {
            let e = ErrorCause { error: Some("States.Timeout".into()), cause: None };
            self.end(ExecutionStatus::TimedOut, Event::ExecutionTimedOut(e), None);
            return false;
        }
        if let Some(f) = self.frames.get_mut(fid) {
            // A wake-up of a wait that has ended: skip it (callbacks::stop_waiting).
            if let Some(i) = f.stale_wakeups.iter().position(|t| *t == at) {
                f.stale_wakeups.swap_remove(i);
                return self.status == ExecutionStatus::Running;
            }
        }
        if self.pause_before_entry(at, seq, fid) {
            // Paused before the frame enters its state: the wake-up goes back unchanged.
            self.queue.push(Reverse((at, seq, fid)));
            return false;
        }
        if let Some(w) = self.frames.get_mut(fid).and_then(|f| f.waiting.as_mut()) {
            if let Some(i) = w.scheduled.iter().position(|t| *t == at) {
                w.scheduled.swap_remove(i);
            }
        }
        step::advance(self, fid);
        self.status == ExecutionStatus::Running
    }

    /// The virtual time of the next pending step, if any.
    pub fn next_wakeup_ms(&self) -> Option<i64> {
        if self.status != ExecutionStatus::Running || self.debug_paused() {
            return None;
        }
        if self.setup_error.is_some() || self.steps > self.config.max_steps {
            return Some(self.clock);
        }
        let queued = self.queue.peek().map(|Reverse((at, _, _))| *at);
        let deadline = self
            .child_deadlines
            .iter()
            .find(|(_, f)| self.frames.get(*f).is_some_and(|f| !f.phase_is_done()))
            .map(|(at, _)| *at);
        match (queued, deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The earliest deadline of a child execution still running (forgetting those of child
    /// executions that ended without reaching theirs).
    fn next_child_deadline(&mut self) -> Option<(i64, FrameId)> {
        while let Some(&(at, root)) = self.child_deadlines.first() {
            if self.frames.get(root).is_some_and(|f| !f.phase_is_done()) {
                return Some((at, root));
            }
            self.child_deadlines.remove(&(at, root));
        }
        None
    }

    /// Engine steps scheduled so far (see [`ExecutionConfig::max_steps`]).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Runs every step due at or before `t_ms` (at most `max_steps`), then moves the clock to
    /// `t_ms` if nothing is left before it. Returns the number of steps taken. A pause
    /// requested ([`Execution::request_pause`]) is taken there too, at `t_ms`: a paced caller
    /// inside a long Wait pauses now, not when the Wait ends.
    pub fn advance_to(&mut self, t_ms: i64, max_steps: usize) -> usize {
        let mut steps = 0;
        while steps < max_steps {
            match self.next_wakeup_ms() {
                Some(at) if at <= t_ms => {
                    self.step();
                    steps += 1;
                }
                _ => {
                    if self.status == ExecutionStatus::Running && !self.debug_paused() {
                        self.clock = self.clock.max(t_ms);
                        self.take_requested_pause();
                    }
                    break;
                }
            }
        }
        steps
    }

    /// Runs until the execution ends (the history quota bounds runaway executions) or pauses.
    pub fn run_to_completion(&mut self) {
        while self.step() {}
    }

    /// Whether the execution is paused (`runner::debug`).
    fn debug_paused(&self) -> bool {
        self.paused().is_some()
    }

    /// The next queued wake-up `(time, sequence, frame)`, if any.
    pub(crate) fn peek_wakeup(&self) -> Option<(i64, u64, FrameId)> {
        self.queue.peek().map(|Reverse(entry)| *entry)
    }

    /// `StopExecution`: ends a running execution as ABORTED.
    pub fn stop(&mut self, error: Option<String>, cause: Option<String>) {
        if self.status != ExecutionStatus::Running {
            return;
        }
        self.clear_pause();
        let running: Vec<FrameId> = (0..self.frames.len())
            .filter(|&f| !matches!(self.frames[f].phase, Phase::Done))
            .collect();
        for fid in running.into_iter().rev() {
            let frame = &self.frames[fid];
            if let Some(state) = frame.state_def() {
                if frame.entered_event != 0 {
                    let aborted = Event::StateAborted {
                        state_type: state.state_type(),
                        name: state.name.clone(),
                    };
                    self.emit(fid, aborted);
                }
            }
            self.frames[fid].phase = Phase::Done;
        }
        self.end(
            ExecutionStatus::Aborted,
            Event::ExecutionAborted(ErrorCause { error, cause }),
            None,
        );
    }

    pub fn status(&self) -> ExecutionStatus {
        self.status
    }

    /// The virtual clock, milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.clock
    }

    pub fn history(&self) -> &[HistoryEvent] {
        &self.history
    }

    pub fn machine(&self) -> &StateMachine {
        &self.machine
    }

    pub fn describe(&self) -> Describe {
        Describe {
            status: self.status,
            input: self.input.value().clone(),
            output: self.output.clone(),
            error: self.error.clone(),
            cause: self.cause.clone(),
            start_ms: self.config.start_time_ms,
            stop_ms: self.stop_ms,
        }
    }

    // ----- internals shared by the state implementations -----

    /// Counts `n` units of engine work that schedule nothing themselves (Map iterations
    /// listed when the state starts).
    pub(crate) fn charge_steps(&mut self, n: usize) {
        self.steps = self.steps.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }

    pub(crate) fn schedule(&mut self, fid: FrameId, at: i64) {
        self.steps = self.steps.saturating_add(1);
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, fid)));
    }

    /// Appends an event for frame `fid` (its `previousEventId` is that frame's last event).
    pub(crate) fn emit(&mut self, fid: FrameId, event: Event) -> u64 {
        if self.frames.get(fid).is_some_and(|f| f.silent) {
            self.count_child_event(fid);
            return 0;
        }
        let id = self.history.len() as u64 + 1;
        let execution_level = matches!(event, Event::ExecutionStarted { .. });
        let (previous, state_name, resource) = match self.frames.get(fid) {
            Some(frame) => {
                let resource = match frame.state_def().map(|s| &s.kind) {
                    Some(crate::definition::StateKind::Task(t)) => Some(t.resource.clone()),
                    _ => None,
                };
                let name = (!execution_level).then(|| frame.state.clone());
                (frame.last_event, name, resource)
            }
            None => (self.history.len() as u64, None, None),
        };
        self.history.push(HistoryEvent {
            id,
            previous_event_id: previous,
            timestamp_ms: self.clock,
            state_name,
            resource,
            event,
        });
        if let Some(frame) = self.frames.get_mut(fid) {
            frame.last_event = id;
        }
        if self.history.len() + 1 >= MAX_HISTORY_EVENTS && self.status == ExecutionStatus::Running {
            self.end_failed(
                fid,
                Failure {
                    error: Some("States.Runtime".into()),
                    cause: Some(format!(
                        "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
                    )),
                },
            );
        }
        id
    }

    /// An event of a child execution (not in this history): counted against that child
    /// execution's own quota, which fails the child when reached.
    fn count_child_event(&mut self, fid: FrameId) {
        let Some(root) = self.frames.get(fid).and_then(|f| f.child_exec) else { return };
        let Some(frame) = self.frames.get_mut(root) else { return };
        frame.child_events = frame.child_events.saturating_add(1);
        if frame.child_events + 1 >= MAX_HISTORY_EVENTS && !frame.phase_is_done() {
            let failure = Failure {
                error: Some("States.Runtime".into()),
                cause: Some(format!(
                    "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
                )),
            };
            children::fail_child_execution(self, root, failure);
        }
    }

    pub(crate) fn end_succeeded(&mut self, fid: FrameId, output: Payload) {
        self.frames[0].last_event = self.frames.get(fid).map_or(0, |f| f.last_event);
        let value = output.value().clone();
        self.end(ExecutionStatus::Succeeded, Event::ExecutionSucceeded { output }, Some(value));
    }

    pub(crate) fn end_failed(&mut self, fid: FrameId, failure: Failure) {
        self.frames[0].last_event = self.frames.get(fid).map_or(0, |f| f.last_event);
        let e = ErrorCause { error: failure.error, cause: failure.cause };
        self.end(ExecutionStatus::Failed, Event::ExecutionFailed(e), None);
    }

    /// Records the execution's last event; `output` for a success.
    fn end(&mut self, status: ExecutionStatus, event: Event, output: Option<Value>) {
        if self.status != ExecutionStatus::Running {
            return;
        }
        // Set the status first: the event below must not trip the history quota again.
        self.status = status;
        self.clear_pause();
        let (error, cause) = match &event {
            Event::ExecutionFailed(e)
            | Event::ExecutionAborted(e)
            | Event::ExecutionTimedOut(e) => (e.error.clone(), e.cause.clone()),
            _ => (None, None),
        };
        let id = self.history.len() as u64 + 1;
        self.history.push(HistoryEvent {
            id,
            previous_event_id: self.frames.first().map_or(0, |f| f.last_event),
            timestamp_ms: self.clock,
            state_name: None,
            resource: None,
            event,
        });
        self.output = output;
        self.error = error;
        self.cause = cause;
        self.stop_ms = Some(self.clock);
        self.queue.clear();
        // States still running when the execution ends keep the stages they reached.
        self.keep_unfinished_visits(0..self.frames.len());
        for f in &mut self.frames {
            f.phase = Phase::Done;
        }
    }
}
