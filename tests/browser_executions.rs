//! Browser tests of the Executions list, "Re-run from here" and Compare (issue 11 points 2, 4
//! and 5): run by `cargo xtask browser-test` with wasm-bindgen-test-runner in headless
//! Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::persist::storage;
use stepwise::run::executions::STORAGE_KEY;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh page with an empty Executions list.
fn fresh() {
    reset_browser_state();
    storage::remove(STORAGE_KEY);
}

async fn status_is(expected: &str) {
    wait_up_to(expected, 10, || {
        (text_of("#execution-status .status-label") == expected).then_some(())
    })
    .await;
}

fn rows() -> Vec<Element> {
    query_all("#executions tr.exec-row")
}

fn cell(row: &Element, index: usize) -> String {
    query_all_in(row, "td").get(index).and_then(|c| c.text_content()).unwrap_or_default()
}

fn graph_node(state: &str) -> Option<Element> {
    query_all("svg.sw-graph g")
        .into_iter()
        .find(|g| g.get_attribute("data-state").as_deref() == Some(state))
}

#[wasm_bindgen_test]
async fn two_runs_are_listed_and_opening_the_first_shows_its_history() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    // The first run is named by hand, the second gets a generated name.
    let name: HtmlInputElement = element("#execution-name");
    name.set_value("first-503");
    dispatch(&name, "input");
    click("#tutorial-run-503");
    status_is("Failed").await;
    assert_eq!(count("tr.event"), 8);
    click("#tutorial-run-429");
    status_is("Succeeded").await;
    assert_eq!(count("tr.event"), 24);

    let listed = wait_for("two rows", || Some(rows()).filter(|r| r.len() == 2)).await;
    let headers: Vec<String> =
        query_all("#executions th").iter().filter_map(|h| h.text_content()).collect();
    assert_eq!(headers[..5], ["Name", "Status", "Started", "End time", "Duration"]);
    // Newest first: the 429 run, then the 503 one.
    let generated = listed[0].get_attribute("data-name").unwrap_or_default();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    assert_eq!(cell(&listed[0], 1), "Succeeded");
    assert_eq!(cell(&listed[0], 4), "4 s");
    assert_eq!(listed[1].get_attribute("data-name").as_deref(), Some("first-503"));
    assert_eq!(cell(&listed[1], 1), "Failed");
    assert!(cell(&listed[1], 3).ends_with("UTC"), "an end time: {}", cell(&listed[1], 3));

    // Picked and compared from the list (the left is the one picked first).
    let compare: web_sys::HtmlButtonElement = element("#compare");
    assert!(compare.disabled(), "Compare waits for two picks");
    for row in [&listed[1], &listed[0]] {
        let pick = query_all_in(row, ".exec-pick-box").into_iter().next().expect("a Pick box");
        click_element(&pick);
    }
    wait_for("Compare enabled", || (!compare.disabled()).then_some(())).await;
    compare.click();
    let parted = wait_up_to("the parting row", 10, || query(".compare-row.parted")).await;
    assert!(parted.text_content().unwrap_or_default().contains("Call API"));
    assert!(text_of(".compare-table th").contains("first-503"), "{}", text_of(".compare-table th"));

    // Opening the first run re-creates its history.
    let open = query_all_in(&listed[1], ".exec-open").into_iter().next().expect("its name");
    let began = js_sys::Date::now();
    click_element(&open);
    status_is("Failed").await;
    wait_for("its 8 events", || (count("tr.event") == 8).then_some(())).await;
    // A figure, not a threshold: re-creating a run includes starting a worker for it.
    web_sys::console::log_1(
        &format!("opening a listed run took {} ms", js_sys::Date::now() - began).into(),
    );
    assert!(text_of(".events").contains("Server Unavailable"));
    assert!(query("#executions tr.exec-row.shown[data-name='first-503']").is_some());
    drop(handle);
    container.remove();

    // Kept across reloads; Delete removes one.
    let (container, handle) = mount();
    editor_view().await;
    let listed = wait_for("the kept rows", || Some(rows()).filter(|r| r.len() == 2)).await;
    let delete = query_all_in(&listed[1], ".exec-delete").into_iter().next().expect("Delete");
    click_element(&delete);
    let left = wait_for("one row", || Some(rows()).filter(|r| r.len() == 1)).await;
    assert_eq!(left[0].get_attribute("data-name"), Some(generated));
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn comparing_the_503_and_429_runs_highlights_call_api() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    let began = js_sys::Date::now();
    click("#tutorial-compare");
    let parted = wait_up_to("the parting row", 10, || query(".compare-row.parted")).await;
    web_sys::console::log_1(
        &format!("comparing two listed runs took {} ms", js_sys::Date::now() - began).into(),
    );
    assert!(parted.text_content().unwrap_or_default().contains("Call API"));
    assert_eq!(text_of(".compare-parting"), "They part at Call API.");
    assert!(text_of(".compare-only").contains("Only the left visited: Server Unavailable."));
    // Both runs are listed (and now know how they ended); the graph marks the states only
    // one of them visited.
    sleep(500).await;
    let labels: Vec<String> = rows().iter().map(|r| cell(r, 1)).collect();
    assert_eq!(labels, ["Succeeded", "Failed"]);
    let only_left = wait_for("the graph's marks", || {
        graph_node("Server Unavailable").filter(|g| g.class_list().contains("only-left"))
    })
    .await;
    assert!(!only_left.class_list().contains("only-right"));
    assert!(graph_node("Wait and Try Later").is_some_and(|g| g.class_list().contains("only-right")));
    assert!(graph_node("Call API").is_some_and(|g| !g.class_list().contains("only-left")));
    click("#compare-close");
    wait_for("no marks", || {
        graph_node("Server Unavailable").filter(|g| !g.class_list().contains("only-left"))
    })
    .await;
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn re_run_from_here_starts_at_the_state_with_its_input() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    click("#tutorial-run-429");
    status_is("Succeeded").await;
    let original = wait_for("the run", || rows().into_iter().next()).await;
    let original_name = original.get_attribute("data-name").unwrap_or_default();

    let node = wait_for("Call API in the graph", || graph_node("Call API")).await;
    click_element(&node);
    wait_for("Re-run from here", || query("#rerun-from-here")).await;
    assert_eq!(text_of("#rerun-from-here"), "Re-run from here");
    click("#rerun-from-here");
    let input: HtmlTextAreaElement = wait_for("the form", || {
        query("#rerun-input").and_then(|e| wasm_bindgen::JsCast::dyn_into(e).ok())
    })
    .await;
    // Call API's latest input in the 429 run: what Change to 200 gave it.
    let prefilled: serde_json::Value =
        serde_json::from_str(&input.value()).expect("the prefilled input is JSON");
    assert_eq!(prefilled, serde_json::json!({"statuscode": "200"}));
    click("#rerun-start");
    status_is("Succeeded").await;
    // From Call API on a 200: the 200 run's 9 events.
    wait_for("its 9 events", || (count("tr.event") == 9).then_some(())).await;
    let events: Vec<String> =
        query_all("tr.event").iter().filter_map(|e| e.text_content()).collect();
    assert!(events[1].contains("TaskStateEntered") && events[1].contains("Call API"), "{events:?}");

    // Listed under the original, saying where it started.
    let listed = wait_for("two rows", || Some(rows()).filter(|r| r.len() == 2)).await;
    assert_eq!(listed[0].get_attribute("data-name"), Some(original_name.clone()));
    assert!(listed[1].class_list().contains("rerun"));
    assert_eq!(
        text_of("#executions .exec-from"),
        format!("Re-run of {original_name} from Call API")
    );
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn a_stopped_run_is_re_created_stopped_at_the_same_event() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    click("button[data-sample='429']");
    click(".clock button:nth-child(2)"); // Real time
    sleep(20).await;
    click("#start");
    sleep(1_500).await;
    click("#stop");
    status_is("Aborted").await;
    let stopped: Vec<String> =
        query_all("tr.event").iter().filter_map(|e| e.text_content()).collect();
    // Another run, then the stopped one opened again (re-created on the Instant clock).
    click(".clock button:nth-child(1)");
    click("button[data-sample='200']");
    sleep(20).await;
    click("#start");
    status_is("Succeeded").await;
    let listed = wait_for("two rows", || Some(rows()).filter(|r| r.len() == 2)).await;
    assert_eq!(cell(&listed[1], 1), "Aborted");
    let open = query_all_in(&listed[1], ".exec-open").into_iter().next().expect("its name");
    click_element(&open);
    status_is("Aborted").await;
    let again = wait_for("the same events", || {
        let events: Vec<String> =
            query_all("tr.event").iter().filter_map(|e| e.text_content()).collect();
        (events.len() == stopped.len()).then_some(events)
    })
    .await;
    assert_eq!(again, stopped);
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn a_run_the_engine_refuses_is_not_listed() {
    fresh();
    storage::save(storage::KEY_MOCKS, "{not json");
    let (container, handle) = mount();
    editor_view().await;
    click("#start");
    wait_for("the refusal", || {
        Some(text_of(".banner.notice")).filter(|t| t.contains("mock configuration is not valid"))
    })
    .await;
    sleep(100).await;
    assert_eq!(rows().len(), 0);
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
    storage::remove(storage::KEY_MOCKS);
}

