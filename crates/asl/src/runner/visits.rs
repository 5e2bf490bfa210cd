//! The data flow of every state an execution runs: one [`StateVisit`] per attempt of every
//! state entered, each a [`StateTrace`] as the runner computed it (the recorder TestState
//! uses, `runner::trace`), keyed to the history (the `…StateEntered` event, the state's visit
//! number, its Parallel branch / Map iteration). The app's "Data flow" panel shows them
//! without running anything again.
//!
//! Opt-in ([`ExecutionConfig::data_flow`](super::ExecutionConfig::data_flow)) and bounded:
//! past [`DataFlowLimits::max_visits`] visits or [`DataFlowLimits::max_bytes`] of recorded
//! JSON, the recorder stops (frames stop tracing, so the cost ends too) and counts the visits
//! it did not keep ([`DataFlow::not_recorded`]).
//!
//! A visit is kept when its attempt ends: the state leaves (or is caught), a retrier matches
//! (each attempt is its own record), the frame fails, its branch or iteration is aborted, or
//! the execution ends while it runs (its stages so far, with no outcome).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::definition::QueryLanguage;
use crate::runner::frame::{FrameId, Role};
use crate::runner::trace::StateTrace;
use crate::runner::Execution;

/// How much of an execution's data flow to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFlowLimits {
    /// Visits (attempts of a state) kept at most.
    pub max_visits: usize,
    /// JSON text, in bytes, kept at most over all the stages of all the visits.
    pub max_bytes: usize,
}

impl Default for DataFlowLimits {
    /// 10,000 visits and 32 MiB: the tutorial and the examples fit many times over; a long
    /// loop or a large Map keeps its first visits.
    fn default() -> Self {
        DataFlowLimits { max_visits: 10_000, max_bytes: 32 * 1024 * 1024 }
    }
}

/// Where a frame runs: a Parallel branch or a Map iteration of the state `state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// The Parallel or Map state.
    pub state: String,
    pub kind: LaneKind,
    /// The branch's or iteration's index.
    pub index: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaneKind {
    Branch,
    Iteration,
}

/// One attempt of one state, with the data at each stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateVisit {
    /// The id of the visit's `…StateEntered` event (0 inside a Distributed Map's child
    /// executions, whose events are not in this history).
    pub entered_event_id: u64,
    /// The state's name (also `trace.state`).
    pub state: String,
    /// AWS's name of its type (`"Task"`, `"Map"`, …).
    pub state_type: String,
    /// Whether it uses JSONata (else JSONPath).
    pub jsonata: bool,
    /// Which entry of this state it is, counting every frame, from 1 (as the history's
    /// `…StateEntered` events of the state, in order).
    pub visit: u32,
    /// 0 for the first attempt, n for the n-th retry.
    pub attempt: u32,
    /// The branches and iterations it runs in, outermost first (empty at the top level).
    pub lanes: Vec<Lane>,
    pub trace: StateTrace,
}

/// An execution's recorded data flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataFlow {
    pub limits: DataFlowLimits,
    /// In the order their attempts ended.
    pub visits: Vec<StateVisit>,
    /// Visits not kept once a limit was reached.
    pub not_recorded: u64,
    /// JSON bytes kept so far.
    pub bytes: usize,
}

impl DataFlow {
    fn full(&self) -> bool {
        self.visits.len() >= self.limits.max_visits || self.bytes >= self.limits.max_bytes
    }
}

/// The recorder's bookkeeping (the visits so far, how many entries each state had).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub data: DataFlow,
    entries: rustc_hash::FxHashMap<String, u32>,
    /// Once a limit is reached, nothing more is traced.
    stopped: bool,
}

impl Recorder {
    pub(crate) fn new(limits: DataFlowLimits) -> Recorder {
        Recorder { data: DataFlow { limits, ..DataFlow::default() }, ..Recorder::default() }
    }
}

