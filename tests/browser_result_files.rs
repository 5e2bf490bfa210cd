//! Browser test of Distributed Map item readers and ResultWriter files (decision 0019): a
//! JSONL object pasted into the mock configuration's `S3Objects` is read, the run succeeds,
//! and the ResultWriter files are listed, open in the page and link to a download.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use stepwise::panels::editor::set_text;
use wasm_bindgen_test::*;
use web_sys::{HtmlAnchorElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

const DEFINITION: &str = include_str!("../examples/distributed-map-jsonl.asl.json");
const MOCKS: &str = include_str!("../examples/distributed-map-jsonl.mocks.json");

fn set_textarea(selector: &str, text: &str) {
    let area: HtmlTextAreaElement = element(selector);
    area.set_value(text);
    area.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("dispatch");
}

#[wasm_bindgen_test]
async fn a_distributed_map_reads_jsonl_and_lists_its_result_files() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_view().await;
    set_text(&view, DEFINITION);
    wait_for("the new graph", || query("svg.sw-graph [data-state='Process orders']")).await;
    wait_for("no problems", || query(".problems .empty.ok")).await;
    set_textarea("#execution-input", r#"{"key": "2025/orders.jsonl"}"#);
    set_textarea("#mock-config", MOCKS);
    wait_for("the S3 objects counted", || {
        text_of("#s3-objects-hint").contains("This configuration has 1 S3 object(s).").then_some(())
    })
    .await;
    sleep(20).await;
    click("#start");
    wait_up_to("the run to succeed", 10, || {
        (text_of("#execution-status .status-label") == "Succeeded").then_some(())
    })
    .await;
    let types: Vec<String> = query_all("table.events tbody tr.event td:nth-child(2)")
        .iter()
        .filter_map(|c| c.text_content())
        .collect();
    assert!(types.iter().any(|t| t == "MapRunSucceeded"), "{types:?}");
    // The files, as the engine wrote them.
    let uris: Vec<String> = query_all("#result-files .result-file-uri")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(uris.len(), 2, "{uris:?}");
    assert!(
        uris[0].starts_with("s3://results-bucket/orders/")
            && uris[0].ends_with("/SUCCEEDED_0.json")
    );
    assert!(uris[1].ends_with("/manifest.json"), "{uris:?}");
    // Open shows the contents; the download link carries them.
    click("#result-files .result-file:first-child .result-file-open");
    let text = wait_for("the opened file", || {
        Some(text_of("#result-files .result-file-text")).filter(|t| !t.is_empty())
    })
    .await;
    assert!(text.contains("\"Output\": \"{\\\"id\\\":\\\"a-1\\\",\\\"total\\\":25}\""), "{text}");
    assert!(text.contains("\"Status\": \"SUCCEEDED\""), "{text}");
    let link: HtmlAnchorElement =
        element("#result-files .result-file:last-child .result-file-download");
    assert!(link.download().ends_with("-manifest.json"), "{}", link.download());
    assert!(link.href().starts_with("data:application/json"), "{}", link.href());
    assert!(link.href().contains("DestinationBucket"), "{}", link.href());
    drop(handle);
    container.remove();
}
