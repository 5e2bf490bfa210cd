//! The event history table: ID, Type, Step, Resource, Elapsed Time (ms), Timestamp; rows
//! expand to their details JSON; filter by event type or by state.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::run::{format_timestamp, EventRow, RunView};
use crate::status::pretty;

/// Rows drawn per page of the table.
pub const PAGE_ROWS: usize = 500;

/// Rows passing the filters ("" = any).
pub fn filter_rows<'a>(rows: &'a [EventRow], event_type: &str, step: &str) -> Vec<&'a EventRow> {
    rows.iter()
        .filter(|r| event_type.is_empty() || r.event_type == event_type)
        .filter(|r| step.is_empty() || r.step.as_deref() == Some(step))
        .collect()
}

#[component]
pub fn HistoryTable(
    #[prop(into)] run: Signal<Option<RunView>>,
    /// Set to the row's state while the pointer is over it (the graph highlights it).
    hovered: RwSignal<Option<String>>,
) -> impl IntoView {
    let type_filter = RwSignal::new(String::new());
    let step_filter = RwSignal::new(String::new());
    let expanded = RwSignal::new(BTreeSet::<u64>::new());
    // Rows drawn at most (a runaway execution has 25,000 events); "Show more" raises it.
    let limit = RwSignal::new(PAGE_ROWS);

    let types = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| r.events.iter().map(|e| e.event_type.clone()).collect::<BTreeSet<_>>())
                .unwrap_or_default()
        })
    });
    let steps = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| r.events.iter().filter_map(|e| e.step.clone()).collect::<BTreeSet<_>>())
                .unwrap_or_default()
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
            let matching = filter_rows(&r.events, &tf, &sf);
            let count = matching.len();
            (matching.into_iter().take(limit).cloned().collect::<Vec<_>>(), count)
        })
    });

    // One row (and its expandable details); keyed by run start and event id, so that new
    // events append rows without redrawing the old ones.
    let row = move |e: EventRow| {
        let id = e.id;
        let open = move || expanded.with(|x| x.contains(&id));
        let toggle = move |_| {
            expanded.update(|x| {
                if !x.remove(&id) {
                    x.insert(id);
                }
            })
        };
        let step = e.step.clone();
        let details = e.details;
        let resource = e.resource.unwrap_or_default();
        let resource_title = resource.clone();
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
                <td>{e.event_type}</td>
                <td>{e.step.unwrap_or_default()}</td>
                <td class="resource" title=resource_title>
                    {resource}
                </td>
                <td class="num">{e.elapsed_ms}</td>
                <td class="ts">{format_timestamp(e.timestamp_ms)}</td>
            </tr>
            <Show when=open>
                <tr class="details">
                    <td colspan="6">
                        <pre class="json-view">{pretty(&details)}</pre>
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
                            key=|e| (e.timestamp_ms - e.elapsed_ms, e.id)
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
    use serde_json::json;

    fn row(id: u64, t: &str, step: Option<&str>) -> EventRow {
        EventRow {
            id,
            event_type: t.into(),
            step: step.map(Into::into),
            resource: None,
            elapsed_ms: 0,
            timestamp_ms: 0,
            details: json!({}),
        }
    }

    #[test]
    fn filters_by_type_and_state() {
        let rows = vec![
            row(1, "ExecutionStarted", None),
            row(2, "TaskStateEntered", Some("Call API")),
            row(3, "TaskStateExited", Some("Call API")),
            row(4, "PassStateEntered", Some("OK")),
        ];
        let ids = |v: Vec<&EventRow>| v.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(filter_rows(&rows, "", "")), vec![1, 2, 3, 4]);
        assert_eq!(ids(filter_rows(&rows, "TaskStateEntered", "")), vec![2]);
        assert_eq!(ids(filter_rows(&rows, "", "Call API")), vec![2, 3]);
        assert_eq!(ids(filter_rows(&rows, "PassStateEntered", "Call API")), Vec::<u64>::new());
    }
}
