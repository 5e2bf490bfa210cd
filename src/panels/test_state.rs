//! "Test state": AWS's TestState on the selected state of the definition in the editor. The
//! form holds the request's fields (the input, prefilled with what the state last received
//! in the shown execution; a mocked result or error; the inspection level; the
//! `stateConfiguration` values; the variables), "Run test" builds the request in the API's
//! JSON shape (`aws stepfunctions test-state --cli-input-json`) and the engine answers it
//! (`asl::test_state::test_state_api`), with the status, the next state, the output or the
//! error, and the stages of `inspectionData` drawn as the "Data flow" panel draws them.
//!
//! It runs on the page, synchronously: one state, with its answer mocked, under the engine's
//! evaluation budgets, so a test takes a fraction of a millisecond (0.16–0.21 ms natively for
//! the tutorial's Call API, docs/benchmarks.md) and editing the definition then pressing
//! "Run test" again shows the new answer at once (docs/decisions/0022).

use leptos::prelude::*;
use serde_json::{json, Map, Value};

use asl::definition::QueryLanguage;
use asl::runner::stages;
use asl::test_state::api::parse_request;
use asl::test_state::test_state;

use crate::definition::jsonata_loader;
use crate::panels::data_flow::stages_view;
use crate::panels::status::pretty;
use crate::session::{session, Session};

#[derive(Clone, Copy, PartialEq, Eq)]
enum MockKind {
    None,
    Result,
    Error,
}

/// What "Run test" shows.
#[derive(Clone, PartialEq)]
enum Answer {
    /// The request was refused (AWS's exception and message).
    Refused(String),
    Done {
        status: &'static str,
        next_state: Option<String>,
        output: Option<Value>,
        error: Option<String>,
        cause: Option<String>,
        trace: Box<asl::runner::StateTrace>,
        state_type: String,
        jsonata: bool,
    },
}

