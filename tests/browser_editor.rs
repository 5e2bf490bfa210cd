//! Browser tests of the ASL-aware editor (JSONata highlighting, completion, the plain JSON
//! editor). Run by `cargo xtask browser-test` in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::{json, Value};
use stepwise::panels::editor::{
    asl_completions_json, create_json_editor, get_text, jsonata_tokens_json,
    open_completion_labels, reveal_position, set_diagnostics_json, set_text, type_text, EditorView,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn texts(root: &Element, selector: &str) -> Vec<String> {
    query_all_in(root, selector).iter().filter_map(|e| e.text_content()).collect()
}

fn tokens(value: &str) -> Vec<(String, String)> {
    let parsed: Value = serde_json::from_str(&jsonata_tokens_json(value)).expect("token JSON");
    let chars: Vec<u16> = value.encode_utf16().collect();
    parsed
        .as_array()
        .expect("an array")
        .iter()
        .map(|t| {
            let from = t["from"].as_u64().expect("from") as usize;
            let to = t["to"].as_u64().expect("to") as usize;
            let text = String::from_utf16_lossy(chars.get(from..to).expect("in range"));
            (t["type"].as_str().expect("type").to_string(), text)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[wasm_bindgen_test]
fn jsonata_tokenizer_classifies_every_token() {
    assert_eq!(
        tokens("{% $sum($states.input.items) + 1.5 %}"),
        pairs(&[
            ("delim", "{%"),
            ("fn", "$sum"),
            ("punct", "("),
            ("var", "$states"),
            ("op", "."),
            ("path", "input"),
            ("op", "."),
            ("path", "items"),
            ("punct", ")"),
            ("op", "+"),
            ("num", "1.5"),
            ("delim", "%}"),
        ])
    );
    assert_eq!(
        tokens(" {% $x := 'a' & \"b\\\"c\"; $x in [1e3] and true or null ~> $f() /* n */ %} "),
        pairs(&[
            ("delim", "{%"),
            ("var", "$x"),
            ("op", ":="),
            ("str", "'a'"),
            ("op", "&"),
            ("str", "\"b\\\"c\""),
            ("op", ";"),
            ("var", "$x"),
            ("kw", "in"),
            ("punct", "["),
            ("num", "1e3"),
            ("punct", "]"),
            ("kw", "and"),
            ("kw", "true"),
            ("kw", "or"),
            ("kw", "null"),
            ("op", "~>"),
            ("fn", "$f"),
            ("punct", "("),
            ("punct", ")"),
            ("comment", "/* n */"),
            ("delim", "%}"),
        ])
    );
    // A keyword after a dot is a field name; backquoted names are paths.
    assert_eq!(
        tokens("{% `a b`.in %}"),
        pairs(&[("delim", "{%"), ("path", "`a b`"), ("op", "."), ("path", "in"), ("delim", "%}")])
    );
    // Unterminated strings stop at the closing delimiter.
    assert_eq!(
        tokens("{% 'open %}"),
        pairs(&[("delim", "{%"), ("str", "'open "), ("delim", "%}")])
    );
    // Not templates.
    assert_eq!(jsonata_tokens_json("$.input"), "[]");
    assert_eq!(jsonata_tokens_json("{% $x"), "[]");
    assert_eq!(jsonata_tokens_json("a {% $x %}"), "[]");
}

const JSONATA_DEFINITION: &str = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Sum",
  "States": {
    "Sum": {
      "Type": "Pass",
      "Output": { "total": "{% $sum($states.input.prices) %}", "q": "{% \"x\" & 'y' %}" },
      "Next": "Done"
    },
    "Done": { "Type": "Succeed", "Comment": "$not.a.template" }
  }
}"#;

#[wasm_bindgen_test]
async fn jsonata_templates_are_highlighted_in_the_definition_editor() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_in(&container).await;
    set_text(&view, JSONATA_DEFINITION);
    let functions = wait_for("a highlighted function", || {
        Some(texts(&container, ".cm-jsonata-fn")).filter(|v| !v.is_empty())
    })
    .await;
    assert_eq!(functions, vec!["$sum"]);
    assert_eq!(texts(&container, ".cm-jsonata-var"), vec!["$states"]);
    assert_eq!(texts(&container, ".cm-jsonata-delim"), vec!["{%", "%}", "{%", "%}"]);
    // The JSON escape `\"` stays inside the JSONata string token.
    assert_eq!(texts(&container, ".cm-jsonata-str"), vec!["\\\"x\\\"", "'y'"]);
    assert_eq!(texts(&container, ".cm-jsonata-op"), vec![".", ".", "&"]);
    // Only the two templates are marked, not the `$not.a.template` comment.
    assert_eq!(query_all_in(&container, ".cm-jsonata").len(), 2);
    // The function name is drawn in the function colour, not the JSON string colour: the
    // innermost element holding the text has it.
    let mut fun = query_all_in(&container, ".cm-jsonata-fn").into_iter().next().expect("fn span");
    while let Some(inner) = fun.first_element_child() {
        fun = inner;
    }
    let colour = web_sys::window()
        .and_then(|w| w.get_computed_style(&fun).ok().flatten())
        .and_then(|s| s.get_property_value("color").ok())
        .unwrap_or_default();
    assert_eq!(colour, "rgb(0, 0, 255)");
    drop(handle);
    container.remove();
}

const TASKS: &str = r#"{
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
      "Retry": [{ "ErrorEquals": ["TooManyRequestsException"], "MaxAttempts": 2 }],
      "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }],
      "End": true
    },
    "Second": { "Type": "Pass", "End": true },
    "Failed": { "Type": "Fail", "Error": "Boom" }
  }
}"#;

