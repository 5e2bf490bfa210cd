//! What an execution's history says about each state: the status the graph colours it with
//! (the AWS console's legend) — derived from the event rows only, so it is the same live and
//! after the run.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::run::{EventRow, Status};

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

impl StateStatus {
    pub fn label(self) -> &'static str {
        match self {
            StateStatus::InProgress => "In progress",
            StateStatus::Succeeded => "Succeeded",
            StateStatus::Failed => "Failed",
            StateStatus::CaughtError => "Caught error",
            StateStatus::Cancelled => "Cancelled",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            StateStatus::InProgress => "in-progress",
            StateStatus::Succeeded => "succeeded",
            StateStatus::Failed => "failed",
            StateStatus::CaughtError => "caught-error",
            StateStatus::Cancelled => "cancelled",
        }
    }
}

/// Does this event report that the current attempt of its state failed?
pub fn is_failure_event(event_type: &str) -> bool {
    !event_type.starts_with("Execution")
        && !event_type.starts_with("MapIteration")
        && !event_type.starts_with("MapRun")
        && (event_type.ends_with("Failed") || event_type.ends_with("TimedOut"))
}

/// Does this event report that the current attempt of its state succeeded?
fn is_success_event(event_type: &str) -> bool {
    !event_type.starts_with("Execution")
        && !event_type.starts_with("MapIteration")
        && !event_type.starts_with("MapRun")
        && event_type.ends_with("Succeeded")
}

/// The status of every state the execution entered (states never entered are absent: "not
/// run"). A state entered several times (a loop, Map iterations) shows its latest run;
/// a failure anywhere in a run that reached its exit is a caught error.
pub fn statuses(events: &[EventRow], execution: Status) -> BTreeMap<String, StateStatus> {
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
        let Some(step) = event.step.as_deref() else {
            continue;
        };
        let t = event.event_type.as_str();
        let run = runs.entry(step).or_default();
        if t.ends_with("StateEntered") {
            if run.open == 0 {
                *run = Run::default();
            }
            run.open += 1;
            if t == "FailStateEntered" {
                fail_states.push(step);
            }
        } else if t.ends_with("StateExited") {
            run.open = run.open.saturating_sub(1);
            run.exited = true;
        } else if is_failure_event(t) {
            run.failed = true;
            last_failure = Some(step);
        } else if is_success_event(t) {
            run.failed = false;
        }
    }
    let culprit = if execution == Status::Failed { last_failure } else { None };
    runs.into_iter()
        .map(|(name, run)| {
            let status = if fail_states.contains(&name) || (culprit == Some(name) && run.open > 0) {
                StateStatus::Failed
            } else if run.open > 0 {
                match execution {
                    Status::Running => StateStatus::InProgress,
                    Status::Failed => StateStatus::Failed,
                    Status::Succeeded | Status::TimedOut | Status::Aborted => {
                        StateStatus::Cancelled
                    }
                }
            } else if run.failed && run.exited {
                StateStatus::CaughtError
            } else {
                StateStatus::Succeeded
            };
            (name.to_string(), status)
        })
        .collect()
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
    /// The state's effective input (from `stateEnteredEventDetails.input`).
    pub input: Option<Value>,
    /// The state's output (from `stateExitedEventDetails.output`); None until it exits.
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
    /// What this run assigned (`stateExitedEventDetails.assignedVariables`).
    pub assigned: Variables,
    /// This run's status (the latest run's is the state's status in `statuses`).
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

/// The `<type>EventDetails` object of an AWS history event, if any.
fn event_details(details: &Value) -> Option<&serde_json::Map<String, Value>> {
    details
        .as_object()?
        .iter()
        .find(|(key, _)| key.ends_with("EventDetails"))
        .and_then(|(_, value)| value.as_object())
}

fn text_field(details: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    details.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A payload as history writes it (JSON text) parsed back into a value; text that is not JSON
/// is kept as a string.
fn payload(details: &serde_json::Map<String, Value>, key: &str) -> Option<Value> {
    match details.get(key)? {
        Value::String(text) => {
            Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())))
        }
        other => Some(other.clone()),
    }
}

