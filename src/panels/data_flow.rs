//! "Data flow": the selected state's data at each stage (input → `InputPath` → `Parameters` →
//! result → `ResultSelector` → `ResultPath` → output; JSONata's `$states.input` →
//! `Arguments` → result → `Output` with `Assign`'s variables; a Map's `ItemsPath`,
//! `ItemSelector`, `ItemBatcher`), as the shown execution computed it: the engine records
//! every visit (`asl::runner::visits`) and the worker posts them with the history; nothing
//! runs again. A state that ran several times (retries, loops, Map iterations) has a picker.
//! The stages and their names come from the engine (`asl::runner::stages`); this file draws
//! them, with what changed from the stage before highlighted.

use leptos::prelude::*;
use serde_json::Value;

use asl::runner::stages::{self, diff, ChangeKind, Stage, StageValue};
use asl::runner::{LaneKind, StateVisit, TraceOutcome};

use crate::panels::status::pretty;
use crate::session::{session, Session};

/// The selected state's data flow in the shown execution.
#[component]
pub fn DataFlowView(state: String) -> impl IntoView {
    let Session { run_view: run, .. } = session();
    // The visit picked (an index among the state's visits), None: the latest.
    let picked = RwSignal::new(None::<usize>);
    let name = state.clone();
    let visits = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(|r| {
                let visits: Vec<StateVisit> =
                    r.data_flow.visits.iter().filter(|v| v.state == name).cloned().collect();
                (visits, r.data_flow.not_recorded, r.data_flow.limits.max_visits)
            })
        })
    });
    move || {
        let Some((visits, not_recorded, max)) = visits.get() else {
            return view! {
                <p class="empty df-hint">"Start an execution to see this state's data flow."</p>
            }
            .into_any();
        };
        let note = (not_recorded > 0).then(|| {
            view! {
                <p class="df-note" role="note">
                    {format!(
                        "Data flow not recorded beyond {max} state visits: {not_recorded} more were not recorded."
                    )}
                </p>
            }
        });
        if visits.is_empty() {
            return view! {
                {note}
                <p class="empty df-hint">"Not run in this execution (yet)."</p>
            }
            .into_any();
        }
        let count = visits.len();
        let index = picked.get().filter(|i| *i < count).unwrap_or(count - 1);
        let picker = (count > 1).then(|| {
            let options = visits
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut label = visit_label(v);
                    if i + 1 == count {
                        label.push_str(" (latest)");
                    }
                    view! {
                        <option value=i.to_string() selected=i == index>
                            {label}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <label class="df-picker">
                    {format!("Ran {count} times: ")}
                    <select
                        class="df-run-picker"
                        aria-label="Which run to show"
                        on:change=move |ev| {
                            picked.set(event_target_value(&ev).parse::<usize>().ok());
                        }
                    >
                        {options}
                    </select>
                </label>
            }
        });
        let Some(visit) = visits.get(index).cloned() else {
            return ().into_any();
        };
        let stages = stages::stages(&visit.trace, &visit.state_type, visit.jsonata);
        view! {
            {note}
            {picker}
            <p class="df-outcome" data-outcome=outcome_key(&visit)>{outcome_text(&visit)}</p>
            {stages_view(stages)}
            {variables_view(&visit)}
        }
        .into_any()
    }
}

/// "Visit 2, retry 1 · Map iteration 3 · Parallel branch 1" (indexes as the history counts
/// them: from 0).
fn visit_label(v: &StateVisit) -> String {
    let mut label = format!("Run {}", v.visit);
    if v.attempt > 0 {
        label.push_str(&format!(", retry {}", v.attempt));
    }
    for lane in &v.lanes {
        let kind = match lane.kind {
            LaneKind::Iteration => "iteration",
            LaneKind::Branch => "branch",
        };
        label.push_str(&format!(" · {} {kind} {}", lane.state, lane.index));
    }
    label
}

fn outcome_key(v: &StateVisit) -> &'static str {
    match &v.trace.outcome {
        None => "unfinished",
        Some(TraceOutcome::Left { .. }) => "left",
        Some(TraceOutcome::Retried { .. }) => "retried",
        Some(TraceOutcome::Caught { .. }) => "caught",
        Some(TraceOutcome::Failed(_)) => "failed",
    }
}