/// The document offset (UTF-16) of the first `marker` in `text`, plus `delta`.
fn offset_of(text: &str, marker: &str, delta: usize) -> u32 {
    let byte = text.find(marker).expect("marker in text") + delta;
    text.get(..byte).expect("char boundary").encode_utf16().count() as u32
}

fn completions(view: &EditorView, pos: u32) -> Value {
    serde_json::from_str(&asl_completions_json(view, pos)).expect("completion JSON")
}

fn labels(v: &Value) -> Vec<String> {
    v["labels"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Replaces the document with `text` where `|` marks the cursor; returns that offset.
fn load_with_cursor(view: &EditorView, text_with_bar: &str) -> u32 {
    let pos = offset_of(text_with_bar, "|", 0);
    set_text(view, &text_with_bar.replacen('|', "", 1));
    pos
}

#[wasm_bindgen_test]
async fn completion_knows_fields_and_values_by_context() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_in(&container).await;

    // Values: state names for StartAt / Next / Default, even in a half-typed string.
    let pos =
        load_with_cursor(&view, &TASKS.replacen("\"StartAt\": \"First\"", "\"StartAt\": \"|\"", 1));
    let c = completions(&view, pos);
    assert_eq!(labels(&c), vec!["First", "Second", "Failed"]);
    assert_eq!((c["from"].as_u64(), c["to"].as_u64()), (Some(pos as u64), Some(pos as u64)));
    let half = TASKS.replacen(
        "\"End\": true\n    },\n    \"Second\"",
        "\"Next\": \"Se|\n    },\n    \"Second\"",
        1,
    );
    let pos = load_with_cursor(&view, &half);
    assert_eq!(labels(&completions(&view, pos)), vec!["First", "Second", "Failed"]);

    // Keys of a Task state: its fields minus those present.
    let pos = load_with_cursor(
        &view,
        &TASKS.replacen("\"End\": true\n    },", "\"End\": true, \"|\"\n    },", 1),
    );
    let task_fields = labels(&completions(&view, pos));
    for expected in [
        "Comment",
        "Parameters",
        "ResultPath",
        "ResultSelector",
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "Next",
        "InputPath",
        "OutputPath",
        "Assign",
        "Credentials",
    ] {
        assert!(task_fields.contains(&expected.to_string()), "{expected} in {task_fields:?}");
    }
    for absent in ["Type", "Resource", "Retry", "Catch", "End", "Choices", "Output", "Arguments"] {
        assert!(!task_fields.contains(&absent.to_string()), "{absent} not in {task_fields:?}");
    }

    // Top level.
    let pos = load_with_cursor(&view, "{\n  \"|\"\n}");
    assert_eq!(
        labels(&completions(&view, pos)),
        vec!["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"]
    );

    // Retry entry fields; ErrorEquals items (predefined names first, then names the document
    // uses; not the ones already listed, never States.Runtime).
    let pos = load_with_cursor(
        &view,
        &TASKS.replacen("\"MaxAttempts\": 2", "\"MaxAttempts\": 2, \"|\"", 1),
    );
    assert_eq!(
        labels(&completions(&view, pos)),
        vec!["IntervalSeconds", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]
    );
    let pos =
        load_with_cursor(&view, &TASKS.replacen("[\"States.ALL\"]", "[\"States.ALL\", \"|\"]", 1));
    let errors = labels(&completions(&view, pos));
    assert_eq!(errors.first().map(String::as_str), Some("States.Timeout"));
    assert!(errors.contains(&"States.TaskFailed".to_string()), "{errors:?}");
    assert!(errors.contains(&"States.Permissions".to_string()), "{errors:?}");
    assert!(errors.contains(&"TooManyRequestsException".to_string()), "{errors:?}");
    assert!(errors.contains(&"Boom".to_string()), "{errors:?}");
    assert!(!errors.contains(&"States.ALL".to_string()), "{errors:?}");
    assert!(!errors.contains(&"States.Runtime".to_string()), "{errors:?}");

    // Type values; Resource values; a JSONata Choice rule's fields.
    let pos = load_with_cursor(&view, &TASKS.replacen("\"Type\": \"Pass\"", "\"Type\": \"|\"", 1));
    assert_eq!(
        labels(&completions(&view, pos)),
        vec!["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
    );
    let pos =
        load_with_cursor(&view, "{\"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"|\"}}}");
    assert_eq!(
        labels(&completions(&view, pos)),
        vec![
            "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
            "arn:aws:states:::lambda:invoke"
        ]
    );
    let pos = load_with_cursor(
        &view,
        "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": [{\"|\"}], \"Default\": \"D\"}, \"D\": {\"Type\": \"Succeed\"}}}",
    );
    assert_eq!(
        labels(&completions(&view, pos)),
        vec!["Condition", "Next", "Assign", "Output", "Comment"]
    );

    // Free-form objects (Parameters) and JSONata templates get nothing.
    let pos = load_with_cursor(
        &view,
        "{\"States\": {\"A\": {\"Type\": \"Task\", \"Parameters\": {\"|\"}}}}",
    );
    assert_eq!(completions(&view, pos), Value::Null);
    let pos =
        load_with_cursor(&view, "{\"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"{% $|\"}}}");
    assert_eq!(completions(&view, pos), Value::Null);
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn typing_next_in_a_state_opens_a_popup_of_state_names() {
    reset_browser_state();
    let (container, handle) = mount();
    let view = editor_in(&container).await;
    set_text(&view, TASKS);
    // Line 9 is `      "End": true` in the First state; replace it by typing.
    let line =
        TASKS.lines().position(|l| l.contains("\"End\": true")).expect("End line") as u32 + 1;
    reveal_position(&view, line, 7);
    type_text(&view, "\"Next\": \"");
    let shown = wait_for("the completion popup", || {
        Some(open_completion_labels(&view)).filter(|l| !l.is_empty())
    })
    .await;
    assert_eq!(shown, vec!["First", "Second", "Failed"]);
    // Narrowing by typing.
    type_text(&view, "Se");
    wait_for("the narrowed popup", || {
        (open_completion_labels(&view) == vec!["Second".to_string()]).then_some(())
    })
    .await;
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_plain_json_editor_edits_json_without_asl_completion() {
    let host = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&host).expect("append");
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = seen.clone();
    let on_change = Closure::<dyn FnMut(String)>::new(move |t: String| sink.borrow_mut().push(t))
        .into_js_value();
    let view = create_json_editor(&host, "{\"Next\": 1}", &on_change);
    assert_eq!(get_text(&view), "{\"Next\": 1}");
    assert!(host.query_selector(".cm-lineNumbers").ok().flatten().is_some());
    set_text(&view, "{\"LambdaMockedResponses\": {}}");
    assert_eq!(*seen.borrow(), vec!["{\"LambdaMockedResponses\": {}}".to_string()]);
    // Diagnostics show as lint markers.
    set_diagnostics_json(
        &view,
        &json!([{"line": 1, "column": 2, "severity": "error", "message": "bad"}]).to_string(),
    );
    wait_for("a lint marker", || host.query_selector(".cm-lintRange-error").ok().flatten()).await;
    // No ASL completion popup while typing a Next value.
    set_text(&view, "{\"States\": {\"A\": {\"Type\": \"Pass\", }}, \"B\": {}}");
    reveal_position(&view, 1, 35);
    type_text(&view, "\"Next\": \"");
    sleep(300).await;
    assert!(open_completion_labels(&view).is_empty());
    host.remove();
}
