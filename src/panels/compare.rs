//! "Compare": two listed executions side by side — their state visits aligned by state (and
//! Map iteration; a Parallel branch is told by its states' names), the first row where they
//! part highlighted, each row's input / output / status / error differences, and the graph
//! marking the states only one of them visited. The alignment is the engine's
//! (`asl::history::compare`); both histories are re-created from their recipes in a worker
//! (`run/replay.rs`). Design: docs/decisions/0021, "The page's Executions".

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use asl::history::compare::{compare, Comparison, Difference, Visit};

use crate::panels::executions::{executions, Executions};
use crate::panels::legend::Legend;
use crate::panels::status::pretty;
use crate::run::replay::{self, Replay};
use crate::run::RunView;

/// What the Compare panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum CompareView {
    /// Re-creating the two executions (their names).
    Loading(String, String),
    Ready {
        left: String,
        right: String,
        comparison: Comparison,
    },
    Failed(String),
}

/// The comparison shown, if any; provided by the app.
#[derive(Clone, Copy)]
pub struct CompareState {
    pub view: RwSignal<Option<CompareView>>,
    job: StoredValue<Option<Replay>, LocalStorage>,
}

impl CompareState {
    pub fn install() -> CompareState {
        let this = CompareState { view: RwSignal::new(None), job: StoredValue::new_local(None) };
        provide_context(this);
        this
    }

    /// Compares the listed executions `left` and `right` (re-created one after the other).
    pub fn compare(self, executions: Executions, left: u64, right: u64) {
        let records =
            executions.list.with_untracked(|l| (l.get(left).cloned(), l.get(right).cloned()));
        let (Some(l), Some(r)) = records else { return };
        let (left_name, right_name) = (l.name().to_string(), r.name().to_string());
        self.view.set(Some(CompareView::Loading(left_name.clone(), right_name.clone())));
        let done = move |id: u64, view: &RunView| executions.note_replayed(id, view);
        let first = replay::replay(&l.recipe, move |result| {
            let left_view = match result {
                Ok(view) => view,
                Err(message) => return self.fail(message),
            };
            done(left, &left_view);
            let second = replay::replay(&r.recipe, move |result| {
                let right_view = match result {
                    Ok(view) => view,
                    Err(message) => return self.fail(message),
                };
                done(right, &right_view);
                let comparison = compare(
                    (&left_view.events, left_view.status.engine()),
                    (&right_view.events, right_view.status.engine()),
                );
                let _ = self.view.try_set(Some(CompareView::Ready {
                    left: left_name,
                    right: right_name,
                    comparison,
                }));
            });
            self.job.try_set_value(Some(second));
        });
        self.job.set_value(Some(first));
    }

    fn fail(self, message: String) {
        let _ = self.view.try_set(Some(CompareView::Failed(message)));
    }

    /// The states only the left / only the right execution visited, while a comparison is
    /// shown (the graph marks them).
    pub fn only(self) -> Option<(Vec<String>, Vec<String>)> {
        self.view.with(|v| match v {
            Some(CompareView::Ready { comparison, .. }) => {
                Some((comparison.only_left.clone(), comparison.only_right.clone()))
            }
            _ => None,
        })
    }
}

pub fn compare_state() -> CompareState {
    expect_context::<CompareState>()
}

/// For the graph (`panels/graph.rs`): marks the states only one compared execution visited
/// (`only-left` / `only-right`, styled in `style/executions.css`). Tracks the comparison when
/// called in an effect.
pub fn mark_graph(el: &web_sys::Element) {
    let only = use_context::<CompareState>().and_then(CompareState::only);
    let Ok(found) = el.query_selector_all("[data-state]") else { return };
    for i in 0..found.length() {
        let Some(e) = found.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else {
            continue;
        };
        let name = e.get_attribute("data-state").unwrap_or_default();
        let (left, right) = match &only {
            Some((l, r)) => (l.contains(&name), r.contains(&name)),
            None => (false, false),
        };
        let _ = e.class_list().toggle_with_force("only-left", left);
        let _ = e.class_list().toggle_with_force("only-right", right);
    }
}

/// "Compare", beside the Executions list: enabled once two executions are ticked.
#[component]
pub fn CompareButton() -> impl IntoView {
    let executions = executions();
    let state = compare_state();
    let ready = move || executions.picked.with(|p| p.len() == 2);
    let run = move |_| {
        let picked = executions.picked.get_untracked();
        if let [left, right] = picked.as_slice() {
            state.compare(executions, *left, *right);
        }
    };
    view! {
        <button
            class="btn small"
            id="compare"
            disabled=move || !ready()
            title="Tick two executions, then compare them side by side"
            on:click=run
        >
            "Compare"
        </button>
    }
}