fn outcome_text(v: &StateVisit) -> String {
    let error = v.trace.error.as_ref().map(|e| {
        format!(
            "{}{}",
            e.error.as_deref().unwrap_or("(no error name)"),
            e.cause.as_deref().map(|c| format!(": {c}")).unwrap_or_default()
        )
    });
    let raised = error.clone().map(|e| format!("Raised {e}. ")).unwrap_or_default();
    match &v.trace.outcome {
        None => "Did not finish in this execution.".to_string(),
        Some(TraceOutcome::Left { next: Some(n) }) => format!("Went on to {n}."),
        Some(TraceOutcome::Left { next: None }) => "Ended its workflow.".to_string(),
        Some(TraceOutcome::Retried { retry_index, delay_seconds, .. }) => format!(
            "{raised}Retrier #{} matched: retried after {delay_seconds} s.",
            retry_index + 1
        ),
        Some(TraceOutcome::Caught { catch_index, next }) => {
            format!("{raised}Catcher #{} matched: went on to {next}.", catch_index + 1)
        }
        Some(TraceOutcome::Failed(e)) => format!(
            "Failed: {}{}",
            e.error.as_deref().unwrap_or("(no error name)"),
            e.cause.as_deref().map(|c| format!(": {c}")).unwrap_or_default()
        ),
    }
}

/// The stages, each with the field that produced it and what changed from the stage before
/// (shared with the "Test state" panel).
pub fn stages_view(stages: Vec<Stage>) -> impl IntoView {
    let mut previous: Option<Value> = None;
    let items = stages
        .into_iter()
        .map(|stage| {
            let body = match stage.value {
                StageValue::Computed(value) => {
                    let body = value_view(previous.as_ref(), &value);
                    previous = Some(value);
                    body
                }
                StageValue::Unchanged => view! {
                    <p class="df-skipped">"Not set: the data goes on unchanged."</p>
                }
                .into_any(),
                StageValue::NotReached => {
                    view! { <p class="df-skipped">"Not reached."</p> }.into_any()
                }
            };
            view! {
                <li class="df-stage" data-stage=stage.key>
                    <div class="df-field">{stage.field}</div>
                    {body}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="df-stages">{items}</ol> }
}

/// A value, its top-level members marked added / changed (removed ones shown struck out),
/// and the list of changed paths.
fn value_view(before: Option<&Value>, after: &Value) -> AnyView {
    let Some(before) = before else {
        return view! { <pre class="json-view df-value">{pretty(after)}</pre> }.into_any();
    };
    let changes = diff(before, after);
    if changes.is_empty() {
        return view! {
            <pre class="json-view df-value">{pretty(after)}</pre>
            <p class="df-same">"Unchanged."</p>
        }
        .into_any();
    }
    let shown = match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let count = a.len() + b.keys().filter(|k| !a.contains_key(*k)).count();
            let mut lines = Vec::with_capacity(count);
            for (k, v) in a {
                let class = match b.get(k) {
                    None => "df-line df-added",
                    Some(old) if old != v => "df-line df-changed",
                    Some(_) => "df-line",
                };
                lines.push((class, member_text(k, v)));
            }
            for (k, v) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                lines.push(("df-line df-removed", member_text(k, v)));
            }
            let last = lines.len();
            let lines = lines
                .into_iter()
                .enumerate()
                .map(|(i, (class, text))| {
                    let comma = if i + 1 < last { "," } else { "" };
                    view! { <span class=class>{format!("  {text}{comma}\n")}</span> }
                })
                .collect_view();
            view! { <pre class="json-view df-value">"{\n"{lines}"}"</pre> }.into_any()
        }
        _ => view! { <pre class="json-view df-value df-changed">{pretty(after)}</pre> }.into_any(),
    };
    let list = changes
        .into_iter()
        .map(|c| {
            let (class, sign) = match c.kind {
                ChangeKind::Added => ("df-added", "+ "),
                ChangeKind::Removed => ("df-removed", "− "),
                ChangeKind::Changed => ("df-changed", "~ "),
            };
            view! { <li class=class>{sign}<code>{c.path}</code></li> }
        })
        .collect_view();
    view! {
        {shown}
        <ul class="df-changes" aria-label="Changed from the stage before">{list}</ul>
    }
    .into_any()
}

/// `"key": value`, the value indented as a member.
fn member_text(key: &str, value: &Value) -> String {
    let key = serde_json::to_string(key).unwrap_or_default();
    let value = pretty(value).replace('\n', "\n  ");
    format!("{key}: {value}")
}

fn variables_view(v: &StateVisit) -> Option<impl IntoView> {
    let vars = v.trace.variables.as_ref()?;
    if vars.is_empty() && !v.trace.assigned {
        return None;
    }
    let rows = vars
        .iter()
        .map(|(name, value)| {
            view! {
                <tr>
                    <td class="var-name">{format!("${name}")}</td>
                    <td class="var-value">{serde_json::to_string(value).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <div class="df-stage df-variables" data-stage="variables">
            <div class="df-field">"Assign: variables after the state"</div>
            <table class="sd-var-table">
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}
