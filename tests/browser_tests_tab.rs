//! Browser test of the Tests tab: the tutorial's suite runs on the definition in the editor,
//! each case shows its verdict, and the graph marks what no case touched (run by
//! `cargo xtask browser-test` in headless Chromium).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen_test::*;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn case_lines() -> Vec<String> {
    query_all("#test-cases li.case")
        .iter()
        .map(|li| li.text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn the_tests_tab_runs_the_tutorial_suite_and_marks_the_graph() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    click("#tab-tests");
    let select: HtmlSelectElement = element("#suite-select");
    assert_eq!(select.value(), "tutorial", "the tutorial's suite is offered for the tutorial");
    click("#run-tests");
    let summary = wait_for("the verdicts", || {
        Some(text_of("#tests-summary")).filter(|t| t.contains("passed"))
    })
    .await;
    assert_eq!(summary, "5 case(s): 5 passed, 0 failed");
    let verdicts = case_lines();
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    for (verdict, name) in verdicts.iter().zip(["200", "429", "503", "500", "throttled once"]) {
        assert!(verdict.starts_with(&format!("PASS {name}")), "{verdict}");
    }
    let figures = text_of("#coverage-figures");
    assert_eq!(figures, "states 6/6 · Retry rules 1/1 · Catch rules 3/3");
    assert!(
        text_of("#test-coverage").contains(
            "Call API: Catch ServerUnavailableException → Server Unavailable: covered by 503"
        ),
        "{}",
        text_of("#test-coverage")
    );
    // Everything was touched: nothing on the graph is marked.
    assert_eq!(count(".sw-graph .uncovered"), 0);

    // A suite of one case leaves states, Catch edges and the Retry loop untouched.
    let suite = r#"{"definition": "tutorial.asl.json",
        "cases": [{"name": "only 503", "input": {"statuscode": "503"},
                   "expect": {"status": "SUCCEEDED"}}]}"#;
    let text: HtmlTextAreaElement = element("#suite-text");
    text.set_value(suite);
    dispatch(&text, "input");
    click("#run-tests");
    wait_for("the pasted suite's verdict", || {
        Some(text_of("#tests-summary")).filter(|t| t.contains("1 failed"))
    })
    .await;
    let verdicts = case_lines();
    assert_eq!(verdicts.len(), 1);
    assert!(verdicts[0].starts_with("FAIL only 503"), "{verdicts:?}");
    assert!(verdicts[0].contains("status: expected SUCCEEDED, got FAILED"), "{verdicts:?}");
    assert_eq!(text_of("#coverage-figures"), "states 2/6 · Retry rules 0/1 · Catch rules 1/3");
    let marked: Vec<String> = query_all(".sw-graph g.uncovered[data-state]")
        .iter()
        .filter_map(|g| g.get_attribute("data-state"))
        .collect();
    let mut marked = marked;
    marked.sort();
    assert_eq!(marked, ["Catch All", "Change to 200", "OK", "Wait and Try Later"]);
    let edges: Vec<String> = query_all(".sw-graph path.edge.uncovered")
        .iter()
        .filter_map(|p| p.get_attribute("data-edge"))
        .collect();
    let mut edges = edges;
    edges.sort();
    assert_eq!(edges, ["catch-0", "catch-2", "retry"]);

    // The same suite pasted in YAML gives the same verdict; a YAML syntax error is located.
    text.set_value(
        "definition: tutorial.asl.json\ncases:\n  - name: only 503 (YAML)\n    \
         input: {statuscode: '503'}\n    expect: {status: SUCCEEDED}\n",
    );
    dispatch(&text, "input");
    click("#run-tests");
    let verdicts = wait_for("the YAML suite's verdict", || {
        Some(case_lines()).filter(|v| v.iter().any(|l| l.contains("(YAML)")))
    })
    .await;
    assert!(verdicts[0].starts_with("FAIL only 503 (YAML)"), "{verdicts:?}");
    text.set_value("definition: tutorial.asl.json\ncases: [\n");
    dispatch(&text, "input");
    click("#run-tests");
    let summary = wait_for("the YAML error", || {
        Some(text_of("#tests-summary")).filter(|t| t.contains("YAML"))
    })
    .await;
    assert!(
        summary.starts_with("The suite, line 3 column 1: the suite is not valid YAML"),
        "{summary}"
    );

    // Editing the definition clears the marks until the suite runs again.
    set_text(&view, &stepwise::app::TUTORIAL.replace("\"Seconds\": 1", "\"Seconds\": 2"));
    wait_for("the marks to clear", || (count(".sw-graph .uncovered") == 0).then_some(())).await;
    drop(handle);
    container.remove();
}
