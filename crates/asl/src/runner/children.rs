//! Child frames of Parallel and Map states: starting them, collecting their outcomes, the
//! tolerated-failure rule, and stopping them.

use std::sync::Arc;

use serde_json::Value;

use crate::definition::Program;
use crate::history::Payload;
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
    let Some(ch) = exec.frames[parent].children.as_mut() else { return };
    ch.running.retain(|&f| f != child);
    ch.finished += 1;
    match result {
        Ok(v) => {
            if let Some(slot) = ch.results.get_mut(index) {
                *slot = Some(v.into_value());
            }
        }
        Err(f) => {
            ch.failed += 1;
            ch.first_failure.get_or_insert(f);
        }
    }
    exec.schedule(parent, exec.clock);
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

/// Marks every descendant frame of `fid` as done (their queued wake-ups become no-ops).
pub(in crate::runner) fn abort_children(exec: &mut Execution, fid: FrameId) {
    let mut stack = vec![fid];
    while let Some(p) = stack.pop() {
        for (i, f) in exec.frames.iter_mut().enumerate() {
            let parent = match f.role {
                Role::Branch { parent, .. } | Role::Iteration { parent, .. } => Some(parent),
                Role::Root => None,
            };
            if parent == Some(p) && !matches!(f.phase, Phase::Done) {
                f.phase = Phase::Done;
                stack.push(i);
            }
        }
    }
}

pub(in crate::runner) fn new_child(
    exec: &mut Execution,
    parent: FrameId,
    program: Arc<Program>,
    input: Value,
    role: Role,
    map_item: Option<(usize, Value)>,
) -> FrameId {
    let last_event = exec.frames[parent].last_event;
    let silent = exec.frames[parent].silent || exec.frames[parent].at_distributed_map();
    let inherited_item = map_item.or_else(|| exec.frames[parent].map_item.clone());
    let variables = exec.frames[parent].variables.clone();
    let start = program.start();
    let child = Frame {
        state: start.0,
        index: start.1,
        program,
        phase: Phase::Enter,
        input: input.into(),
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
        silent,
        variables,
        pending_assign: None,
        failed_field: None,
        trace: None,
    };
    exec.frames.push(child);
    let id = exec.frames.len() - 1;
    exec.schedule(id, exec.clock);
    id
}