fn scope(visit: &Visit) -> String {
    let mut label = visit.state.clone();
    for (map, index) in &visit.iterations {
        label.push_str(&format!(" · {map} #{index}"));
    }
    if visit.occurrence > 0 {
        label.push_str(&format!(" (entry {})", visit.occurrence + 1));
    }
    label
}

fn side(visit: Option<&Visit>) -> impl IntoView {
    match visit {
        None => view! { <td class="cmp-side cmp-missing">"—"</td> }.into_any(),
        Some(v) => {
            let status = v.run.status.map(|s| (s.css(), s.label()));
            view! {
                <td class="cmp-side">
                    <span class="cmp-state">{scope(v)}</span>
                    {status.map(|(class, label)| view! { <span class=format!("state-badge {class}")>{label}</span> })}
                    {v.run.error.clone().map(|e| view! { <span class="cmp-error">{e}</span> })}
                </td>
            }
            .into_any()
        }
    }
}

fn json(value: Option<&Value>) -> String {
    value.map(pretty).unwrap_or_else(|| "(none)".into())
}

fn differences(diffs: &[Difference], left: Option<&Visit>, right: Option<&Visit>) -> impl IntoView {
    let label = |d: &Difference| match d {
        Difference::Missing => "only one visited",
        Difference::Input => "input differs",
        Difference::Output => "output differs",
        Difference::Status => "status differs",
        Difference::Error => "error differs",
    };
    let text = if diffs.is_empty() {
        "same".to_string()
    } else {
        diffs.iter().map(label).collect::<Vec<_>>().join(", ")
    };
    let detail = |what: &'static str, pick: fn(&Visit) -> Option<&Value>| {
        view! {
            <details class="cmp-diff">
                <summary>{format!("{what}: left / right")}</summary>
                <div class="cmp-pair">
                    <pre class="json">{json(left.and_then(pick))}</pre>
                    <pre class="json">{json(right.and_then(pick))}</pre>
                </div>
            </details>
        }
    };
    view! {
        <td class="cmp-what">
            <span>{text}</span>
            {diffs.contains(&Difference::Input).then(|| detail("Input", |v| v.run.input.as_ref()))}
            {diffs.contains(&Difference::Output).then(|| detail("Output", |v| v.run.output.as_ref()))}
        </td>
    }
}

/// The side-by-side view of the two compared executions.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let state = compare_state();
    let body = move || {
        let view = state.view.get()?;
        let content = match view {
            CompareView::Loading(l, r) => {
                view! { <p class="empty">{format!("Re-creating {l} and {r}…")}</p> }.into_any()
            }
            CompareView::Failed(message) => {
                view! { <p class="field-error">{message}</p> }.into_any()
            }
            CompareView::Ready { left, right, comparison } => {
                ready(&left, &right, &comparison).into_any()
            }
        };
        Some(view! {
            <section class="panel compare" id="compare-panel" aria-label="Compare">
                <div class="exec-head">
                    <h2 class="panel-title">"Compare"</h2>
                    <button class="icon-btn" id="compare-close" title="Close the comparison" aria-label="Close the comparison" on:click=move |_| state.view.set(None)>
                        "\u{00d7}"
                    </button>
                </div>
                {content}
            </section>
        })
    };
    view! { {body} }
}

fn ready(left: &str, right: &str, c: &Comparison) -> impl IntoView {
    let parting = match c.parting_state() {
        Some(state) => format!("They part at {state}."),
        None => "The same states, with the same data.".to_string(),
    };
    let only = |names: &[String], side: &str| {
        (!names.is_empty()).then(|| format!("Only {side} visited: {}.", names.join(", ")))
    };
    let rows = c
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let l = row.left.and_then(|i| c.left.get(i));
            let r = row.right.and_then(|i| c.right.get(i));
            view! {
                <tr
                    class="compare-row"
                    class:parted={c.parted_at == Some(i)}
                    class:differs={!row.differences.is_empty()}
                >
                    {side(l)}
                    {side(r)}
                    {differences(&row.differences, l, r)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="compare-parting" role="status">{parting}</p>
        <p class="compare-only">
            {only(&c.only_left, "the left")} " " {only(&c.only_right, "the right")}
            {(!c.only_left.is_empty() || !c.only_right.is_empty()).then_some(" The graph marks them (left: dashed blue, right: dashed orange).")}
        </p>
        <table class="compare-table">
            <thead>
                <tr>
                    <th>{format!("Left: {left}")}</th>
                    <th>{format!("Right: {right}")}</th>
                    <th>"Differences"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
