//! Enumerating the state visits of a history, and comparing two histories side by side.
//!
//! A **visit** is one `…StateEntered` and what followed it (the reader's [`StateRun`]). It is
//! identified by its *key*: the Map iterations enclosing it (Map state name and iteration
//! index, outermost first), the state's name, and its occurrence (the how-manieth entry of that
//! state in that iteration, or at the top level, counting from 0: loops enter a state several
//! times). Parallel branches need no key of their own: state names are unique in a state
//! machine, so the state's name says which branch it is in.
//!
//! **Alignment.** Two histories are aligned by key: visits with the same key face each other;
//! a visit only one history has gets a row of its own, placed just before the next visit both
//! have (in the order of the history that has it). The rows follow the left history's order.
//! The point where the histories **part** is the first row whose two sides differ — one side
//! missing, or a different input, output, status or error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::reader::{state_detail, StateRun};
use super::{Event, HistoryEvent};
use crate::definition::StateType;
use crate::runner::ExecutionStatus;

/// One visit of a state.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub state: String,
    /// The enclosing Map iterations: (Map state name, iteration index), outermost first.
    pub iterations: Vec<(String, usize)>,
    /// The how-manieth entry of `state` within the same iterations (0 for the first).
    pub occurrence: usize,
    /// What the history says about this visit: input, output, status, error, variables.
    pub run: StateRun,
}

impl Visit {
    /// The key two histories are aligned by.
    pub fn key(&self) -> (&[(String, usize)], &str, usize) {
        (&self.iterations, &self.state, self.occurrence)
    }
}

/// How two aligned visits differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// Only one history has this visit.
    Missing,
    Input,
    Output,
    Status,
    Error,
}

/// One row of the side-by-side view: indices into [`Comparison::left`] / `right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub left: Option<usize>,
    pub right: Option<usize>,
    /// Empty when the two visits are the same.
    pub differences: Vec<Difference>,
}

/// Two histories side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Vec<Visit>,
    pub right: Vec<Visit>,
    pub rows: Vec<Row>,
    /// The first row where the histories part (`None`: the same visits, the same data).
    pub parted_at: Option<usize>,
    /// States the left history entered and the right one never did (sorted), and the other way.
    pub only_left: Vec<String>,
    pub only_right: Vec<String>,
}

impl Comparison {
    /// The state where the histories part, if they do.
    pub fn parting_state(&self) -> Option<&str> {
        let row = self.rows.get(self.parted_at?)?;
        let visit = match (row.left, row.right) {
            (Some(l), _) => self.left.get(l),
            (None, Some(r)) => self.right.get(r),
            (None, None) => None,
        };
        visit.map(|v| v.state.as_str())
    }
}

/// Every state visit of a history, in the order the states were entered.
pub fn visits(events: &[HistoryEvent], execution: ExecutionStatus) -> Vec<Visit> {
    // The Map iterations each event is inside, by event id (an index into `paths`).
    let mut paths: Vec<Arc<Vec<(String, usize)>>> = vec![Arc::new(Vec::new())];
    let mut path_of: HashMap<u64, usize> = HashMap::new();
    let mut occurrences: HashMap<(usize, String), usize> = HashMap::new();
    let mut entered: Vec<(u64, String, usize, usize)> = Vec::new();
    for event in events {
        let inherited = path_of.get(&event.previous_event_id).copied().unwrap_or(0);
        // A Map's own events follow its iterations' (and an iteration starts after its
        // sibling's start): the scope running a Map state is the path cut before that Map.
        let path = match &event.event {
            Event::MapIterationStarted { index, name } => {
                let mut p = outside(paths.get(inherited).map(|p| p.as_slice()), name);
                p.push((name.to_string(), *index));
                intern(&mut paths, p)
            }
            Event::MapIterationSucceeded { name, .. }
            | Event::MapIterationFailed { name, .. }
            | Event::MapIterationAborted { name, .. } => {
                let p = outside(paths.get(inherited).map(|p| p.as_slice()), name);
                intern(&mut paths, p)
            }
            Event::MapStateSucceeded | Event::MapStateFailed => {
                let map = event.state_name.as_deref().unwrap_or_default();
                let p = outside(paths.get(inherited).map(|p| p.as_slice()), map);
                intern(&mut paths, p)
            }
            Event::StateExited { state_type: StateType::Map, name, .. }
            | Event::StateAborted { state_type: StateType::Map, name } => {
                let p = outside(paths.get(inherited).map(|p| p.as_slice()), name);
                intern(&mut paths, p)
            }
            _ => inherited,
        };
        path_of.insert(event.id, path);
        if let Event::StateEntered { name, .. } = &event.event {
            let counter = occurrences.entry((path, name.to_string())).or_insert(0);
            entered.push((event.id, name.to_string(), path, *counter));
            *counter += 1;
        }
    }
    // Each state's runs, by the id of the event that entered them.
    let names: BTreeSet<&str> = entered.iter().map(|(_, n, _, _)| n.as_str()).collect();
    let mut runs: HashMap<u64, StateRun> = HashMap::new();
    for name in names {
        for run in state_detail(events, execution, name).runs {
            runs.insert(run.entered_id, run);
        }
    }
    entered
        .into_iter()
        .map(|(id, state, path, occurrence)| Visit {
            iterations: paths.get(path).map(|p| (**p).clone()).unwrap_or_default(),
            occurrence,
            run: runs.remove(&id).unwrap_or_else(|| {
                let mut run = StateRun::default();
                run.entered_id = id;
                run
            }),
            state,
        })
        .collect()
}

