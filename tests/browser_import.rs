//! Browser tests of importing (headless Chromium via `cargo xtask browser-test`): a pasted SAM
//! template shows its state machine in the graph with its warnings located in the editor's
//! text, a template with several state machines offers a chooser, and Open file… loads a YAML
//! definition.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

const SAM: &str = include_str!("../crates/asl/tests/fixtures/import/sam.yaml");
const TWO: &str = include_str!("../crates/asl/tests/fixtures/import/two-machines.yaml");
const YAML: &str = include_str!("../crates/asl/tests/fixtures/import/definition.yaml");

/// The element `selector` finds below `root`, as a `T`.
fn within<T: JsCast>(root: &web_sys::Element, selector: &str) -> T {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .unwrap_or_else(|| panic!("no {selector}"))
}

/// The states drawn in the graph of the app in `root`.
fn states_in(root: &web_sys::Element) -> Vec<String> {
    let mut names: Vec<String> = query_all_in(root, "svg.sw-graph g.state[data-state]")
        .iter()
        .filter_map(|g| g.get_attribute("data-state"))
        .collect();
    names.sort();
    names
}

#[wasm_bindgen_test]
async fn a_pasted_sam_template_shows_its_state_machine() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_in(&container).await;
    set_text(&view, SAM);
    wait_for("the template's states", || {
        (states_in(&container) == ["Notify", "Process order", "Save order"]).then_some(())
    })
    .await;
    let note =
        container.query_selector("#import-note").ok().flatten().and_then(|e| e.text_content());
    assert_eq!(note.as_deref(), Some("State machine OrderStateMachine of the template"));
    // The unresolved references are warnings at their lines in the template; Start is open.
    let problems = wait_for("the warnings", || {
        let rows: Vec<String> = query_all_in(&container, ".problems li")
            .iter()
            .filter_map(|e| e.text_content())
            .collect();
        (rows.len() == 3).then_some(rows)
    })
    .await;
    assert!(problems[0].contains("36:15"), "{problems:?}");
    assert!(
        problems[2].contains("57:15") && problems[2].contains("AlertsTopicArn"),
        "{problems:?}"
    );
    let start = container.query_selector("#start").ok().flatten();
    assert_eq!(start.map(|b| b.has_attribute("disabled")), Some(false));
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn several_state_machines_are_chosen_in_a_chooser() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_in(&container).await;
    set_text(&view, TWO);
    wait_for("the first machine", || (states_in(&container) == ["One"]).then_some(())).await;
    let chooser: HtmlSelectElement = within(&container, "#state-machine-chooser");
    assert_eq!(chooser.length(), 2);
    chooser.set_value("Second");
    dispatch(&chooser, "change");
    wait_for("the second machine", || (states_in(&container) == ["Two"]).then_some(())).await;
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn open_file_loads_a_yaml_definition() {
    reset_browser_state();
    let (container, handle) = mount();
    editor_in(&container).await;
    let input: HtmlInputElement = within(&container, "#open-file-input");
    // What choosing a file does: the input's files change.
    let script = "const t = new DataTransfer(); \
                  t.items.add(new File([text], 'machine.asl.yaml', {type: 'application/yaml'})); \
                  input.files = t.files; \
                  input.dispatchEvent(new Event('change', {bubbles: true}));";
    let f = js_sys::Function::new_with_args("input, text", script);
    f.call2(&JsValue::NULL, &input, &JsValue::from_str(YAML)).expect("choose a file");
    wait_for("the YAML machine", || (states_in(&container) == ["Done", "Greet"]).then_some(()))
        .await;
    assert_eq!(query_all_in(&container, ".problems li").len(), 0);
    drop(handle);
    container.remove();
}
