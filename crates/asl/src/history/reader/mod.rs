//! Reading a history back: what the typed events say about each state — the status a graph
//! colours it with (the AWS console's legend) and every run of it (input, output, resource,
//! attempts, latest error, workflow variables before and after). Derived from the events
//! only, so it is the same live and after the run, and it reads the typed [`Event`]s, never
//! their JSON.
//!
//! This is the one place a history is interpreted; the app only presents what it returns.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Event, HistoryEvent, Payload, TaskFamily};
use crate::definition::StateType;
use crate::runner::ExecutionStatus;
use crate::tasks::ResourceKind;

#[cfg(test)]
mod tests;

/// A state's status in the console's legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateStatus {
    /// Entered and not yet left while the execution runs.
    InProgress,
    /// Left normally (its last attempt succeeded).
    Succeeded,
    /// Its error ended the execution, or it is a Fail state that was entered.
    Failed,
    /// Its error was caught by a Catch and the execution went on.
    CaughtError,
    /// Entered but the execution was stopped or timed out before it left.
    Cancelled,
}

/// Does this event report that the current attempt of its state failed? (Task failures and
/// time-outs, evaluation failures, a Map or Parallel state's failure; not the execution's,
/// a Map iteration's or a map run's.)
pub fn is_failure(event: &Event) -> bool {
    matches!(
        event,
        Event::TaskFailed { .. }
            | Event::EvaluationFailed { .. }
            | Event::ParallelStateFailed
            | Event::MapStateFailed
    )
}

/// Does this event report that the current attempt of its state succeeded?
fn is_success(event: &Event) -> bool {
    matches!(
        event,
        Event::TaskSucceeded { .. } | Event::ParallelStateSucceeded | Event::MapStateSucceeded
    )
}

/// A still-open run's status once the execution ended (or while it runs).
fn open_status(execution: ExecutionStatus) -> StateStatus {
    match execution {
        ExecutionStatus::Running => StateStatus::InProgress,
        ExecutionStatus::Failed => StateStatus::Failed,
        ExecutionStatus::Succeeded | ExecutionStatus::TimedOut | ExecutionStatus::Aborted => {
            StateStatus::Cancelled
        }
    }
}

/// The status of every state the execution entered (states never entered are absent: "not
/// run"). A state entered several times (a loop, Map iterations) shows its latest run;
/// a failure anywhere in a run that reached its exit is a caught error.
pub fn statuses(
    events: &[HistoryEvent],
    execution: ExecutionStatus,
) -> BTreeMap<String, StateStatus> {
    #[derive(Default)]
    struct Run {
        open: usize,
        failed: bool,
        exited: bool,
    }
    let mut runs: BTreeMap<&str, Run> = BTreeMap::new();
    let mut fail_states: Vec<&str> = Vec::new();
    // The state whose failure event came last: when the execution fails, it is the culprit.
    let mut last_failure: Option<&str> = None;
    for event in events {
        let Some(step) = event.state_name.as_deref() else {
            continue;
        };
        let run = runs.entry(step).or_default();
        match &event.event {
            Event::StateEntered { state_type, .. } => {
                if run.open == 0 {
                    *run = Run::default();
                }
                run.open += 1;
                if *state_type == StateType::Fail {
                    fail_states.push(step);
                }
            }
            Event::StateExited { .. } => {
                run.open = run.open.saturating_sub(1);
                run.exited = true;
            }
            e if is_failure(e) => {
                run.failed = true;
                last_failure = Some(step);
            }
            e if is_success(e) => run.failed = false,
            _ => {}
        }
    }
    let culprit = if execution == ExecutionStatus::Failed { last_failure } else { None };
    // Inserted one by one rather than collected: collecting a map sorts, and every sort is
    // its own copy of the sort code in the page's wasm (docs/benchmarks.md, page weight).
    let mut statuses = BTreeMap::new();
    for (name, run) in runs {
        let status = if fail_states.contains(&name) || (culprit == Some(name) && run.open > 0) {
            StateStatus::Failed
        } else if run.open > 0 {
            open_status(execution)
        } else if run.failed && run.exited {
            StateStatus::CaughtError
        } else {
            StateStatus::Succeeded
        };
        statuses.insert(name.to_string(), status);
    }
    statuses
}

