//! Callbacks answered by hand: when the selected state is a task waiting for a callback
//! (`.waitForTaskToken`, an Activity nobody answers), the state details show its task token and
//! the console's three calls: "Send task success" with a JSON output, "Send task failure" with
//! an error and a cause, "Send task heartbeat". The calls go to the engine worker
//! ([`Driver`]); the engine checks them as AWS does (a refused call shows AWS's exception) and
//! records the events AWS records. The waiting tasks come from the worker, never from reading
//! the history: a token is only in the history if the definition passed it on.

use leptos::prelude::*;

use crate::run::driver::Driver;
use crate::run::wire::WaitingTask;
use crate::session::{session, Session};

/// `+12.5 s` from the execution's start.
fn since_start(ms: i64, start_ms: i64) -> String {
    let s = (ms.saturating_sub(start_ms)) as f64 / 1000.0;
    format!("+{s} s")
}

#[component]
pub fn CallbackControls() -> impl IntoView {
    let Session { selected_state, run_view, .. } = session();
    let Some(driver) = use_context::<Driver>() else {
        return ().into_any();
    };
    let tasks = Memo::new(move |_| {
        let name = selected_state.get();
        driver.waiting.with(|w| {
            w.iter().filter(|t| name.as_deref() == Some(t.state.as_str())).cloned().collect()
        })
    });
    // Which of the state's waiting tasks is shown (by token), when several wait (a Map).
    let picked = RwSignal::new(None::<String>);
    let shown = Memo::new(move |_| {
        tasks.with(|tasks: &Vec<WaitingTask>| {
            let picked = picked.get();
            tasks
                .iter()
                .find(|t| picked.as_deref() == Some(t.token.as_str()))
                .or_else(|| tasks.first())
                .cloned()
        })
    });
    let output = RwSignal::new("{}".to_string());
    let error = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let start_ms = move || run_view.with(|r| r.as_ref().map_or(0, |r| r.start_ms()));

    let picker = move || {
        let count = tasks.with(Vec::len);
        (count > 1).then(|| {
            let options = tasks
                .get()
                .into_iter()
                .map(|t| {
                    let selected = {
                        let token = t.token.clone();
                        move || shown.with(|s| s.as_ref().is_some_and(|s| s.token == token))
                    };
                    view! {
                        <option value=t.token.clone() selected=selected>
                            {format!("Occurrence {}", t.occurrence)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <select
                    class="cb-picker"
                    aria-label="Which waiting task"
                    on:change=move |ev| picked.set(Some(event_target_value(&ev)))
                >
                    {options}
                </select>
                <span class="cb-count">{format!("{count} tasks of this state are waiting")}</span>
            }
        })
    };

    let answer = move || {
        let token = shown.with(|s| s.as_ref().map(|s| s.token.clone()))?;
        let a = driver.callback_answer.get().filter(|a| a.token == token)?;
        Some(match a.refused {
            Some(why) => view! {
                <p class="cb-result refused" role="status">{format!("{} refused: {why}", a.operation)}</p>
            }
            .into_any(),
            None => view! {
                <p class="cb-result" role="status">{format!("{} sent.", a.operation)}</p>
            }
            .into_any(),
        })
    };

    let token = move || shown.with(|s| s.as_ref().map(|s| s.token.clone()).unwrap_or_default());
    let on_success = move |_| driver.send_task_success(token(), output.get_untracked());
    let on_failure =
        move |_| driver.send_task_failure(token(), error.get_untracked(), cause.get_untracked());
    let on_heartbeat = move |_| driver.send_task_heartbeat(token());

    view! {
        <Show when=move || shown.with(Option::is_some)>
            <div class="callbacks" role="group" aria-label="Task token callback">
                <h3 class="cb-title">"Waiting for a callback"</h3>
                {picker}
                <dl class="sd-fields cb-fields">
                    <dt>"Task token"</dt>
                    <dd>
                        <code class="cb-token">{token}</code>
                    </dd>
                    {move || {
                        shown.get().map(|t| {
                            let start = start_ms();
                            let timeout = t.timeout_at_ms.map(|ms| since_start(ms, start));
                            let heartbeat = t.heartbeat_at_ms.map(|ms| since_start(ms, start));
                            view! {
                                <dt>"Waiting since"</dt>
                                <dd data-field="since">{since_start(t.since_ms, start)}</dd>
                                <dt>"Times out at"</dt>
                                <dd data-field="timeout">
                                    {timeout.unwrap_or_else(|| "No TimeoutSeconds".into())}
                                </dd>
                                <dt>"Heartbeat due by"</dt>
                                <dd data-field="heartbeat">
                                    {heartbeat.unwrap_or_else(|| "No HeartbeatSeconds".into())}
                                </dd>
                            }
                        })
                    }}
                </dl>
                <div class="cb-call">
                    <label class="label" for="cb-output">"Output (JSON)"</label>
                    <textarea
                        id="cb-output"
                        class="json-input cb-output"
                        spellcheck="false"
                        rows="3"
                        prop:value=move || output.get()
                        on:input=move |ev| output.set(event_target_value(&ev))
                    ></textarea>
                    <button class="btn cb-success" on:click=on_success>
                        "Send task success"
                    </button>
                </div>
                <div class="cb-call">
                    <label class="label" for="cb-error">"Error"</label>
                    <input
                        id="cb-error"
                        class="cb-error"
                        maxlength="256"
                        prop:value=move || error.get()
                        on:input=move |ev| error.set(event_target_value(&ev))
                    />
                    <label class="label" for="cb-cause">"Cause"</label>
                    <textarea
                        id="cb-cause"
                        class="json-input cb-cause"
                        rows="2"
                        prop:value=move || cause.get()
                        on:input=move |ev| cause.set(event_target_value(&ev))
                    ></textarea>
                    <button class="btn cb-failure" on:click=on_failure>
                        "Send task failure"
                    </button>
                </div>
                <div class="cb-call">
                    <button class="btn cb-heartbeat" on:click=on_heartbeat>
                        "Send task heartbeat"
                    </button>
                </div>
                {answer}
            </div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::since_start;

    #[test]
    fn times_are_shown_from_the_execution_start() {
        assert_eq!(since_start(12_500, 0), "+12.5 s");
        assert_eq!(since_start(1_000, 1_000), "+0 s");
    }
}
