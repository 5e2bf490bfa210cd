//! The execution status banner and the execution input/output tabs.

use leptos::prelude::*;

use crate::session::{session, Session};

#[component]
pub fn StatusBanner() -> impl IntoView {
    let Session { run_view: run, notice, paused, .. } = session();
    // The debugger's pause replaces "Running": "Paused at <state>".
    let paused_label = Memo::new(move |_| paused.with(|p| p.as_ref().map(|p| p.label())));
    view! {
        <div class="status-area">
            {move || {
                notice.get().map(|n| view! { <div class="banner notice" role="status">{n}</div> })
            }}
            {move || {
                // Only the banner's fields: the run's events are not copied on every update.
                run.with(|r| r.as_ref().map(|r| (r.status, r.error.clone(), r.cause.clone())))
                    .map(|(status, error, cause)| {
                        let label = paused_label
                            .get()
                            .filter(|_| status == crate::run::Status::Running);
                        let css = if label.is_some() { "paused" } else { status.css() };
                        let class = format!("banner status {css}");
                        let label = label.unwrap_or_else(|| status.label().to_string());
                        view! {
                            <div class=class role="status" id="execution-status">
                                <strong>"Execution status: "</strong>
                                <span class="status-label">{label}</span>
                                {error.map(|e| view! { <div class="err"><b>"Error: "</b>{e}</div> })}
                                {cause.map(|c| view! { <div class="cause"><b>"Cause: "</b>{c}</div> })}
                            </div>
                        }
                    })
            }}
        </div>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Input,
    Output,
}

#[component]
pub fn IoTabs() -> impl IntoView {
    let run = session().run_view;
    let tab = RwSignal::new(Tab::Output);
    let body = move || {
        run.with(|r| match r {
            None => "No execution yet.".to_string(),
            Some(r) => match tab.get() {
                Tab::Input => pretty(&r.input),
                Tab::Output => match &r.output {
                    Some(v) => pretty(v),
                    None => "No output.".into(),
                },
            },
        })
    };
    view! {
        <section class="panel io" aria-label="Execution input and output">
            <div class="tabs" role="tablist">
                <button
                    role="tab"
                    class:active=move || tab.get() == Tab::Input
                    on:click=move |_| tab.set(Tab::Input)
                >
                    "Execution input"
                </button>
                <button
                    role="tab"
                    class:active=move || tab.get() == Tab::Output
                    on:click=move |_| tab.set(Tab::Output)
                >
                    "Execution output"
                </button>
            </div>
            <pre class="json-view">{body}</pre>
        </section>
    }
}

pub fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
