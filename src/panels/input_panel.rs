//! Execution input (validated JSON) with the tutorial's sample inputs, the Start/Stop buttons,
//! the clock control (the mock configuration is in the Mock API panel, `mock_panel.rs`).

use leptos::prelude::*;

use crate::definition::problems::parse_json;
use crate::run::Clock;
use crate::session::session;

/// The tutorial's sample inputs: the mock function answers by `statuscode`.
pub const SAMPLES: [&str; 4] = ["200", "429", "503", "500"];

pub fn sample_input(code: &str) -> String {
    format!("{{\n  \"statuscode\": \"{code}\"\n}}")
}

#[component]
pub fn InputPanel(
    clock: RwSignal<Clock>,
    running: Signal<bool>,
    /// Why Start is unavailable (an invalid definition), if it is.
    #[prop(into)]
    blocked: Signal<Option<String>>,
    on_start: Callback<()>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let input = session().input;
    let input_error = Memo::new(move |_| {
        input.with(|text| {
            parse_json(text).err().map(|p| format!("{} ({})", p.message, p.position()))
        })
    });
    view! {
        <section class="panel input-panel" aria-label="Execution input">
            <h2 class="panel-title">"Start execution"</h2>
            <div class="samples">
                <span class="label">"Sample input:"</span>
                {SAMPLES
                    .iter()
                    .map(|code| {
                        let code = *code;
                        view! {
                            <button
                                class="btn small"
                                data-sample=code
                                on:click=move |_| input.set(sample_input(code))
                            >
                                {code}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <textarea
                id="execution-input"
                class="json-input"
                class:invalid=move || input_error.get().is_some()
                spellcheck="false"
                rows="5"
                prop:value=move || input.get()
                on:input=move |ev| input.set(event_target_value(&ev))
            ></textarea>
            <p class="field-error" role="status">{move || input_error.get().unwrap_or_default()}</p>
            <crate::panels::executions::ExecutionNameField />
            <div class="run-controls">
                <button
                    class="btn primary"
                    id="start"
                    disabled=move || {
                        running.get() || input_error.get().is_some() || blocked.get().is_some()
                    }
                    on:click=move |_| on_start.run(())
                >
                    "Start execution"
                </button>
                <button
                    class="btn"
                    id="stop"
                    disabled=move || !running.get()
                    on:click=move |_| on_stop.run(())
                >
                    "Stop"
                </button>
                <span class="blocked-reason" role="status">
                    {move || blocked.get().unwrap_or_default()}
                </span>
                <div class="clock" role="radiogroup" aria-label="Clock">
                    {Clock::ALL
                        .iter()
                        .map(|c| {
                            let c = *c;
                            view! {
                                <button
                                    class="seg"
                                    role="radio"
                                    class:active=move || clock.get() == c
                                    aria-checked=move || (clock.get() == c).to_string()
                                    on:click=move |_| clock.set(c)
                                >
                                    {c.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
        </section>
    }
}