/// The form and the answer for `state`.
#[component]
pub fn TestStateView(state: String) -> impl IntoView {
    let Session { run_view: run, definition, input: execution_input, .. } = session();
    // Prefilled from the shown execution: what the state last received and the variables it
    // saw; else the execution input and no variables.
    let (last_input, last_variables) = run.with_untracked(|r| {
        let latest = r.as_ref().and_then(|r| r.state_detail(&state).latest().cloned());
        let input = latest.as_ref().and_then(|l| l.input.clone());
        let vars = latest.map(|l| Value::Object(l.variables_before.into_iter().collect()));
        (input, vars)
    });
    let input = RwSignal::new(match last_input {
        Some(v) => pretty(&v),
        None => execution_input.get_untracked(),
    });
    let variables = RwSignal::new(match last_variables {
        Some(v) if v.as_object().is_some_and(|m| !m.is_empty()) => pretty(&v),
        _ => "{}".to_string(),
    });
    let mock_kind = RwSignal::new(MockKind::None);
    let mock_result = RwSignal::new(String::from("{}"));
    let mock_error = RwSignal::new(String::new());
    let mock_cause = RwSignal::new(String::new());
    let validation = RwSignal::new(String::from("STRICT"));
    let level = RwSignal::new(String::from("DEBUG"));
    let retry_count = RwSignal::new(String::from("0"));
    let error_caused_by = RwSignal::new(String::new());
    let map_failures = RwSignal::new(String::new());
    let reader_data = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Answer>);

    let name = state.clone();
    let run_test = move |_| {
        let mut request = Map::new();
        request.insert("definition".into(), json!(definition.get_untracked()));
        request.insert("stateName".into(), json!(name.clone()));
        request.insert("input".into(), json!(input.get_untracked()));
        request.insert("inspectionLevel".into(), json!(level.get_untracked()));
        request.insert("variables".into(), json!(variables.get_untracked()));
        let mut mock = Map::new();
        match mock_kind.get_untracked() {
            MockKind::None => {}
            MockKind::Result => {
                mock.insert("result".into(), json!(mock_result.get_untracked()));
            }
            MockKind::Error => {
                let e = json!({"error": mock_error.get_untracked(), "cause": mock_cause.get_untracked()});
                mock.insert("errorOutput".into(), e);
            }
        }
        if !mock.is_empty() {
            mock.insert("fieldValidationMode".into(), json!(validation.get_untracked()));
            request.insert("mock".into(), Value::Object(mock));
        }
        let mut config = Map::new();
        let count = |text: String| -> Result<Option<Value>, String> {
            let t = text.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<u64>().map(|n| Some(json!(n))).map_err(|_| t.to_string())
        };
        match count(retry_count.get_untracked()) {
            Ok(Some(n)) => {
                config.insert("retrierRetryCount".into(), n);
            }
            Ok(None) => {}
            Err(t) => {
                let m = format!("The retry count must be a whole number, not {t}.");
                answer.set(Some(Answer::Refused(m)));
                return;
            }
        }
        match count(map_failures.get_untracked()) {
            Ok(Some(n)) => {
                config.insert("mapIterationFailureCount".into(), n);
            }
            Ok(None) => {}
            Err(t) => {
                let m = format!("The Map iteration failure count must be a whole number, not {t}.");
                answer.set(Some(Answer::Refused(m)));
                return;
            }
        }
        let caused_by = error_caused_by.get_untracked();
        if !caused_by.trim().is_empty() {
            config.insert("errorCausedByState".into(), json!(caused_by.trim()));
        }
        let data = reader_data.get_untracked();
        if !data.trim().is_empty() {
            config.insert("mapItemReaderData".into(), json!(data));
        }
        if !config.is_empty() {
            request.insert("stateConfiguration".into(), Value::Object(config));
        }
        let request = Value::Object(request);
        if definition.with_untracked(|d| jsonata_loader::needs_jsonata(d))
            && !asl::jsonata::available()
        {
            // The page loads JSONata as soon as the definition uses it; wait for it once.
            leptos::task::spawn_local(async move {
                match jsonata_loader::load().await {
                    Ok(()) => answer.set(Some(run_request(&request))),
                    Err(message) => answer.set(Some(Answer::Refused(message))),
                }
            });
            return;
        }
        answer.set(Some(run_request(&request)));
    };

    let text_area = |label: &'static str, key: &'static str, value: RwSignal<String>, rows: u32| {
        view! {
            <label class="ts-field" data-field=key>
                <span>{label}</span>
                <textarea
                    rows=rows
                    spellcheck="false"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                ></textarea>
            </label>
        }
    };
    let text_input = |label: &'static str, key: &'static str, value: RwSignal<String>| {
        view! {
            <label class="ts-field ts-short" data-field=key>
                <span>{label}</span>
                <input
                    type="text"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    let select = |label: &'static str,
                  key: &'static str,
                  value: RwSignal<String>,
                  options: &'static [&'static str]| {
        let options = options
            .iter()
            .map(|&o| {
                view! {
                    <option value=o selected=move || value.get() == o>
                        {o}
                    </option>
                }
            })
            .collect_view();
        view! {
            <label class="ts-field ts-short" data-field=key>
                <span>{label}</span>
                <select on:change=move |ev| value.set(event_target_value(&ev))>{options}</select>
            </label>
        }
    };
    let mock_choice = move |kind: MockKind, label: &'static str, key: &'static str| {
        view! {
            <label class="ts-radio">
                <input
                    type="radio"
                    name="ts-mock"
                    value=key
                    prop:checked=move || mock_kind.get() == kind
                    on:change=move |_| mock_kind.set(kind)
                />
                {label}
            </label>
        }
    };

    view! {
        <form class="ts-form" on:submit=move |ev| ev.prevent_default()>
            {text_area("Input", "input", input, 4)}
            <fieldset class="ts-mock">
                <legend>"Mock"</legend>
                {mock_choice(MockKind::None, "No mock", "none")}
                {mock_choice(MockKind::Result, "Mocked result", "result")}
                {mock_choice(MockKind::Error, "Mocked error", "error")}
                <Show when=move || mock_kind.get() == MockKind::Result>
                    {text_area("Result (JSON)", "mock-result", mock_result, 3)}
                </Show>
                <Show when=move || mock_kind.get() == MockKind::Error>
                    {text_input("Error", "mock-error", mock_error)}
                    {text_input("Cause", "mock-cause", mock_cause)}
                </Show>
                <Show when=move || mock_kind.get() != MockKind::None>
                    {select("Field validation mode", "validation", validation, &["STRICT", "PRESENT", "NONE"])}
                </Show>
            </fieldset>
            <div class="ts-row">
                {select("Inspection level", "level", level, &["INFO", "DEBUG", "TRACE"])}
                {text_input("Retry count (retrierRetryCount)", "retry-count", retry_count)}
            </div>
            <details class="ts-more">
                <summary>"More state configuration"</summary>
                {text_input("errorCausedByState", "error-caused-by", error_caused_by)}
                {text_input("mapIterationFailureCount", "map-failures", map_failures)}
                {text_area("mapItemReaderData", "reader-data", reader_data, 2)}
            </details>
            {text_area("Variables (JSON object)", "variables", variables, 2)}
            <button type="button" class="btn primary small ts-run" on:click=run_test>
                "Run test"
            </button>
        </form>
        {move || answer.get().map(answer_view)}
    }
}