/// `assignedVariables` (name → JSON text) as values.
fn assigned_variables(details: &serde_json::Map<String, Value>) -> Variables {
    let Some(Value::Object(map)) = details.get("assignedVariables") else {
        return Variables::new();
    };
    map.iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => {
                    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
                }
                other => other.clone(),
            };
            (name.clone(), value)
        })
        .collect()
}

/// The resource a scheduling event names.
fn scheduled_resource(details: &serde_json::Map<String, Value>) -> Option<String> {
    let resource = text_field(details, "resource")?;
    match text_field(details, "resourceType") {
        Some(kind) => Some(format!("arn:aws:states:::{kind}:{resource}")),
        None => Some(resource),
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
/// (`previousEventId`); a Map iteration's scope is opened by `MapIterationStarted`, a Parallel
/// branch's by the first state entered after `ParallelStateStarted`.
pub fn state_detail(events: &[EventRow], execution: Status, name: &str) -> StateDetail {
    let mut scopes = vec![Scope { parent: None, vars: Variables::new() }];
    // Scope of each event by id.
    let mut scope_of: BTreeMap<u64, usize> = BTreeMap::new();
    // Runs not yet exited: (state name, scope, index into `runs` when it is `name`).
    let mut open: Vec<(String, usize, Option<usize>)> = Vec::new();
    let mut runs: Vec<StateRun> = Vec::new();
    // A Fail state's run and its entered event: the event that follows it reports the error.
    let mut pending_fail: Option<(usize, u64)> = None;
    let type_of: BTreeMap<u64, &str> =
        events.iter().map(|e| (e.id, e.event_type.as_str())).collect();

    for event in events {
        let t = event.event_type.as_str();
        let details = event_details(&event.details);
        let previous = event.details.get("previousEventId").and_then(Value::as_u64);
        let previous_type = previous.and_then(|p| type_of.get(&p).copied());
        let inherited = previous.and_then(|p| scope_of.get(&p).copied()).unwrap_or(0);
        let step = event
            .step
            .as_deref()
            .or_else(|| details.and_then(|d| d.get("name")).and_then(Value::as_str));

        let scope = if t == "MapIterationStarted" {
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
        } else if t.ends_with("StateEntered") && previous_type == Some("ParallelStateStarted") {
            scopes.push(Scope { parent: Some(inherited), vars: Variables::new() });
            scopes.len() - 1
        } else if t.ends_with("StateExited") {
            // The scope of the run it ends: the nearest open run of this state whose scope
            // encloses the event it follows, else the latest open run of it.
            let state = step.unwrap_or_default();
            let position = open
                .iter()
                .rposition(|(n, s, _)| n == state && is_ancestor_or_self(&scopes, *s, inherited))
                .or_else(|| open.iter().rposition(|(n, _, _)| n == state));
            match position {
                Some(position) => {
                    let (_, scope, run) = open.remove(position);
                    if let Some(details) = details {
                        let assigned = assigned_variables(details);
                        if let Some(target) = scopes.get_mut(scope) {
                            target.vars.extend(assigned.clone());
                        }
                        if let Some(run) = run.and_then(|r| runs.get_mut(r)) {
                            run.output = payload(details, "output");
                            run.assigned = assigned;
                        }
                    }
                    if let Some(run) = run.and_then(|r| runs.get_mut(r)) {
                        run.variables_after = Some(visible(&scopes, scope));
                    }
                    scope
                }
                None => inherited,
            }
        } else if (t.starts_with("MapState") || t.starts_with("ParallelState"))
            && !t.ends_with("StateEntered")
        {
            // MapStateStarted/Succeeded/…: in the scope the Map state runs in.
            let state = step.unwrap_or_default();
            open.iter().rev().find(|(n, _, _)| n == state).map(|(_, s, _)| *s).unwrap_or(inherited)
        } else {
            inherited
        };
        scope_of.insert(event.id, scope);

        if t.ends_with("StateEntered") {
            let state = step.unwrap_or_default().to_string();
            let run = if state == name {
                runs.push(StateRun {
                    entered_id: event.id,
                    state_type: t.trim_end_matches("StateEntered").to_string(),
                    input: details.and_then(|d| payload(d, "input")),
                    variables_before: visible(&scopes, scope),
                    ..StateRun::default()
                });
                if t == "FailStateEntered" {
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
            if previous == Some(entered) {
                if let (Some(run), Some(details)) = (runs.get_mut(run), details) {
                    run.error = text_field(details, "error");
                    run.cause = text_field(details, "cause");
                }
                pending_fail = None;
            }
        }

        if step != Some(name) || t.ends_with("StateExited") {
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
        if t.ends_with("Scheduled") || t == "MapStateStarted" || t == "ParallelStateStarted" {
            run.attempts += 1;
            if let Some(resource) = details.and_then(scheduled_resource) {
                run.resource = Some(resource);
            }
        }
        if is_failure_event(t) {
            run.error = details.and_then(|d| text_field(d, "error"));
            run.cause = details.and_then(|d| text_field(d, "cause"));
            run.last_attempt_failed = true;
        } else if is_success_event(t) {
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
            Some(match execution {
                Status::Running => StateStatus::InProgress,
                Status::Failed => StateStatus::Failed,
                Status::Succeeded | Status::TimedOut | Status::Aborted => StateStatus::Cancelled,
            })
        };
    }
    StateDetail { name: name.to_string(), status, runs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{start, RunView};
    use serde_json::json;

    const TUTORIAL: &str = include_str!("../examples/tutorial.asl.json");

    fn run(code: &str) -> RunView {
        match start(TUTORIAL, &json!({ "statuscode": code }), "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        }
    }

    fn status_of(view: &RunView, state: &str) -> Option<StateStatus> {
        statuses(&view.events, view.status).get(state).copied()
    }

    #[test]
    fn succeeded_run_colours_the_path_it_took() {
        let view = run("200");
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "OK"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "Wait and Try Later"), None);
    }

    #[test]
    fn caught_error_then_fail_state() {
        let view = run("503");
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::CaughtError));
        assert_eq!(status_of(&view, "Server Unavailable"), Some(StateStatus::Failed));
    }

    #[test]
    fn a_retried_and_caught_task_that_later_succeeds_shows_its_latest_run() {
        let view = run("429");
        // Call API ran twice: caught (after retries), then succeeded.
        assert_eq!(status_of(&view, "Call API"), Some(StateStatus::Succeeded));
        assert_eq!(status_of(&view, "Wait and Try Later"), Some(StateStatus::Succeeded));
    }

    #[test]
    fn an_uncaught_failure_marks_the_state_failed() {
        let definition = r#"{"StartAt":"T","States":{"T":{"Type":"Task",
            "Resource":"arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction","End":true}}}"#;
        let view = match start(definition, &json!({ "statuscode": "503" }), "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        };
        assert_eq!(view.status, Status::Failed);
        assert_eq!(status_of(&view, "T"), Some(StateStatus::Failed));
    }

    #[test]
    fn failure_events_exclude_execution_and_iteration_events() {
        assert!(is_failure_event("LambdaFunctionFailed"));
        assert!(is_failure_event("TaskTimedOut"));
        assert!(!is_failure_event("ExecutionFailed"));
        assert!(!is_failure_event("MapIterationFailed"));
    }

    fn detail(view: &RunView, state: &str) -> StateDetail {
        state_detail(&view.events, view.status, state)
    }

    fn vars(pairs: &[(&str, Value)]) -> Variables {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn details_of_a_succeeded_task() {
        let view = run("200");
        let d = detail(&view, "Call API");
        assert_eq!(d.status, Some(StateStatus::Succeeded));
        assert_eq!(d.times_entered(), 1);
        let Some(r) = d.latest() else { panic!("Call API ran") };
        assert_eq!(r.state_type, "Task");
        assert_eq!(r.input, Some(json!({ "statuscode": "200" })));
        assert_eq!(r.output, Some(json!("200 OK")));
        assert_eq!(
            r.resource.as_deref(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction")
        );
        assert_eq!((r.attempts, r.retry_count()), (1, 0));
        assert_eq!((r.error.as_deref(), r.cause.as_deref()), (None, None));
        assert!(r.variables_before.is_empty());
        assert_eq!(r.variables_after, Some(Variables::new()));
    }

    #[test]
    fn details_of_a_retried_caught_then_succeeding_task() {
        let view = run("429");
        let d = detail(&view, "Call API");
        assert_eq!(d.times_entered(), 2);
        let [caught, latest] = d.runs.as_slice() else { panic!("two runs: {:?}", d.runs) };
        // MaxAttempts 2: the first try and two retries, all failing; then caught.
        assert_eq!((caught.attempts, caught.retry_count()), (3, 2));
        assert_eq!(caught.status, Some(StateStatus::CaughtError));
        assert_eq!(latest.status, Some(StateStatus::Succeeded));
        assert_eq!(caught.error.as_deref(), Some("TooManyRequestsException"));
        let cause = caught.cause.clone().unwrap_or_default();
        assert!(cause.starts_with("{\"errorMessage\":\"429 Too Many Requests\""), "{cause}");
        assert!(
            cause.contains("raise TooManyRequestsException('429 Too Many Requests')"),
            "{cause}"
        );
        let output = caught.output.clone().unwrap_or_default();
        assert_eq!(output["Error"], json!("TooManyRequestsException"));
        assert_eq!(output["Cause"], json!(cause));
        // The run after "Change to 200" succeeds first time.
        assert_eq!(latest.input, Some(json!({ "statuscode": "200" })));
        assert_eq!(latest.output, Some(json!("200 OK")));
        assert_eq!((latest.retry_count(), latest.error.as_deref()), (0, None));
        assert!(latest.entered_id > caught.entered_id);
    }

    #[test]
    fn details_of_a_caught_server_error_and_the_fail_state() {
        let view = run("503");
        let d = detail(&view, "Call API");
        assert_eq!(d.status, Some(StateStatus::CaughtError));
        let Some(r) = d.latest() else { panic!("Call API ran") };
        assert_eq!(r.error.as_deref(), Some("ServerUnavailableException"));
        assert_eq!(r.retry_count(), 0);
        let fail = detail(&view, "Server Unavailable");
        assert_eq!(fail.status, Some(StateStatus::Failed));
        let Some(f) = fail.latest() else { panic!("the Fail state ran") };
        assert_eq!(f.state_type, "Fail");
        assert_eq!(f.error.as_deref(), Some("ServerUnavailable"));
        assert_eq!(
            f.cause.as_deref(),
            Some("The server is currently unable to handle the request.")
        );
        assert_eq!(f.output, None);
        assert_eq!(f.variables_after, None);
    }

    #[test]
    fn a_state_that_never_ran() {
        let view = run("200");
        let d = detail(&view, "Wait and Try Later");
        assert_eq!(d.status, None);
        assert!(d.runs.is_empty());
    }

    const ASSIGNING: &str = r#"{"QueryLanguage":"JSONata","StartAt":"Init","States":{
        "Init":{"Type":"Pass","Assign":{"count":0,"who":"{% $states.input.who %}"},"Next":"Loop"},
        "Loop":{"Type":"Pass","Assign":{"count":"{% $count + 1 %}"},"Output":"{% $count %}",
            "Next":"Check"},
        "Check":{"Type":"Choice","Choices":[{"Condition":"{% $count < 3 %}","Next":"Loop"}],
            "Default":"Each"},
        "Each":{"Type":"Map","Items":"{% [1,2] %}","ItemProcessor":{
            "ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Inner","States":{
            "Inner":{"Type":"Pass","Assign":{"local":"{% $states.input * 10 %}"},"End":true}}},
            "Assign":{"done":true},"Next":"Par"},
        "Par":{"Type":"Parallel","Branches":[
            {"StartAt":"B1","States":{"B1":{"Type":"Pass","Assign":{"b":1},"Next":"B1b"},
                "B1b":{"Type":"Pass","End":true}}},
            {"StartAt":"B2","States":{"B2":{"Type":"Pass","End":true}}}],"Next":"Done"},
        "Done":{"Type":"Succeed","Output":"{% {'count': $count, 'who': $who} %}"}}}"#;

    fn assigning_run() -> RunView {
        match start(ASSIGNING, &json!({ "who": "ann" }), "", None) {
            Ok(view) => view,
            Err(e) => panic!("cannot start: {e}"),
        }
    }

    #[test]
    fn variables_before_and_after_each_state() {
        let view = assigning_run();
        assert_eq!(view.status, Status::Succeeded);
        assert_eq!(view.output, Some(json!({ "count": 3, "who": "ann" })));

        let init = detail(&view, "Init");
        let Some(i) = init.latest() else { panic!("Init ran") };
        assert_eq!(i.variables_before, Variables::new());
        assert_eq!(i.assigned, vars(&[("count", json!(0)), ("who", json!("ann"))]));
        assert_eq!(i.variables_after, Some(vars(&[("count", json!(0)), ("who", json!("ann"))])));

        // A loop: three runs, each seeing the count the previous one left.
        let looped = detail(&view, "Loop");
        assert_eq!(looped.times_entered(), 3);
        let counts: Vec<(Value, Option<Value>)> = looped
            .runs
            .iter()
            .map(|r| {
                (
                    r.variables_before["count"].clone(),
                    r.variables_after.as_ref().map(|v| v["count"].clone()),
                )
            })
            .collect();
        assert_eq!(
            counts,
            vec![
                (json!(0), Some(json!(1))),
                (json!(1), Some(json!(2))),
                (json!(2), Some(json!(3)))
            ]
        );
        assert_eq!(looped.latest().and_then(|r| r.output.clone()), Some(json!(2)));
    }

    #[test]
    fn map_iterations_and_parallel_branches_have_local_scopes() {
        let view = assigning_run();
        let outer = vars(&[("count", json!(3)), ("who", json!("ann"))]);

        // Each iteration sees the outer variables and its own assignment only.
        let inner = detail(&view, "Inner");
        assert_eq!(inner.times_entered(), 2);
        let afters: Vec<Option<Variables>> =
            inner.runs.iter().map(|r| r.variables_after.clone()).collect();
        let mut first = outer.clone();
        first.insert("local".into(), json!(10));
        let mut second = outer.clone();
        second.insert("local".into(), json!(20));
        assert_eq!(afters, vec![Some(first), Some(second)]);
        assert!(inner.runs.iter().all(|r| r.variables_before == outer));

        // The iteration's variables stay inside it; the Map's own Assign is outside.
        let each = detail(&view, "Each");
        let Some(e) = each.latest() else { panic!("Each ran") };
        assert_eq!(e.variables_before, outer);
        let mut after_map = outer.clone();
        after_map.insert("done".into(), json!(true));
        assert_eq!(e.variables_after, Some(after_map.clone()));
        assert_eq!(e.attempts, 1);

        // A branch's assignment is seen later in that branch, not in the other one.
        let b1b = detail(&view, "B1b");
        let mut in_b1 = after_map.clone();
        in_b1.insert("b".into(), json!(1));
        assert_eq!(b1b.latest().map(|r| r.variables_before.clone()), Some(in_b1));
        let b2 = detail(&view, "B2");
        assert_eq!(b2.latest().map(|r| r.variables_before.clone()), Some(after_map.clone()));
        let done = detail(&view, "Done");
        assert_eq!(done.latest().map(|r| r.variables_before.clone()), Some(after_map));
    }

    #[test]
    fn a_partial_history_shows_the_run_so_far() {
        let view = run("429");
        let partial: Vec<EventRow> = view.events.iter().filter(|e| e.id <= 8).cloned().collect();
        let d = state_detail(&partial, Status::Running, "Call API");
        assert_eq!(d.status, Some(StateStatus::InProgress));
        let Some(r) = d.latest() else { panic!("Call API is running") };
        assert_eq!((r.attempts, r.output.clone(), r.variables_after.clone()), (2, None, None));
        assert_eq!(r.error.as_deref(), Some("TooManyRequestsException"));
    }
}
