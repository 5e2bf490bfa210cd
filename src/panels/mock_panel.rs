//! The Mock API panel: the built-in MockAPIFunction's Python source (read-only) and the mock
//! configuration (AWS Step Functions Local MockConfigFile format) with its test case.

use leptos::prelude::*;

use asl::tasks::mock_api::{FUNCTION_NAME, PYTHON_SOURCE};
use asl::tasks::Outcome;
use asl::MockConfig;

use crate::definition::problems::parse_json;
use crate::panels::gallery::TUTORIAL_MOCKS;
use crate::session::{session, Session};

/// The state machine name executions run under (a test case is looked up under it first).
pub fn state_machine_name() -> String {
    asl::ExecutionConfig::default().state_machine_name
}

/// What the mock configuration text amounts to.
#[derive(Debug, Clone, PartialEq)]
pub enum MockCheck {
    /// No configuration: only the built-in MockAPIFunction answers tasks.
    Empty,
    /// Not usable: the message (with its line:column when it is a JSON syntax error).
    Invalid(String),
    Valid(MockConfig),
}

pub fn check(text: &str) -> MockCheck {
    if text.trim().is_empty() {
        return MockCheck::Empty;
    }
    let value = match parse_json(text) {
        Ok(v) => v,
        Err(p) => return MockCheck::Invalid(format!("{} at {}", p.message, p.position())),
    };
    match MockConfig::from_value(&value) {
        Ok(config) => MockCheck::Valid(config),
        Err(message) => MockCheck::Invalid(message),
    }
}

/// The test cases a run can use: those of `state_machine` first, then those only other state
/// machines have (the engine falls back to them), without repeats.
pub fn test_cases(config: &MockConfig, state_machine: &str) -> Vec<String> {
    let mut cases: Vec<String> = Vec::new();
    let own = config.state_machines.get(state_machine).into_iter();
    let others = config.state_machines.iter().filter(|(n, _)| *n != state_machine).map(|(_, c)| c);
    for machine in own.chain(others) {
        for case in machine.keys() {
            if !cases.contains(case) {
                cases.push(case.clone());
            }
        }
    }
    cases
}

/// The test case a run uses: the selected one while the configuration has it, else none
/// (then the configuration is not used at all, as in Step Functions Local without a test case).
pub fn effective_test_case(mocks: &str, selected: Option<&str>) -> Option<String> {
    let selected = selected?;
    match check(mocks) {
        MockCheck::Valid(config) => {
            test_cases(&config, &state_machine_name()).into_iter().find(|c| c == selected)
        }
        _ => None,
    }
}

fn short_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}\u{2026}", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

fn describe_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Success(v) => format!("returns {}", short_json(v)),
        Outcome::Failure(e) => format!("throws {}", e.error),
    }
}

/// One line per mocked state of a test case: "Call API → ThrottledThenOK: call #0 throws …".
pub fn describe_case(config: &MockConfig, state_machine: &str, case: &str) -> Vec<String> {
    let states = config
        .state_machines
        .get(state_machine)
        .and_then(|m| m.get(case))
        .or_else(|| config.state_machines.values().find_map(|m| m.get(case)));
    let Some(states) = states else {
        return Vec::new();
    };
    states
        .iter()
        .map(|(state, response)| match config.responses.get(response) {
            None => format!("{state} \u{2192} {response}: not defined in MockedResponses"),
            Some(answers) => {
                let calls: Vec<String> = answers
                    .iter()
                    .map(|(lo, hi, outcome)| {
                        let which = if lo == hi {
                            format!("call #{lo}")
                        } else {
                            format!("calls #{lo}\u{2013}{hi}")
                        };
                        format!("{which} {}", describe_outcome(outcome))
                    })
                    .collect();
                format!("{state} \u{2192} {response}: {}", calls.join("; "))
            }
        })
        .collect()
}

/// The Python source with 1-based line numbers, one entry per line.
pub fn source_lines() -> Vec<(usize, &'static str)> {
    PYTHON_SOURCE.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
}