#[wasm_bindgen_test]
async fn re_run_from_an_earlier_visit_takes_its_input_which_can_be_edited() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    click("#tutorial-run-429");
    status_is("Succeeded").await;
    let node = wait_for("Call API in the graph", || graph_node("Call API")).await;
    click_element(&node);
    // Call API ran twice: pick its first run.
    let picker: web_sys::HtmlSelectElement = wait_for("the run picker", || {
        query(".state-details .sd-run-picker").and_then(|e| wasm_bindgen::JsCast::dyn_into(e).ok())
    })
    .await;
    picker.set_value("0");
    dispatch(&picker, "change");
    sleep(50).await;
    click("#rerun-from-here");
    let input: HtmlTextAreaElement = wait_for("the form", || {
        query("#rerun-input").and_then(|e| wasm_bindgen::JsCast::dyn_into(e).ok())
    })
    .await;
    let prefilled: serde_json::Value =
        serde_json::from_str(&input.value()).expect("the prefilled input is JSON");
    assert_eq!(prefilled, serde_json::json!({"statuscode": "429"}));
    // Edited before Start: a 503 from Call API fails in Server Unavailable.
    input.set_value("{\"statuscode\": \"503\"}");
    dispatch(&input, "input");
    click("#rerun-start");
    status_is("Failed").await;
    assert!(text_of("#execution-status").contains("ServerUnavailable"));
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

