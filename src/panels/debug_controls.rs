//! The debugger's controls beside Start / Stop: "Pause", "Continue", "Step", and the
//! breakpoints set (a state gets one from its node's "Breakpoint" toggle in the graph, or
//! from the editor's gutter on the line where the state is defined). See
//! docs/decisions/0021-debugger.md for what a step is. "Redrive" restarts a FAILED, TIMED_OUT
//! or ABORTED run from its unsuccessful states, as AWS's RedriveExecution does, with the mock
//! configuration as it is now.

use leptos::prelude::*;

use crate::session::{session, Session};

#[component]
pub fn DebugControls(
    running: Signal<bool>,
    on_pause: Callback<()>,
    on_continue: Callback<()>,
    on_step: Callback<()>,
    /// The shown run has ended in the engine and can be offered a Redrive.
    can_redrive: Signal<bool>,
    on_redrive: Callback<()>,
) -> impl IntoView {
    let Session { paused, breakpoints, run_view, .. } = session();
    let redrivable = Memo::new(move |_| {
        use crate::run::Status;
        let ended_unsuccessfully = run_view.with(|r| {
            r.as_ref().is_some_and(|r| {
                matches!(r.status, Status::Failed | Status::TimedOut | Status::Aborted)
            })
        });
        ended_unsuccessfully && can_redrive.get()
    });
    let is_paused = Memo::new(move |_| paused.with(Option::is_some));
    let summary = move || {
        breakpoints.with(|b| {
            if b.is_empty() {
                "No breakpoints: toggle one on a state in the graph or in the editor's gutter."
                    .to_string()
            } else {
                let names: Vec<&str> = b.iter().map(String::as_str).collect();
                format!("Breakpoints: {}", names.join(", "))
            }
        })
    };
    view! {
        <div class="debug-controls" role="toolbar" aria-label="Debugger">
            <button
                class="btn"
                id="debug-pause"
                disabled=move || !running.get() || is_paused.get()
                on:click=move |_| on_pause.run(())
            >
                "Pause"
            </button>
            <button
                class="btn"
                id="debug-continue"
                disabled=move || !is_paused.get()
                on:click=move |_| on_continue.run(())
            >
                "Continue"
            </button>
            <button
                class="btn"
                id="debug-step"
                disabled=move || !running.get()
                on:click=move |_| on_step.run(())
            >
                "Step"
            </button>
            <button
                class="btn"
                id="redrive"
                class:hidden=move || !redrivable.get()
                disabled=move || !redrivable.get()
                title="RedriveExecution: restart the states that did not succeed"
                on:click=move |_| on_redrive.run(())
            >
                "Redrive"
            </button>
            <span class="breakpoint-summary" id="breakpoint-summary">{summary}</span>
            {move || {
                (!breakpoints.with(|b| b.is_empty()))
                    .then(|| {
                        view! {
                            <button
                                class="btn small"
                                id="clear-breakpoints"
                                on:click=move |_| breakpoints.set(Default::default())
                            >
                                "Clear breakpoints"
                            </button>
                        }
                    })
            }}
        </div>
    }
}