/// Workflow variables: name → value.
pub type Variables = BTreeMap<String, Value>;

/// One run of a state (one `…StateEntered` and what followed it, up to its `…StateExited`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateRun {
    /// Id of the `…StateEntered` event that began this run.
    pub entered_id: u64,
    /// The state type as the history names it (`Task`, `Pass`, `Map`, …).
    pub state_type: String,
    /// The state's effective input (its `…StateEntered` event's).
    pub input: Option<Value>,
    /// The state's output (its `…StateExited` event's); None until it exits.
    pub output: Option<Value>,
    /// The resource a Task invoked (the ARN, or `arn:aws:states:::<type>:<action>`).
    pub resource: Option<String>,
    /// How many times the work was attempted in this run (Task invocations, Map/Parallel
    /// starts); 0 for states that do no work of their own.
    pub attempts: u32,
    /// Error and cause of the latest failed attempt of this run.
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Variables visible when the state was entered.
    pub variables_before: Variables,
    /// Variables visible after the state exited (None while it has not exited).
    pub variables_after: Option<Variables>,
    /// What this run assigned (its `…StateExited` event's assigned variables).
    pub assigned: Variables,
    /// This run's status (the latest run's is the state's status in [`statuses`]).
    pub status: Option<StateStatus>,
    /// Did the latest attempt of this run fail?
    last_attempt_failed: bool,
}

impl StateRun {
    /// Retries taken in this run: attempts after the first.
    pub fn retry_count(&self) -> u32 {
        self.attempts.saturating_sub(1)
    }

    pub fn exited(&self) -> bool {
        self.variables_after.is_some()
    }
}

/// Everything the history says about one state, for its Input / Output / Details panel.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDetail {
    pub name: String,
    /// None: the state was not run in this execution.
    pub status: Option<StateStatus>,
    /// Every run, in history order (a loop or Map iterations run a state many times).
    pub runs: Vec<StateRun>,
}

impl StateDetail {
    pub fn times_entered(&self) -> usize {
        self.runs.len()
    }

    pub fn latest(&self) -> Option<&StateRun> {
        self.runs.last()
    }
}

/// The state an event belongs to: the state it was recorded for, else the state its details
/// name (a Map iteration names its Map state).
fn step_of(event: &HistoryEvent) -> Option<&str> {
    event.state_name.as_deref().or(match &event.event {
        Event::StateEntered { name, .. }
        | Event::StateExited { name, .. }
        | Event::StateAborted { name, .. }
        | Event::MapIterationStarted { name, .. }
        | Event::MapIterationSucceeded { name, .. }
        | Event::MapIterationFailed { name, .. }
        | Event::MapIterationAborted { name, .. } => Some(&**name),
        _ => None,
    })
}

/// The error an event's details record, as AWS shows it.
fn error_of(event: &Event) -> Option<String> {
    event.error().map(str::to_string)
}

/// The cause an event's details record, as AWS shows it (evaluation and map-run failures
/// show theirs even when empty).
fn cause_of(event: &Event) -> Option<String> {
    match event {
        Event::EvaluationFailed { cause, .. } | Event::MapRunFailed(Some((_, cause))) => {
            Some(cause.clone())
        }
        other => other.cause().map(str::to_string),
    }
}

/// Assigned variables as values.
fn assigned_variables(assigned: Option<&[(String, Payload)]>) -> Variables {
    let mut variables = Variables::new();
    for (name, value) in assigned.unwrap_or_default() {
        variables.insert(name.clone(), value.value().clone());
    }
    variables
}