// ----- Redrive and the list (the seam between the debugger and the Executions list) -----

fn set_mocks(text: &str) {
    let mocks: HtmlTextAreaElement = element("#mock-config");
    mocks.set_value(text);
    dispatch(&mocks, "input");
}

fn open_row(name: &str) {
    let row = rows()
        .into_iter()
        .find(|r| r.get_attribute("data-name").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no row {name}"));
    let open = query_all_in(&row, ".exec-open").into_iter().next().expect("its name");
    click_element(&open);
}

fn row_status(name: &str) -> Option<String> {
    rows()
        .into_iter()
        .find(|r| r.get_attribute("data-name").as_deref() == Some(name))
        .map(|r| cell(&r, 1))
}

async fn redrive_offered() {
    wait_for("Redrive offered", || {
        (!element::<web_sys::HtmlButtonElement>("#redrive").disabled()).then_some(())
    })
    .await;
}

/// What the redriven tutorial run records from `ExecutionRedriven` on.
const REDRIVEN_TO_OK: [&str; 9] = [
    "ExecutionRedriven",
    "TaskStateEntered",
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "TaskStateExited",
    "PassStateEntered",
    "PassStateExited",
    "ExecutionSucceeded",
];

fn from_redriven() -> Vec<String> {
    let types = event_types();
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap_or(types.len());
    types[at..].to_vec()
}

#[wasm_bindgen_test]
async fn a_redrive_is_recorded_in_the_list_and_re_created_when_opened_again() {
    fresh();
    // The tutorial's 503 run, Call API answering after 30 s (Real time): stopped while it
    // waits, so that Call API itself is what a redrive runs again.
    let slow_503 = r#"{"Throw": {"Error": "ServerUnavailableException", "Cause": "503"}, "LatencySeconds": 30}"#;
    storage::save(storage::KEY_MOCKS, &tutorial_mocks(slow_503));
    storage::save(storage::KEY_TEST_CASE, "T");
    let (container, handle) = mount();
    editor_view().await;
    let name: HtmlInputElement = element("#execution-name");
    name.set_value("the-503");
    dispatch(&name, "input");
    click("button[data-sample='503']");
    click(".clock button:nth-child(2)"); // Real time
    sleep(20).await;
    click("#start");
    wait_for("Call API waiting", || {
        event_types().iter().any(|t| t == "LambdaFunctionStarted").then_some(())
    })
    .await;
    click("#stop");
    status_is("Aborted").await;
    wait_for("listed Aborted", || (row_status("the-503")? == "Aborted").then_some(())).await;

    // The outside world changed: Call API answers 200. Redrive → Succeeded, in the list too.
    set_mocks(&tutorial_mocks(r#"{"Return": "200 OK"}"#));
    sleep(50).await;
    redrive_offered().await;
    click("#redrive");
    status_is("Succeeded").await;
    assert_eq!(from_redriven(), REDRIVEN_TO_OK);
    let shown: Vec<String> =
        query_all("tr.event").iter().filter_map(|e| e.text_content()).collect();
    wait_for("listed Succeeded", || (row_status("the-503")? == "Succeeded").then_some(())).await;

    // Another run, then this one re-opened: its history is re-created with the redrive.
    click(".clock button:nth-child(1)"); // Instant
    click("button[data-sample='200']");
    sleep(20).await;
    click("#start");
    wait_for("the other run", || {
        let types = event_types();
        (types.last().map(String::as_str) == Some("ExecutionSucceeded")
            && !types.iter().any(|t| t == "ExecutionRedriven"))
        .then_some(())
    })
    .await;
    open_row("the-503");
    let again = wait_for("the redriven history again", || {
        let events: Vec<String> =
            query_all("tr.event").iter().filter_map(|e| e.text_content()).collect();
        (events.len() == shown.len()).then_some(events)
    })
    .await;
    assert_eq!(again, shown);
    assert_eq!(text_of("#execution-status .status-label"), "Succeeded");
    assert_eq!(from_redriven(), REDRIVEN_TO_OK);
    let types = event_types();
    assert!(types.iter().any(|t| t == "ExecutionAborted"), "the first attempt: {types:?}");
    assert_eq!(row_status("the-503").as_deref(), Some("Succeeded"));
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn a_failed_run_opened_from_the_list_can_be_redriven() {
    fresh();
    let (container, handle) = mount();
    editor_view().await;
    let name: HtmlInputElement = element("#execution-name");
    name.set_value("failed-503");
    dispatch(&name, "input");
    click("#tutorial-run-503");
    status_is("Failed").await;
    click("#tutorial-run-429");
    status_is("Succeeded").await;
    let redrive: web_sys::HtmlButtonElement = element("#redrive");
    assert!(redrive.disabled(), "a succeeded run is not redrivable");

    // The failed run, opened from the list (re-created in a worker of its own), is offered
    // a Redrive: the page's engine re-creates it, then redrives it (its Fail state again).
    open_row("failed-503");
    status_is("Failed").await;
    assert_eq!(count("tr.event"), 8);
    redrive_offered().await;
    click("#redrive");
    wait_for("the redriven history", || {
        event_types().iter().any(|t| t == "ExecutionRedriven").then_some(())
    })
    .await;
    status_is("Failed").await;
    assert_eq!(from_redriven(), ["ExecutionRedriven", "FailStateEntered", "ExecutionFailed"]);
    assert_eq!(count("tr.event"), 11);
    // Recorded: opening the other run and this one again shows the redrive.
    let listed = wait_for("two rows", || Some(rows()).filter(|r| r.len() == 2)).await;
    let other = listed[0].get_attribute("data-name").unwrap_or_default();
    open_row(&other);
    status_is("Succeeded").await;
    open_row("failed-503");
    wait_for("re-created with its redrive", || (count("tr.event") == 11).then_some(())).await;
    assert_eq!(from_redriven(), ["ExecutionRedriven", "FailStateEntered", "ExecutionFailed"]);
    assert_eq!(row_status("failed-503").as_deref(), Some("Failed"));
    drop(handle);
    container.remove();
    storage::remove(STORAGE_KEY);
}