/// Counts JSON bytes without building the text.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn json_bytes(v: &Value) -> usize {
    let mut c = Counter(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

/// The JSON bytes a trace keeps.
fn trace_bytes(t: &StateTrace) -> usize {
    let stages = [
        &t.input,
        &t.after_input_path,
        &t.after_parameters,
        &t.after_arguments,
        &t.result,
        &t.after_result_selector,
        &t.after_result_path,
        &t.after_items_path,
        &t.after_item_selector,
        &t.after_item_batcher,
        &t.output,
    ];
    let vars: usize = t
        .variables
        .iter()
        .flat_map(|m| m.iter())
        .map(|(k, v)| k.len().saturating_add(json_bytes(v)))
        .fold(0, usize::saturating_add);
    stages.iter().filter_map(|s| s.as_ref()).map(json_bytes).fold(vars, usize::saturating_add)
}

impl Execution {
    /// The data flow recorded so far (when [`ExecutionConfig::data_flow`](super::ExecutionConfig::data_flow) asked for it).
    pub fn data_flow(&self) -> Option<&DataFlow> {
        self.recorder.as_ref().map(|r| &r.data)
    }

    /// A new frame's trace: an empty one while the recorder records.
    pub(crate) fn new_frame_trace(&self) -> Option<Box<StateTrace>> {
        self.recorder.as_ref().filter(|r| !r.stopped).map(|_| Box::default())
    }

    /// Frame `fid` enters a state: counts the visit (not kept once the recorder stopped).
    pub(crate) fn visit_entered(&mut self, fid: FrameId, name: &str) {
        let Some(rec) = self.recorder.as_mut() else { return };
        if rec.stopped {
            rec.data.not_recorded = rec.data.not_recorded.saturating_add(1);
            if let Some(f) = self.frames.get_mut(fid) {
                f.trace = None;
            }
            return;
        }
        // The name is copied only on the state's first entry.
        let n = match rec.entries.get_mut(name) {
            Some(n) => {
                *n = n.saturating_add(1);
                *n
            }
            None => {
                rec.entries.insert(name.to_string(), 1);
                1
            }
        };
        if let Some(f) = self.frames.get_mut(fid) {
            f.visit = n;
        }
    }

    /// Keeps frame `fid`'s trace as a visit, when the recorder records and the frame's state
    /// has stages not kept yet. `retrying`: the state runs again, keeping its input.
    pub(crate) fn keep_visit(&mut self, fid: FrameId, retrying: bool) {
        let Some(rec) = self.recorder.as_ref() else { return };
        if rec.stopped {
            return;
        }
        let unkept =
            |f: &crate::runner::Frame| f.trace.as_deref().is_none_or(|t| t.state.is_empty());
        if self.frames.get(fid).is_none_or(unkept) {
            return;
        }
        let lanes = self.lanes(fid);
        let Some(frame) = self.frames.get_mut(fid) else { return };
        let (state_type, jsonata) = match frame.state_def() {
            Some(s) => (s.state_type().as_str(), s.query_language == QueryLanguage::Jsonata),
            None => ("Pass", false),
        };
        let (entered_event_id, visit, attempt) = (
            frame.entered_event,
            frame.visit,
            u32::try_from(frame.retry_total).unwrap_or(u32::MAX),
        );
        let Some(trace) = frame.trace.as_deref_mut() else { return };
        if trace.state.is_empty() {
            return;
        }
        let kept = if retrying {
            let next = StateTrace {
                state: trace.state.clone(),
                input: trace.input.clone(),
                ..StateTrace::default()
            };
            std::mem::replace(trace, next)
        } else {
            std::mem::take(trace)
        };
        let visit = StateVisit {
            entered_event_id,
            state: kept.state.clone(),
            state_type: state_type.to_string(),
            jsonata,
            visit,
            attempt,
            lanes,
            trace: kept,
        };
        let bytes = trace_bytes(&visit.trace);
        let Some(rec) = self.recorder.as_mut() else { return };
        let data = &mut rec.data;
        if data.visits.len() >= data.limits.max_visits
            || data.bytes.saturating_add(bytes) > data.limits.max_bytes
        {
            data.not_recorded = data.not_recorded.saturating_add(1);
            data.bytes = data.limits.max_bytes;
        } else {
            data.bytes = data.bytes.saturating_add(bytes);
            data.visits.push(visit);
        }
        if data.full() {
            rec.stopped = true;
            for f in &mut self.frames {
                f.trace = None;
            }
        }
    }

    /// Keeps the visits still in progress (the execution ended, or their branches were
    /// aborted): `frames` are the frames to look at.
    pub(crate) fn keep_unfinished_visits(&mut self, frames: impl IntoIterator<Item = FrameId>) {
        if self.recorder.is_none() {
            return;
        }
        for fid in frames {
            self.keep_visit(fid, false);
        }
    }

    /// The branches and iterations frame `fid` runs in, outermost first (a loop up the
    /// parents: as deep as Parallel / Map states nest, at most 40).
    fn lanes(&self, fid: FrameId) -> Vec<Lane> {
        let mut lanes = Vec::new();
        let mut at = fid;
        while let Some(frame) = self.frames.get(at) {
            let (parent, kind, index) = match frame.role {
                Role::Root => break,
                Role::Branch { parent, index } => (parent, LaneKind::Branch, index),
                Role::Iteration { parent, index } => (parent, LaneKind::Iteration, index),
            };
            let state = self.frames.get(parent).map(|p| p.state.to_string()).unwrap_or_default();
            lanes.push(Lane { state, kind, index });
            if parent >= at {
                break;
            }
            at = parent;
        }
        lanes.reverse();
        lanes
    }
}