/// `path` up to (not including) the iteration of the Map state `map`; all of it when it is
/// not inside that Map.
fn outside(path: Option<&[(String, usize)]>, map: &str) -> Vec<(String, usize)> {
    let path = path.unwrap_or_default();
    let end = path.iter().position(|(n, _)| n == map).unwrap_or(path.len());
    path.get(..end).map(<[_]>::to_vec).unwrap_or_default()
}

/// The index of `path` in `paths`, added when new.
fn intern(paths: &mut Vec<Arc<Vec<(String, usize)>>>, path: Vec<(String, usize)>) -> usize {
    match paths.iter().position(|p| **p == path) {
        Some(existing) => existing,
        None => {
            paths.push(Arc::new(path));
            paths.len() - 1
        }
    }
}

/// Compares two histories (module documentation for the alignment and the parting point).
pub fn compare(
    left: (&[HistoryEvent], ExecutionStatus),
    right: (&[HistoryEvent], ExecutionStatus),
) -> Comparison {
    let left = visits(left.0, left.1);
    let right = visits(right.0, right.1);
    let by_key: HashMap<_, usize> = right.iter().enumerate().map(|(i, v)| (v.key(), i)).collect();
    let matched: BTreeMap<usize, usize> = left
        .iter()
        .enumerate()
        .filter_map(|(l, v)| by_key.get(&v.key()).map(|&r| (r, l)))
        .collect();
    let mut rows = Vec::with_capacity(left.len().max(right.len()));
    let mut next_right = 0;
    let flush_right = |upto: usize, rows: &mut Vec<Row>, next_right: &mut usize| {
        while *next_right < upto {
            if !matched.contains_key(next_right) {
                rows.push(Row {
                    left: None,
                    right: Some(*next_right),
                    differences: vec![Difference::Missing],
                });
            }
            *next_right += 1;
        }
    };
    for (l, visit) in left.iter().enumerate() {
        match by_key.get(&visit.key()).copied() {
            Some(r) => {
                flush_right(r, &mut rows, &mut next_right);
                next_right = next_right.max(r + 1);
                let differences = right.get(r).map(|o| differences(visit, o)).unwrap_or_default();
                rows.push(Row { left: Some(l), right: Some(r), differences });
            }
            None => rows.push(Row {
                left: Some(l),
                right: None,
                differences: vec![Difference::Missing],
            }),
        }
    }
    flush_right(right.len(), &mut rows, &mut next_right);
    let parted_at = rows.iter().position(|r| !r.differences.is_empty());
    let names =
        |visits: &[Visit]| -> BTreeSet<String> { visits.iter().map(|v| v.state.clone()).collect() };
    let (left_names, right_names) = (names(&left), names(&right));
    Comparison {
        only_left: left_names.difference(&right_names).cloned().collect(),
        only_right: right_names.difference(&left_names).cloned().collect(),
        left,
        right,
        rows,
        parted_at,
    }
}

fn differences(a: &Visit, b: &Visit) -> Vec<Difference> {
    let mut out = Vec::new();
    if a.run.input != b.run.input {
        out.push(Difference::Input);
    }
    if a.run.output != b.run.output {
        out.push(Difference::Output);
    }
    if a.run.status != b.run.status {
        out.push(Difference::Status);
    }
    if (&a.run.error, &a.run.cause) != (&b.run.error, &b.run.cause) {
        out.push(Difference::Error);
    }
    out
}
