//! The example gallery (the tutorial machine and small Choice / Parallel / Map / Wait /
//! JSONata examples, each with a sample input) and the left column's tab bar
//! ("Definition | Mock API", the Examples menu and the Tutorial toggle).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::session::{session, Session};

/// One example: a definition and an input it runs well with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
}

pub const TUTORIAL_ID: &str = "tutorial";

/// The gallery, the tutorial's `MyAPIStateMachine` first (it is the default document).
pub const EXAMPLES: [Example; 7] = [
    Example {
        id: TUTORIAL_ID,
        title: "Tutorial: Retry and Catch",
        summary: "Calls the mock API; retries 429, catches 503 and everything else.",
        definition: include_str!("../../examples/tutorial.asl.json"),
        input: include_str!("../../examples/tutorial.input.json"),
    },
    Example {
        id: "tutorial-jsonata",
        title: "Tutorial (JSONata)",
        summary: "The same machine in JSONata: Arguments, Output, $states and Assign.",
        definition: include_str!("../../examples/tutorial-jsonata.asl.json"),
        input: include_str!("../../examples/tutorial-jsonata.input.json"),
    },
    Example {
        id: "choice",
        title: "Choice",
        summary: "Routes an order by its total and shipping option.",
        definition: include_str!("../../examples/choice.asl.json"),
        input: include_str!("../../examples/choice.input.json"),
    },
    Example {
        id: "parallel",
        title: "Parallel",
        summary: "Calls the mock API and formats a note in two branches at once.",
        definition: include_str!("../../examples/parallel.asl.json"),
        input: include_str!("../../examples/parallel.input.json"),
    },
    Example {
        id: "map",
        title: "Map (inline)",
        summary: "Runs the same step for every line of an order.",
        definition: include_str!("../../examples/map.asl.json"),
        input: include_str!("../../examples/map.input.json"),
    },
    Example {
        id: "wait",
        title: "Wait",
        summary: "Waits a fixed time, then as long as the input asks.",
        definition: include_str!("../../examples/wait.asl.json"),
        input: include_str!("../../examples/wait.input.json"),
    },
    Example {
        id: CALLBACK_ID,
        title: "Callback (task token)",
        summary: "Waits for an approval: answer it with Send task success in its details.",
        definition: include_str!("../../examples/callback.asl.json"),
        input: include_str!("../../examples/callback.input.json"),
    },
];

/// The example that waits for a callback (it runs until answered by hand).
pub const CALLBACK_ID: &str = "callback";

/// A mock configuration that works with the tutorial machine (its state `Call API`).
pub const TUTORIAL_MOCKS: &str = include_str!("../../examples/tutorial.mocks.json");

pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

pub fn tutorial() -> &'static Example {
    &EXAMPLES[0]
}

/// The example whose text `definition` is (ignoring surrounding whitespace), if any.
pub fn matching(definition: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.definition.trim() == definition.trim())
}

/// Whether loading an example would replace text of the user's own (anything that is not
/// one of the examples, unchanged, or empty).
pub fn is_users_own(definition: &str) -> bool {
    !definition.trim().is_empty() && matching(definition).is_none()
}

/// The message shown after an example replaced the user's own definition.
pub fn replaced_notice(title: &str) -> String {
    format!(
        "Loaded the \u{201c}{title}\u{201d} example in place of your definition. \
         Press Ctrl+Z (\u{2318}Z) in the editor to get yours back."
    )
}

/// Puts an example in the editor and the input box; the previous run is cleared. Returns
/// whether the user's own definition was replaced.
pub fn load(example: &Example, session: Session) -> bool {
    let Session { editor, definition, input, run_view, .. } = session;
    let replaced = definition.with_untracked(|d| is_users_own(d));
    editor.load(example.definition.to_string());
    // The editor reports the change itself; setting it here too keeps the signal right
    // when the editor does not exist yet.
    definition.set(example.definition.to_string());
    input.set(example.input.trim_end().to_string());
    run_view.set(None);
    replaced
}

/// Which view the left column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftTab {
    Definition,
    MockApi,
    Tests,
}

