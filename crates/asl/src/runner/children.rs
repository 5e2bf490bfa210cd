//! Child frames of Parallel and Map states: starting them, collecting their outcomes, the
//! tolerated-failure rule, and stopping them.

use std::sync::Arc;

use serde_json::Value;

use crate::definition::Program;
use crate::history::{Event, Payload};
use crate::runner::frame::{Children, Failure, Frame, FrameId, Phase, Role};
use crate::runner::Execution;

pub(in crate::runner) fn child_finished(
    exec: &mut Execution,
    parent: FrameId,
    child: FrameId,
    index: usize,
    result: Result<Payload, Failure>,
) {
    if exec.frames[parent].phase_is_done() {
        return;
    }
    let last = exec.frames[child].last_event;
    exec.frames[parent].last_event = last;
    if result.is_ok() {
        // A child that did not succeed keeps its state's input and variables: a redrive
        // restarts it there.
        release(exec, child);
    }
    crate::runner::states::distributed_map::log_finished(exec, parent, index, &result);
    let Some(ch) = exec.frames[parent].children.as_mut() else { return };
    ch.running = ch.running.saturating_sub(1);
    ch.finished += 1;
    match result {
        Ok(v) => {
            if let Some(slot) = ch.results.get_mut(index) {
                *slot = Some(v);
            }
        }
        Err(f) => {
            ch.failed += 1;
            ch.first_failure.get_or_insert(f);
        }
    }
    exec.schedule(parent, exec.clock);
}

/// Drops what a finished child frame holds (its input, item, variables): frames stay in the
/// execution's list, so this keeps a large Map's memory to a few words per finished item.
fn release(exec: &mut Execution, child: FrameId) {
    if let Some(at) = exec.frames.get_mut(child).and_then(|f| f.child_deadline.take()) {
        exec.child_deadlines.remove(&(at, child));
    }
    if let Some(f) = exec.frames.get_mut(child) {
        f.input = Payload::new(Value::Null);
        f.effective = Value::Null;
        f.map_item = None;
        f.children = None;
        f.variables = Default::default();
        f.pending_assign = None;
    }
}

impl Children {
    pub(in crate::runner) fn tolerates(&self) -> bool {
        if self.failed == 0 {
            return true;
        }
        let by_count = self.tolerated_count.is_some_and(|c| self.failed as u64 <= c);
        let by_pct = self.tolerated_percentage.is_some_and(|p| {
            self.total > 0 && (self.failed as f64) * 100.0 / (self.total as f64) <= p
        });
        by_count || by_pct
    }
}

/// Records what AWS records when a failed child ends a Parallel or Map state `fid` while
/// siblings are still running: the `…StateAborted` event of the state each running descendant
/// is in, and a Map's `MapIterationAborted` for each running iteration, innermost first, all
/// before the state's own `…StateFailed`. Call before [`abort_children`].
pub(in crate::runner) fn record_aborted_children(exec: &mut Execution, fid: FrameId) {
    let running: Vec<FrameId> = descendants(exec, fid)
        .into_iter()
        .filter(|&i| !matches!(exec.frames[i].phase, Phase::Done))
        .collect();
    for child in running.into_iter().rev() {
        let frame = &exec.frames[child];
        let aborted_state = frame.state_def().filter(|_| frame.entered_event != 0).map(|state| {
            Event::StateAborted { state_type: state.state_type(), name: state.name.clone() }
        });
        let role = frame.role;
        if let Some(event) = aborted_state {
            exec.emit(child, event);
        }
        if let Role::Iteration { parent, index } = role {
            if !exec.frames[parent].at_distributed_map() {
                let name = exec.frames[parent].state.clone();
                let last = exec.frames[child].last_event;
                exec.frames[parent].last_event = last;
                exec.emit(parent, Event::MapIterationAborted { index, name });
            }
        }
    }
}

