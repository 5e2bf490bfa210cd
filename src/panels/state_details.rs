//! The selected state's panel: its Input, Output and Details (status, type, resource, error,
//! cause, retry count, times entered, workflow variables before and after) for the shown
//! execution, as the console's step details. Read from the history by the engine
//! (`asl::history::reader`) whenever it grows, so it follows a running execution live.

use leptos::prelude::*;
use serde_json::Value;

use asl::history::reader::{StateDetail, StateRun, Variables};

use crate::panels::callbacks::CallbackControls;
use crate::panels::legend::Legend;
use crate::panels::status::pretty;
use crate::run::Status;
use crate::session::{session, Session};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Input,
    Output,
    Details,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Input, Tab::Output, Tab::Details];

    fn label(self) -> &'static str {
        match self {
            Tab::Input => "Input",
            Tab::Output => "Output",
            Tab::Details => "Details",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Input => "input",
            Tab::Output => "output",
            Tab::Details => "details",
        }
    }
}

/// What the panel shows for the selected state.
#[derive(Clone, PartialEq)]
enum Shown {
    /// No execution has been started.
    NoExecution,
    /// The execution's history, read for the selected state.
    Detail { detail: StateDetail, running: bool },
}

#[component]
pub fn StateDetails() -> impl IntoView {
    let Session { run_view: run, selected_state: selected, .. } = session();
    let tab = RwSignal::new(Tab::Input);
    // The run picked among a state's runs (index), None: the latest.
    let picked = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        selected.track();
        picked.set(None);
    });

    let shown = Memo::new(move |_| {
        let name = selected.get()?;
        Some(run.with(|r| match r {
            None => Shown::NoExecution,
            Some(r) => Shown::Detail {
                detail: r.state_detail(&name),
                running: r.status == Status::Running,
            },
        }))
    });

    let header = move || {
        let name = selected.get()?;
        let badge = shown.with(|s| match s {
            Some(Shown::Detail { detail, .. }) => {
                let run = shown_run(detail, picked.get());
                Some(match run.map_or(detail.status, |r| r.status) {
                    Some(status) => (format!("state-badge {}", status.css()), status.label()),
                    None => ("state-badge not-run".to_string(), "Not run"),
                })
            }
            _ => None,
        });
        Some(view! {
            <div class="sd-head">
                <div class="sd-title">
                    <h2 class="panel-title sd-name" title=name.clone()>{name.clone()}</h2>
                    {badge.map(|(class, label)| view! { <span class=class>{label}</span> })}
                    {run_picker(shown, picked)}
                </div>
                <button
                    class="sd-close"
                    title="Close"
                    aria-label="Close state details"
                    on:click=move |_| selected.set(None)
                >
                    "×"
                </button>
            </div>
        })
    };

    let body = move || {
        let Some(shown) = shown.get() else {
            return view! {
                <h2 class="panel-title">"State details"</h2>
                <p class="empty sd-hint">
                    "Select a state in the graph to see its input and output."
                </p>
            }
            .into_any();
        };
        let (detail, running) = match shown {
            Shown::NoExecution => {
                return view! {
                    <p class="empty sd-hint">
                        "Start an execution to see this state's input and output."
                    </p>
                }
                .into_any()
            }
            Shown::Detail { detail, running } => (detail, running),
        };
        let Some(state_run) = shown_run(&detail, picked.get()).cloned() else {
            return view! { <p class="empty sd-hint">"Not run in this execution."</p> }.into_any();
        };
        let tabs = Tab::ALL
            .iter()
            .map(|&t| {
                view! {
                    <button
                        role="tab"
                        data-tab=t.key()
                        class:active=move || tab.get() == t
                        aria-selected=move || (tab.get() == t).to_string()
                        on:click=move |_| tab.set(t)
                    >
                        {t.label()}
                    </button>
                }
            })
            .collect_view();
        let content = match tab.get() {
            Tab::Input => json_or(state_run.input.as_ref(), "No input recorded."),
            Tab::Output => json_or(
                state_run.output.as_ref(),
                if running && !state_run.exited() {
                    "No output yet: the state has not exited."
                } else {
                    "No output: the state did not exit."
                },
            ),
            Tab::Details => details_view(&detail, &state_run).into_any(),
        };
        view! {
            <div class="tabs" role="tablist">{tabs}</div>
            <div class="sd-body" data-tab=tab.get().key()>{content}</div>
        }
        .into_any()
    };

    view! {
        <section class="panel state-details" aria-label="State details">
            {header}
            {body}
            <CallbackControls />
            <crate::panels::executions::RerunFromHere picked=picked />
        </section>
    }
}