#[component]
pub fn MockPanel() -> impl IntoView {
    let Session { mocks, test_case, .. } = session();
    let checked = Memo::new(move |_| mocks.with(|m| check(m)));
    let cases = Memo::new(move |_| {
        checked.with(|c| match c {
            MockCheck::Valid(config) => test_cases(config, &state_machine_name()),
            _ => Vec::new(),
        })
    });
    let effective = Memo::new(move |_| {
        let selected = test_case.get();
        cases.with(|cs| selected.filter(|s| cs.contains(s)))
    });
    let lines = Memo::new(move |_| match (checked.get(), effective.get()) {
        (MockCheck::Valid(config), Some(case)) => {
            describe_case(&config, &state_machine_name(), &case)
        }
        _ => Vec::new(),
    });
    let summary = move || {
        checked.with(|c| match c {
            MockCheck::Empty => "No mock configuration: every Task must call the built-in \
                                 MockAPIFunction."
                .to_string(),
            MockCheck::Invalid(_) => String::new(),
            MockCheck::Valid(config) => {
                let n_cases = cases.with(Vec::len);
                let n_responses = config.responses.len();
                match effective.get() {
                    Some(case) => format!(
                        "Runs use test case \u{201c}{case}\u{201d}: the states below get mocked \
                         answers; other Tasks still need the built-in function."
                    ),
                    None if n_cases == 0 => format!(
                        "{n_responses} mocked response(s) but no test cases under StateMachines: \
                         nothing is mocked."
                    ),
                    None => format!(
                        "{n_cases} test case(s), {n_responses} mocked response(s). \
                         Choose a test case to use them."
                    ),
                }
            }
        })
    };
    let error = move || {
        checked.with(|c| match c {
            MockCheck::Invalid(message) => message.clone(),
            _ => String::new(),
        })
    };
    let on_select = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        test_case.set((!value.is_empty()).then_some(value));
    };
    let load_example = move |_| {
        mocks.set(TUTORIAL_MOCKS.to_string());
        test_case.set(Some("ThrottledOnce".to_string()));
    };

    view! {
        <section class="panel mock-panel" aria-label="Mock API">
            <h2 class="panel-title">"Built-in " <code>{FUNCTION_NAME}</code> " (Python, read-only)"</h2>
            <p class="hint">
                "A Task whose resource is "
                <code>"arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction"</code>
                " (or "<code>"arn:aws:states:::lambda:invoke"</code>
                " with that FunctionName) runs this function. A raised exception's class name becomes the error name \u{2014} that is what "
                <code>"ErrorEquals"</code> " in Retry and Catch matches."
            </p>
            <pre class="code-view" id="mock-api-source" aria-label="MockAPIFunction source">
                {source_lines()
                    .into_iter()
                    .map(|(n, line)| {
                        view! {
                            <span class="code-line">
                                <span class="ln" aria-hidden="true">{n}</span>
                                <span class="src">{line}</span>
                            </span>
                        }
                    })
                    .collect_view()}
            </pre>

            <h2 class="panel-title mock-config-title">"Mock configuration"</h2>
            <p class="hint">
                "Mocks any other Task, in AWS Step Functions Local\u{2019}s MockConfigFile format: "
                <code>"StateMachines"</code> " \u{2192} " <code>{state_machine_name()}</code>
                " \u{2192} " <code>"TestCases"</code> " map state names to "
                <code>"MockedResponses"</code> ", answered per call (" <code>"\"0\""</code> ", "
                <code>"\"1-2\""</code> ") with a " <code>"Return"</code> " or a "
                <code>"Throw"</code> "."
            </p>
            <div class="mock-tools">
                <label class="label" for="test-case">"Test case"</label>
                <select id="test-case" on:change=on_select prop:value=move || effective.get().unwrap_or_default()>
                    <option value="">"None (mocks not used)"</option>
                    {move || {
                        cases
                            .get()
                            .into_iter()
                            .map(|c| {
                                let selected = effective.get().as_deref() == Some(c.as_str());
                                view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <button class="btn small" id="load-example-mocks" on:click=load_example>
                    "Load example mock config"
                </button>
            </div>
            <textarea
                id="mock-config"
                class="json-input"
                class:invalid=move || !error().is_empty()
                spellcheck="false"
                rows="12"
                placeholder="{ \"StateMachines\": { ... }, \"MockedResponses\": { ... } }"
                prop:value=move || mocks.get()
                on:input=move |ev| mocks.set(event_target_value(&ev))
            ></textarea>
            <p class="field-error" id="mock-error" role="status">{error}</p>
            <p class="mock-summary" id="mock-summary">{summary}</p>
            <ul class="mock-cases">
                {move || lines.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
            <p class="hint" id="s3-objects-hint">
                "Distributed Map item readers read Amazon S3 objects from a Stepwise section, "
                <code>"\"S3Objects\": { \"s3://bucket/key\": \"<the object\u{2019}s text>\" }"</code>
                " (JSON, JSON Lines, CSV, manifests; listings by prefix). No test case is needed for it."
                {move || checked.with(|c| match c {
                    MockCheck::Valid(config) if !config.s3_objects.is_empty() => {
                        format!(" This configuration has {} S3 object(s).", config.s3_objects.len())
                    }
                    _ => String::new(),
                })}
            </p>
            <p class="hint">
                "The example configuration is for the tutorial machine: \u{201c}ThrottledOnce\u{201d} \
                 throttles the first call of Call API and then answers, \u{201c}UnknownError\u{201d} \
                 always throws."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_the_engine_function() {
        let lines = source_lines();
        assert_eq!(lines.first(), Some(&(1, "class TooManyRequestsException(Exception): pass")));
        assert!(lines.iter().any(|(n, l)| *n == 6 && l.contains("event[\"statuscode\"]")));
    }

    #[test]
    fn empty_and_broken_configurations() {
        assert_eq!(check("  \n"), MockCheck::Empty);
        match check("{\n  \"StateMachines\": ,\n}") {
            MockCheck::Invalid(m) => assert_eq!(m, "Invalid JSON: expected value at 2:20"),
            other => panic!("{other:?}"),
        }
        match check("{\"StateMachines\": []}") {
            MockCheck::Invalid(m) => assert_eq!(m, "StateMachines must be an object"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn test_cases_prefer_the_machine_runs_use() {
        let text = r#"{"StateMachines": {
            "Other": {"TestCases": {"A": {}, "B": {}}},
            "MyStateMachine": {"TestCases": {"B": {}, "C": {}}}
        }}"#;
        let MockCheck::Valid(config) = check(text) else { panic!("valid") };
        assert_eq!(state_machine_name(), "MyStateMachine");
        assert_eq!(test_cases(&config, "MyStateMachine"), vec!["B", "C", "A"]);
        assert_eq!(effective_test_case(text, Some("A")).as_deref(), Some("A"));
        assert_eq!(effective_test_case(text, Some("Z")), None);
        assert_eq!(effective_test_case(text, None), None);
        assert_eq!(effective_test_case("{", Some("A")), None);
    }

    #[test]
    fn the_example_configuration_is_summarised() {
        let MockCheck::Valid(config) = check(TUTORIAL_MOCKS) else { panic!("valid") };
        assert_eq!(
            test_cases(&config, &state_machine_name()),
            vec!["ThrottledOnce", "UnknownError"]
        );
        assert_eq!(
            describe_case(&config, &state_machine_name(), "ThrottledOnce"),
            vec![
                "Call API \u{2192} ThrottledThenOK: call #0 throws TooManyRequestsException; \
                 call #1 returns {\"StatusCode\":200,\"Payload\":\"200 OK\"}"
            ]
        );
        assert_eq!(
            describe_case(&config, &state_machine_name(), "UnknownError"),
            vec!["Call API \u{2192} AlwaysUnknown: calls #0\u{2013}9 throws UnknownException"]
        );
    }
}