/// Every descendant frame of `fid`, in creation order.
fn descendants(exec: &Execution, fid: FrameId) -> Vec<FrameId> {
    let start = fid.saturating_add(1);
    let mut inside = vec![false; exec.frames.len().saturating_sub(start)];
    let mut out = Vec::new();
    for i in start..exec.frames.len() {
        let parent = match exec.frames[i].role {
            Role::Branch { parent, .. } | Role::Iteration { parent, .. } => parent,
            Role::Root => continue,
        };
        let descendant = parent == fid
            || parent.checked_sub(start).and_then(|p| inside.get(p)).copied().unwrap_or(false);
        if descendant {
            if let Some(slot) = inside.get_mut(i - start) {
                *slot = true;
            }
            out.push(i);
        }
    }
    out
}

/// Marks every descendant frame of `fid` as done (their queued wake-ups become no-ops).
/// A child is always created after its parent, so one pass over the later frames finds every
/// descendant (linear in the number of frames, however many children fail at once).
pub(in crate::runner) fn abort_children(exec: &mut Execution, fid: FrameId) {
    let all = descendants(exec, fid);
    let running = all.iter().copied().filter(|&i| !exec.frames[i].phase_is_done());
    let running: Vec<FrameId> = running.collect();
    exec.keep_unfinished_visits(running);
    for i in all {
        exec.frames[i].phase = Phase::Done;
    }
}

pub(in crate::runner) fn new_child(
    exec: &mut Execution,
    parent: FrameId,
    program: Arc<Program>,
    input: Payload,
    role: Role,
    map_item: Option<(usize, Value)>,
) -> FrameId {
    let last_event = exec.frames[parent].last_event;
    let child_execution = exec.frames[parent].at_distributed_map();
    let silent = exec.frames[parent].silent || child_execution;
    let id = exec.frames.len();
    // A Distributed Map's iteration is a child execution of its own: its own history quota
    // (it starts with its `ExecutionStarted`) and duration limit.
    let (child_exec, child_events, child_deadline) = if child_execution {
        let express = matches!(
            exec.frames[parent].state_def().map(|s| &s.kind),
            Some(crate::definition::StateKind::Map(m)) if m.express
        );
        let limit =
            if express { super::EXPRESS_CHILD_SECONDS } else { super::STANDARD_CHILD_SECONDS };
        let at = crate::time::after_seconds(exec.clock, limit);
        exec.child_deadlines.insert((at, id));
        (Some(id), 1, Some(at))
    } else {
        (exec.frames[parent].child_exec, 0, None)
    };
    let inherited_item = map_item.or_else(|| exec.frames[parent].map_item.clone());
    let variables = exec.frames[parent].variables.clone();
    let start = program.start();
    let child = Frame {
        state: start.0,
        index: start.1,
        program,
        phase: Phase::Enter,
        input,
        effective: Value::Null,
        role,
        last_event,
        entered_event: 0,
        entered_ms: exec.clock,
        map_item: inherited_item,
        retry_counts: Vec::new(),
        retry_total: 0,
        children: None,
        task_token: None,
        waiting: None,
        stale_wakeups: Vec::new(),
        silent,
        variables,
        pending_assign: None,
        failed_field: None,
        trace: exec.new_frame_trace(),
        visit: 0,
        child_exec,
        child_events,
        child_deadline,
        succeeded: false,
        redrive_memo: None,
    };
    exec.frames.push(child);
    if let Some(ch) = exec.frames[parent].children.as_mut() {
        ch.frames.push(id);
    }
    exec.schedule(id, exec.clock);
    id
}

/// Ends child execution `root` (a Distributed Map iteration) that reached one of its own
/// quotas: its frames stop and the Map sees the child fail with `failure`.
pub(in crate::runner) fn fail_child_execution(
    exec: &mut Execution,
    root: FrameId,
    failure: Failure,
) {
    if exec.frames.get(root).is_none_or(|f| f.phase_is_done()) {
        return;
    }
    abort_children(exec, root);
    crate::runner::flow::finish(exec, root, Err(failure));
}