/// The run picked (an index), else the latest.
fn shown_run(detail: &StateDetail, picked: Option<usize>) -> Option<&StateRun> {
    picked.and_then(|i| detail.runs.get(i)).or_else(|| detail.latest())
}

/// "Ran N times" and, for several runs, a choice of which run to show.
fn run_picker(shown: Memo<Option<Shown>>, picked: RwSignal<Option<usize>>) -> impl IntoView {
    move || {
        let count = shown.with(|s| match s {
            Some(Shown::Detail { detail, .. }) => detail.times_entered(),
            _ => 0,
        });
        if count < 2 {
            return None;
        }
        let options = (0..count)
            .map(|i| {
                let label = if i + 1 == count {
                    format!("Run {} (latest)", i + 1)
                } else {
                    format!("Run {}", i + 1)
                };
                let is_selected = move || picked.get().unwrap_or(count - 1) == i;
                view! {
                    <option value=i.to_string() selected=is_selected>
                        {label}
                    </option>
                }
            })
            .collect_view();
        Some(view! {
            <span class="sd-runs">{format!("Ran {count} times")}</span>
            <select
                class="sd-run-picker"
                aria-label="Which run to show"
                on:change=move |ev| {
                    let value = event_target_value(&ev).parse::<usize>().ok();
                    picked.set(value.filter(|i| i + 1 < count));
                }
            >
                {options}
            </select>
        })
    }
}

fn json_or(value: Option<&Value>, missing: &'static str) -> AnyView {
    match value {
        Some(v) => view! { <pre class="json-view">{pretty(v)}</pre> }.into_any(),
        None => view! { <p class="empty">{missing}</p> }.into_any(),
    }
}

fn details_view(detail: &StateDetail, run: &StateRun) -> impl IntoView {
    let status = run.status.map(|s| s.label()).unwrap_or("Not run");
    let dash = || "–".to_string();
    let rows: Vec<(&'static str, String, &'static str)> = vec![
        ("Status", status.to_string(), "status"),
        ("Type", run.state_type.clone(), "type"),
        ("Resource", run.resource.clone().unwrap_or_else(dash), "resource"),
        ("Error", run.error.clone().unwrap_or_else(dash), "error"),
        ("Cause", run.cause.clone().unwrap_or_else(dash), "cause"),
        ("Retry count", run.retry_count().to_string(), "retries"),
        ("Times entered", detail.times_entered().to_string(), "entered"),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, value, key)| {
            view! {
                <dt>{label}</dt>
                <dd data-field=key>{value}</dd>
            }
        })
        .collect_view();
    let variables = if run.variables_before.is_empty()
        && run.variables_after.as_ref().is_none_or(|v| v.is_empty())
    {
        view! { <p class="empty sd-no-vars">"No variables"</p> }.into_any()
    } else {
        let after = match &run.variables_after {
            Some(after) => variables_table(after, &run.assigned).into_any(),
            None => view! { <p class="empty">"The state has not exited."</p> }.into_any(),
        };
        view! {
            <div class="sd-vars">
                <div data-vars="before">
                    <h3>"Variables before"</h3>
                    {variables_table(&run.variables_before, &Variables::new())}
                </div>
                <div data-vars="after">
                    <h3>"Variables after"</h3>
                    {after}
                </div>
            </div>
        }
        .into_any()
    };
    view! {
        <dl class="sd-fields">{rows}</dl>
        {variables}
    }
}

/// Name / value rows; names in `assigned` (set by this state) are marked.
fn variables_table(vars: &Variables, assigned: &Variables) -> impl IntoView {
    if vars.is_empty() {
        return view! { <p class="empty">"None"</p> }.into_any();
    }
    let rows = vars
        .iter()
        .map(|(name, value)| {
            let changed = assigned.contains_key(name);
            view! {
                <tr class:assigned=changed>
                    <td class="var-name">{format!("${name}")}</td>
                    <td class="var-value">
                        {serde_json::to_string(value).unwrap_or_default()}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="sd-var-table">
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