/// The resource a scheduling event names: a service integration as
/// `arn:aws:states:::<type>:<action>`, a Lambda function or an activity by its ARN.
fn scheduled_resource(family: TaskFamily, resource: &str) -> String {
    match family {
        TaskFamily::Service => {
            let (kind, name) = ResourceKind::type_and_name(resource);
            format!("arn:aws:states:::{kind}:{name}")
        }
        TaskFamily::Lambda | TaskFamily::Activity => resource.to_string(),
    }
}

/// A variable scope: the top level, one Map iteration or one Parallel branch.
struct Scope {
    parent: Option<usize>,
    vars: Variables,
}

fn visible(scopes: &[Scope], mut at: usize) -> Variables {
    let mut chain = Vec::new();
    loop {
        chain.push(at);
        match scopes.get(at).and_then(|s| s.parent) {
            Some(parent) if !chain.contains(&parent) => at = parent,
            _ => break,
        }
    }
    let mut out = Variables::new();
    for index in chain.into_iter().rev() {
        if let Some(scope) = scopes.get(index) {
            out.extend(scope.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    out
}

fn is_ancestor_or_self(scopes: &[Scope], ancestor: usize, mut of: usize) -> bool {
    for _ in 0..=scopes.len() {
        if of == ancestor {
            return true;
        }
        match scopes.get(of).and_then(|s| s.parent) {
            Some(parent) => of = parent,
            None => return false,
        }
    }
    false
}

/// What the history says about the state `name`: its status, and every run with its input,
/// output, resource, attempts, latest error and the workflow variables before and after.
///
/// Variable scopes follow AWS where the history allows: each Map iteration and each Parallel
/// branch is a scope of its own that sees the variables of the scope that ran the Map/Parallel
/// state; what it assigns stays local (it shadows an outer name) and is dropped when the
/// iteration or branch ends. An event belongs to the scope of the event it follows
/// (`previous_event_id`); a Map iteration's scope is opened by `MapIterationStarted`, a
/// Parallel branch's by the first state entered after `ParallelStateStarted`.
pub fn state_detail(
    events: &[HistoryEvent],
    execution: ExecutionStatus,
    name: &str,
) -> StateDetail {
    let mut scopes = vec![Scope { parent: None, vars: Variables::new() }];
    // Scope of each event by id.
    let mut scope_of: BTreeMap<u64, usize> = BTreeMap::new();
    // Runs not yet exited: (state name, scope, index into `runs` when it is `name`).
    let mut open: Vec<(String, usize, Option<usize>)> = Vec::new();
    let mut runs: Vec<StateRun> = Vec::new();
    // A Fail state's run and its entered event: the event that follows it reports the error.
    let mut pending_fail: Option<(usize, u64)> = None;
    // Ids of the `ParallelStateStarted` events seen so far, ascending.
    let mut parallel_starts: Vec<u64> = Vec::new();

    for event in events {
        let previous = event.previous_event_id;
        let follows_parallel_start = parallel_starts.binary_search(&previous).is_ok();
        if matches!(event.event, Event::ParallelStateStarted) {
            parallel_starts.push(event.id);
        }
        let inherited = scope_of.get(&previous).copied().unwrap_or(0);
        let step = step_of(event);

        let scope = match &event.event {
            Event::MapIterationStarted { .. } => {
                // A new scope under the scope the Map state runs in.
                let map = step.unwrap_or_default();
                let parent = open
                    .iter()
                    .rev()
                    .find(|(n, _, _)| n == map)
                    .map(|(_, s, _)| *s)
                    .unwrap_or(inherited);
                scopes.push(Scope { parent: Some(parent), vars: Variables::new() });
                scopes.len() - 1
            }
            Event::StateEntered { .. } if follows_parallel_start => {
                scopes.push(Scope { parent: Some(inherited), vars: Variables::new() });
                scopes.len() - 1
            }
            Event::StateExited { output, assigned_variables: assigned, .. } => {
                // The scope of the run it ends: the nearest open run of this state whose scope
                // encloses the event it follows, else the latest open run of it.
                let state = step.unwrap_or_default();
                let position = open
                    .iter()
                    .rposition(|(n, s, _)| {
                        n == state && is_ancestor_or_self(&scopes, *s, inherited)
                    })
                    .or_else(|| open.iter().rposition(|(n, _, _)| n == state));
                match position {
                    Some(position) => {
                        let (_, scope, run) = open.remove(position);
                        let assigned = assigned_variables(assigned.as_deref());
                        if let Some(target) = scopes.get_mut(scope) {
                            target.vars.extend(assigned.clone());
                        }
                        if let Some(run) = run.and_then(|r| runs.get_mut(r)) {
                            run.output = Some(output.value().clone());
                            run.assigned = assigned;
                            run.variables_after = Some(visible(&scopes, scope));
                        }
                        scope
                    }
                    None => inherited,
                }
            }
            Event::MapStateStarted { .. }
            | Event::MapStateSucceeded
            | Event::MapStateFailed
            | Event::ParallelStateStarted
            | Event::ParallelStateSucceeded
            | Event::ParallelStateFailed
            | Event::StateAborted { state_type: StateType::Map | StateType::Parallel, .. } => {
                // In the scope the Map or Parallel state runs in.
                let state = step.unwrap_or_default();
                open.iter()
                    .rev()
                    .find(|(n, _, _)| n == state)
                    .map(|(_, s, _)| *s)
                    .unwrap_or(inherited)
            }
            _ => inherited,
        };
        scope_of.insert(event.id, scope);

        if let Event::StateEntered { state_type, input, .. } = &event.event {
            let state = step.unwrap_or_default().to_string();
            let run = if state == name {
                runs.push(StateRun {
                    entered_id: event.id,
                    state_type: state_type.as_str().to_string(),
                    input: Some(input.value().clone()),
                    variables_before: visible(&scopes, scope),
                    ..StateRun::default()
                });
                if *state_type == StateType::Fail {
                    pending_fail = Some((runs.len() - 1, event.id));
                }
                Some(runs.len() - 1)
            } else {
                None
            };
            open.push((state, scope, run));
            continue;
        }

        // The error a Fail state raised is reported by the event that follows it.
        if let Some((run, entered)) = pending_fail {
            if previous == entered {
                if let Some(run) = runs.get_mut(run) {
                    run.error = error_of(&event.event);
                    run.cause = cause_of(&event.event);
                }
                pending_fail = None;
            }
        }

        if step != Some(name) || matches!(event.event, Event::StateExited { .. }) {
            continue;
        }
        // Work done by the open run of `name` in this scope.
        let run = open
            .iter()
            .rev()
            .find(|(n, s, _)| n == name && is_ancestor_or_self(&scopes, *s, scope))
            .or_else(|| open.iter().rev().find(|(n, _, _)| n == name))
            .and_then(|(_, _, r)| *r)
            .and_then(|r| runs.get_mut(r));
        let Some(run) = run else {
            continue;
        };
        match &event.event {
            Event::TaskScheduled { family, resource, .. } => {
                run.attempts += 1;
                run.resource = Some(scheduled_resource(*family, resource));
            }
            Event::MapStateStarted { .. } | Event::ParallelStateStarted => run.attempts += 1,
            _ => {}
        }
        if is_failure(&event.event) {
            run.error = error_of(&event.event);
            run.cause = cause_of(&event.event);
            run.last_attempt_failed = true;
        } else if is_success(&event.event) {
            run.last_attempt_failed = false;
        }
    }

    let status = statuses(events, execution).get(name).copied();
    let last = runs.len().saturating_sub(1);
    for (index, run) in runs.iter_mut().enumerate() {
        run.status = if index == last {
            status
        } else if run.state_type == "Fail" {
            Some(StateStatus::Failed)
        } else if run.exited() {
            Some(if run.last_attempt_failed {
                StateStatus::CaughtError
            } else {
                StateStatus::Succeeded
            })
        } else {
            Some(open_status(execution))
        };
    }
    StateDetail { name: name.to_string(), status, runs }
}