/// Runs one TestState request in the API's shape.
fn run_request(request: &Value) -> Answer {
    let (machine, req) = match parse_request(request) {
        Ok(parsed) => parsed,
        Err(rejection) => return Answer::Refused(rejection.to_string()),
    };
    let Some(state) = machine.program.state(&req.state_name) else {
        return Answer::Refused("State not found in definition".into());
    };
    let (state_type, jsonata) =
        (state.state_type().as_str().to_string(), state.query_language == QueryLanguage::Jsonata);
    match test_state(&machine, &req) {
        Err(rejection) => Answer::Refused(rejection.to_string()),
        Ok(response) => Answer::Done {
            trace: Box::new(stages::trace_of_test_state(&response)),
            status: response.status,
            next_state: response.next_state,
            output: response.output,
            error: response.error,
            cause: response.cause,
            state_type,
            jsonata,
        },
    }
}

fn answer_view(answer: Answer) -> impl IntoView {
    match answer {
        Answer::Refused(message) => {
            view! { <p class="ts-refused" role="alert">{message}</p> }.into_any()
        }
        Answer::Done { status, next_state, output, error, cause, trace, state_type, jsonata } => {
            let dash = || "–".to_string();
            let inspected = trace.input.is_some();
            let stages =
                inspected.then(|| stages_view(stages::stages(&trace, &state_type, jsonata)));
            view! {
                <div class="ts-answer">
                    <dl class="sd-fields">
                        <dt>"Status"</dt>
                        <dd data-field="status" class=format!("ts-status {}", status.to_lowercase())>
                            {status}
                        </dd>
                        <dt>"Next state"</dt>
                        <dd data-field="next-state">{next_state.unwrap_or_else(dash)}</dd>
                        <dt>"Error"</dt>
                        <dd data-field="error">{error.unwrap_or_else(dash)}</dd>
                        <dt>"Cause"</dt>
                        <dd data-field="cause">{cause.unwrap_or_else(dash)}</dd>
                    </dl>
                    {output.map(|o| view! {
                        <h3 class="ts-sub">"Output"</h3>
                        <pre class="json-view ts-output">{pretty(&o)}</pre>
                    })}
                    {if inspected {
                        view! { <h3 class="ts-sub">"Data flow (inspectionData)"</h3> }.into_any()
                    } else {
                        view! { <p class="empty">"INFO shows no inspectionData: choose DEBUG or TRACE to see each stage."</p> }.into_any()
                    }}
                    {stages}
                </div>
            }
            .into_any()
        }
    }
}
