//! The event history table: ID, Type, Step, Resource, Elapsed Time (ms), Timestamp; rows
//! expand to their details JSON (AWS's shape, written only when a row is opened); filter by
//! event type or by state.

use std::collections::BTreeSet;

use asl::HistoryEvent;
use leptos::prelude::*;

use crate::panels::status::pretty;
use crate::run::format_timestamp;
use crate::session::{session, Session};

/// Rows drawn per page of the table.
pub const PAGE_ROWS: usize = 500;

/// Rows passing the filters ("" = any).
pub fn filter_rows<'a>(
    rows: &'a [HistoryEvent],
    event_type: &str,
    step: &str,
) -> Vec<&'a HistoryEvent> {
    rows.iter()
        .filter(|r| event_type.is_empty() || r.type_name() == event_type)
        .filter(|r| step.is_empty() || r.state_name.as_deref() == Some(step))
        .collect()
}

/// Distinct items in the order they first appear.
fn first_seen<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        if !seen.iter().any(|s| s == item) {
            seen.push(item.to_string());
        }
    }
    seen
}

/// One drawn row: the event and when its execution started (for the elapsed time).
#[derive(Clone, PartialEq)]
struct Row {
    event: HistoryEvent,
    start_ms: i64,
}

#[component]
pub fn HistoryTable() -> impl IntoView {
    let Session { run_view: run, hovered_state: hovered, .. } = session();
    let type_filter = RwSignal::new(String::new());
    let step_filter = RwSignal::new(String::new());
    let expanded = RwSignal::new(BTreeSet::<u64>::new());
    // Rows drawn at most (a runaway execution has 25,000 events); "Show more" raises it.
    let limit = RwSignal::new(PAGE_ROWS);

    // The filters list event types and states in the order they first happened.
    let types = Memo::new(move |_| {
        run.with(|r| first_seen(r.iter().flat_map(|r| r.events.iter().map(|e| e.type_name()))))
    });
    let steps = Memo::new(move |_| {
        run.with(|r| {
            first_seen(
                r.iter().flat_map(|r| r.events.iter().filter_map(|e| e.state_name.as_deref())),
            )
        })
    });
    let total = Memo::new(move |_| run.with(|r| r.as_ref().map_or(0, |r| r.events.len())));
    // The rows to draw and how many rows pass the filters.
    let visible = Memo::new(move |_| {
        let tf = type_filter.get();
        let sf = step_filter.get();
        let limit = limit.get();
        run.with(|r| {
            let Some(r) = r else {
                return (Vec::new(), 0);
            };
            let start_ms = r.start_ms();
            let matching = filter_rows(&r.events, &tf, &sf);
            let count = matching.len();
            let rows = matching
                .into_iter()
                .take(limit)
                .map(|e| Row { event: e.clone(), start_ms })
                .collect::<Vec<_>>();
            (rows, count)
        })
    });

    // One row (and its expandable details); keyed by run start and event id, so that new
    // events append rows without redrawing the old ones.
    let row = move |Row { event: e, start_ms }: Row| {
        let id = e.id;
        let open = move || expanded.with(|x| x.contains(&id));
        let toggle = move |_| {
            expanded.update(|x| {
                if !x.remove(&id) {
                    x.insert(id);
                }
            })
        };
        let step = e.state_name.as_deref().map(str::to_string);
        let step_cell = step.clone().unwrap_or_default();
        let resource = e.resource.as_deref().unwrap_or_default().to_string();
        let resource_title = resource.clone();
        let elapsed_ms = e.timestamp_ms - start_ms;
        let timestamp = format_timestamp(e.timestamp_ms);
        let event_type = e.type_name();
        view! {
            <tr
                class="event"
                class:open=open
                on:click=toggle
                on:mouseenter=move |_| hovered.set(step.clone())
                on:mouseleave=move |_| hovered.set(None)
            >
                <td class="num">
                    <span class="caret">{move || if open() { "▾" } else { "▸" }}</span>
                    {id}
                </td>
                <td>{event_type}</td>
                <td>{step_cell}</td>
                <td class="resource" title=resource_title>
                    {resource}
                </td>
                <td class="num">{elapsed_ms}</td>
                <td class="ts">{timestamp}</td>
            </tr>
            <Show when=open>
                <tr class="details">
                    <td colspan="6">
                        <pre class="json-view">{pretty(&e.to_aws_json())}</pre>
                    </td>
                </tr>
            </Show>
        }
    };

    view! {
        <section class="panel history" aria-label="Events">
            <div class="history-head">
                <h2 class="panel-title">"Events"</h2>
                <label>
                    "Type "
                    <select on:change=move |ev| type_filter.set(event_target_value(&ev))>
                        <option value="">"All types"</option>
                        {move || {
                            types
                                .get()
                                .into_iter()
                                .map(|t| view! { <option value=t.clone()>{t.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    "State "
                    <select on:change=move |ev| step_filter.set(event_target_value(&ev))>
                        <option value="">"All states"</option>
                        {move || {
                            steps
                                .get()
                                .into_iter()
                                .map(|s| view! { <option value=s.clone()>{s.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </div>
            <div class="table-scroll">
                <table class="events">
                    <thead>
                        <tr>
                            <th>"ID"</th>
                            <th>"Type"</th>
                            <th>"Step"</th>
                            <th>"Resource"</th>
                            <th>"Elapsed Time (ms)"</th>
                            <th>"Timestamp"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || visible.with(|(rows, _)| rows.clone())
                            key=|r| (r.start_ms, r.event.id)
                            children=row
                        />
                    </tbody>
                </table>
                <Show when=move || total.get() == 0>
                    <p class="empty">"Start an execution to see its event history."</p>
                </Show>
                {move || {
                    let (shown, matching) = visible.with(|(rows, n)| (rows.len(), *n));
                    (shown < matching)
                        .then(|| {
                            view! {
                                <div class="more-rows">
                                    <span>{format!("Showing {shown} of {matching} events.")}</span>
                                    <button
                                        class="btn small"
                                        on:click=move |_| limit.update(|l| *l += PAGE_ROWS)
                                    >
                                        {format!("Show {} more", PAGE_ROWS.min(matching - shown))}
                                    </button>
                                </div>
                            }
                        })
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl::definition::StateType;
    use asl::history::{Event, Payload};
    use serde_json::json;

    fn row(id: u64, event: Event, step: Option<&str>) -> HistoryEvent {
        HistoryEvent {
            id,
            previous_event_id: id.saturating_sub(1),
            timestamp_ms: 0,
            state_name: step.map(Into::into),
            resource: None,
            event,
        }
    }

    #[test]
    fn filters_by_type_and_state() {
        let input = Payload::new(json!({}));
        let entered = |state_type, name: &str| Event::StateEntered {
            state_type,
            name: name.into(),
            input: input.clone(),
        };
        let exited = Event::StateExited {
            state_type: StateType::Task,
            name: "Call API".into(),
            output: input.clone(),
            assigned_variables: None,
        };
        let started = Event::ExecutionStarted { input: input.clone(), role_arn: "arn".into() };
        let rows = vec![
            row(1, started, None),
            row(2, entered(StateType::Task, "Call API"), Some("Call API")),
            row(3, exited, Some("Call API")),
            row(4, entered(StateType::Pass, "OK"), Some("OK")),
        ];
        let ids = |v: Vec<&HistoryEvent>| v.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(filter_rows(&rows, "", "")), vec![1, 2, 3, 4]);
        assert_eq!(ids(filter_rows(&rows, "TaskStateEntered", "")), vec![2]);
        assert_eq!(ids(filter_rows(&rows, "", "Call API")), vec![2, 3]);
        assert_eq!(ids(filter_rows(&rows, "PassStateEntered", "Call API")), Vec::<u64>::new());
    }
}