/// The left column's tab bar with the Examples menu and the Tutorial toggle.
#[component]
pub fn LeftTabs() -> impl IntoView {
    let session = session();
    let Session { left_tab: tab, tutorial_open, notice, .. } = session;
    let on_pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(example) = by_id(&id) {
            let replaced = load(example, session);
            notice.set(replaced.then(|| replaced_notice(example.title)));
            tab.set(LeftTab::Definition);
        }
        // Back to the menu's title so the same example can be picked again.
        if let Some(select) =
            ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            select.set_value("");
        }
    };
    let tab_button = move |which: LeftTab, label: &'static str, id: &'static str| {
        view! {
            <button
                role="tab"
                id=id
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="left-tabs">
            <div class="tabs" role="tablist">
                {tab_button(LeftTab::Definition, "Definition", "tab-definition")}
                {tab_button(LeftTab::MockApi, "Mock API", "tab-mock-api")}
                {tab_button(LeftTab::Tests, "Tests", "tab-tests")}
            </div>
            <div class="left-tools">
                <select id="example-select" aria-label="Load an example" on:change=on_pick>
                    <option value="" selected>"Examples\u{2026}"</option>
                    {EXAMPLES
                        .iter()
                        .map(|e| view! { <option value=e.id title=e.summary>{e.title}</option> })
                        .collect_view()}
                </select>
                <button
                    class="btn small"
                    id="tutorial-toggle"
                    aria-pressed=move || tutorial_open.get().to_string()
                    on:click=move |_| tutorial_open.update(|open| *open = !*open)
                >
                    {move || if tutorial_open.get() { "Hide tutorial" } else { "Tutorial" }}
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{self, Status};
    use serde_json::{json, Value};

    fn run_example(id: &str, input: Option<Value>) -> run::RunView {
        let example = by_id(id).unwrap_or_else(|| panic!("no example {id}"));
        let input = input.unwrap_or_else(|| {
            serde_json::from_str(example.input).unwrap_or_else(|e| panic!("{id} input: {e}"))
        });
        run::start(example.definition, &input, "", None)
            .unwrap_or_else(|e| panic!("{id} cannot start: {e}"))
    }

    #[test]
    fn every_example_is_valid_and_runs_as_documented_with_its_sample_input() {
        let expected: [(&str, Value); 6] = [
            ("tutorial", json!("The request has succeeded.")),
            ("tutorial-jsonata", json!("The request has succeeded: 200 OK")),
            (
                "choice",
                json!({"order": {"total": 120, "express": true},
                              "shipping": {"method": "express", "fee": 0}}),
            ),
            ("parallel", json!({"api": "200 OK", "note": "statuscode 200 was requested"})),
            (
                "map",
                json!({"labelled": [
                {"line": 0, "sku": "A-100", "label": "2 x A-100"},
                {"line": 1, "sku": "B-200", "label": "1 x B-200"},
                {"line": 2, "sku": "C-300", "label": "5 x C-300"}
            ], "lineCount": 3}),
            ),
            ("wait", json!({"waitedSeconds": 8})),
        ];
        // The callback example waits for an answer (its own test below).
        assert_eq!(expected.len() + 1, EXAMPLES.len(), "every example has an expectation");
        for (id, output) in expected {
            let example = by_id(id).unwrap_or_else(|| panic!("no example {id}"));
            assert_eq!(
                crate::definition::problems::check_definition(example.definition),
                vec![],
                "{id}"
            );
            let view = run_example(id, None);
            assert_eq!(view.status, Status::Succeeded, "{id}: {:?} {:?}", view.error, view.cause);
            assert_eq!(view.output, Some(output), "{id}");
        }
    }

    #[test]
    fn the_jsonata_tutorial_behaves_like_the_tutorial() {
        for id in ["tutorial", "tutorial-jsonata"] {
            let view = run_example(id, Some(json!({"statuscode": "503"})));
            assert_eq!(view.status, Status::Failed, "{id}");
            assert_eq!(view.error.as_deref(), Some("ServerUnavailable"), "{id}");
            assert_eq!(view.events.len(), 8, "{id}");

            let view = run_example(id, Some(json!({"statuscode": "429"})));
            assert_eq!(view.status, Status::Succeeded, "{id}");
            assert_eq!(view.events.len(), 24, "{id}");
            assert_eq!(view.events.last().map(|e| view.elapsed_ms(e)), Some(4000), "{id}");
        }
        let jsonata = by_id("tutorial-jsonata").map(|e| e.definition).unwrap_or_default();
        for needle in ["\"QueryLanguage\": \"JSONata\"", "\"Arguments\"", "\"Assign\"", "$states"] {
            assert!(jsonata.contains(needle), "the JSONata tutorial uses {needle}");
        }
    }

    #[test]
    fn examples_take_other_paths_too() {
        let view = run_example("choice", Some(json!({"order": {"total": -1, "express": false}})));
        assert_eq!(view.status, Status::Failed);
        assert_eq!(view.error.as_deref(), Some("InvalidOrder"));
        let view = run_example("parallel", Some(json!({"statuscode": "503"})));
        assert_eq!(view.status, Status::Succeeded);
        assert_eq!(
            view.output,
            Some(json!({"failed": true, "error": "ServerUnavailableException"}))
        );
        let view = run_example("wait", Some(json!({"delaySeconds": 1})));
        assert_eq!(view.events.last().map(|e| view.elapsed_ms(e)), Some(4000));
    }

    #[test]
    fn the_example_mock_config_drives_the_tutorial() {
        let example = tutorial();
        let input = json!({"statuscode": "200"});
        let view = run::start(example.definition, &input, TUTORIAL_MOCKS, Some("ThrottledOnce"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(view.status, Status::Succeeded);
        // Throttled once, retried after 1 s, then answered.
        assert_eq!(view.events.last().map(|e| view.elapsed_ms(e)), Some(1000));
        let view = run::start(example.definition, &input, TUTORIAL_MOCKS, Some("UnknownError"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(view.status, Status::Failed);
        assert_eq!(view.error.as_deref(), Some("An error of unknown type occurred"));
    }

    #[test]
    fn user_text_is_told_apart_from_examples() {
        assert!(!is_users_own(tutorial().definition));
        assert!(!is_users_own(&format!("\n{}\n", EXAMPLES[3].definition)));
        assert!(!is_users_own("  "));
        assert!(is_users_own("{\"StartAt\": \"Mine\"}"));
        assert_eq!(matching(EXAMPLES[4].definition).map(|e| e.id), Some("map"));
        assert!(replaced_notice("Map").contains("Ctrl+Z"));
    }

    #[test]
    fn the_callback_example_waits_for_its_answer() {
        let example = by_id(CALLBACK_ID).unwrap_or_else(|| panic!("no callback example"));
        assert_eq!(crate::definition::problems::check_definition(example.definition), vec![]);
        // Unanswered, its HeartbeatSeconds (600) run out on the virtual clock.
        let view = run_example(CALLBACK_ID, None);
        assert_eq!(view.error.as_deref(), Some("NoAnswer"));
        assert_eq!(view.events.last().map(|e| view.elapsed_ms(e)), Some(600_000));
        let answer = |output: Option<Value>| {
            let machine = run::compile(example.definition).unwrap_or_else(|e| panic!("{e}"));
            let input = serde_json::from_str(example.input).unwrap_or(Value::Null);
            let request = run::Request {
                machine,
                input: &input,
                mocks: "",
                test_case: None,
                start_time_ms: 0,
                seed: 0,
            };
            let mut exec = run::prepare(&request).unwrap_or_else(|e| panic!("{e}"));
            exec.advance_to(0, 100);
            let tokens = exec.waiting_task_tokens();
            assert_eq!(tokens.len(), 1);
            assert_eq!(tokens[0].1, "Ask for approval");
            match output {
                Some(v) => exec.send_task_success(&tokens[0].0, v),
                None => exec.send_task_failure(&tokens[0].0, Some("Nope".into()), None),
            }
            .unwrap_or_else(|e| panic!("{e}"));
            exec.run_to_completion();
            run::view_of(&exec)
        };
        let approved = answer(Some(json!({"approved": true})));
        assert_eq!(approved.status, Status::Succeeded);
        let refused = answer(Some(json!({"approved": false})));
        assert_eq!(refused.error.as_deref(), Some("Rejected"));
        let failed = answer(None);
        assert_eq!(failed.error.as_deref(), Some("Nope"));
    }
}
