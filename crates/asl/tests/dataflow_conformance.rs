//! Runs the recorded AWS executions that are a single JSONPath `Pass` state (InputPath →
//! Parameters → ResultPath → OutputPath) through the data-flow layer and compares the output,
//! or the error and cause, with what AWS recorded.
//!
//! The recordings live outside the repository: `$STEPWISE_CONFORMANCE_DIR`, else
//! `../../../shared/conformance/cases` from this crate. Without them the test prints a message
//! and passes.

use asl::dataflow::{apply_path_field, apply_result_path, PathField, ResultPathSpec};
use asl::jsonpath::Path;
use asl::jsonpath::Scope;
use asl::template::resolve_template;
use asl::{Random, StatesError};
use serde_json::{json, Value};
use std::path::PathBuf;

fn cases_dir() -> Option<PathBuf> {
    let dir =
        std::env::var_os("STEPWISE_CONFORMANCE_DIR").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases")
        });
    dir.is_dir().then_some(dir)
}

fn path_field(state: &Value, key: &str) -> PathField<'static> {
    match state.get(key) {
        None => PathField::Absent,
        Some(Value::Null) => PathField::Null,
        Some(Value::String(s)) => PathField::Path(Box::leak(Box::new(Path::compile(s)))),
        Some(_) => PathField::Absent,
    }
}

/// Run one Pass state the way the runner will.
fn run_pass(state: &Value, input: &Value) -> Result<Value, StatesError> {
    let context = json!({
        "Execution": {"Input": input, "Name": "<ExecArnPart_0idx>"},
        "StateMachine": {"Name": "<ArnPart_0idx>"},
        "State": {"Name": "State_0"}
    });
    let mut random = Random::new(7);
    let scope = Scope { input, context: &context, variables: None };
    let effective = apply_path_field(path_field(state, "InputPath"), &scope)?;
    let result = match (state.get("Parameters"), state.get("Result")) {
        (Some(t), _) => {
            let scope = Scope { input: &effective, context: &context, variables: None };
            resolve_template(t, &scope, &mut random)?
        }
        (None, Some(r)) => r.clone(),
        (None, None) => effective.clone(),
    };
    let result_path = state.get("ResultPath").and_then(Value::as_str).map(Path::compile);
    let spec = match state.get("ResultPath") {
        None => ResultPathSpec::Replace,
        Some(Value::Null) => ResultPathSpec::Discard,
        Some(Value::String(_)) => {
            result_path.as_ref().map_or(ResultPathSpec::Replace, ResultPathSpec::Path)
        }
        Some(_) => ResultPathSpec::Replace,
    };
    let after = apply_result_path(spec, input, result)?;
    let scope = Scope { input: &after, context: &context, variables: None };
    apply_path_field(path_field(state, "OutputPath"), &scope)
}

/// Snapshot placeholders (`<json-input:1>`, `<ArnPart_0idx>`) in `expected` match any text.
fn matches_placeholders(expected: &str, actual: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = expected;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map(|e| start + e);
        let is_token = end.is_some_and(|e| {
            e > start + 1
                && rest[start + 1..e]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
        });
        match (end, is_token) {
            (Some(e), true) => {
                pieces.push(&rest[..start]);
                rest = &rest[e + 1..];
            }
            _ => break,
        }
    }
    if pieces.is_empty() {
        return expected == actual;
    }
    let mut pos = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            if !actual.starts_with(piece) {
                return false;
            }
            pos = piece.len();
        } else {
            match actual[pos..].find(piece) {
                Some(at) => pos += at + piece.len(),
                None => return false,
            }
        }
    }
    actual[pos..].ends_with(rest) && actual.len() - pos >= rest.len()
}

fn values_match(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if e == "RandomNumberGenerated" => actual.is_i64() || actual.is_u64(),
        (Value::String(e), Value::String(a)) => matches_placeholders(e, a),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| values_match(e, a))
        }
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter().all(|(k, ev)| a.get(k).is_some_and(|av| values_match(ev, av)))
        }
        _ => expected == actual,
    }
}

const PASS_FIELDS: &[&str] =
    &["Type", "Parameters", "Result", "InputPath", "ResultPath", "OutputPath", "End", "Comment"];

#[test]
fn recorded_single_pass_state_cases() {
    let Some(dir) = cases_dir() else {
        println!("conformance cases not found; set STEPWISE_CONFORMANCE_DIR to run this test");
        return;
    };
    let mut ran = 0;
    let mut failures = Vec::new();
    for area in ["intrinsic_functions", "base", "scenarios"] {
        let Ok(entries) = std::fs::read_dir(dir.join(area)) else { continue };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            let Ok(case) = serde_json::from_str::<Value>(&text) else { continue };
            let def = &case["definition"];
            if def.get("QueryLanguage").is_some() {
                continue;
            }
            let Some(states) = def.get("States").and_then(Value::as_object) else { continue };
            let Some((_, state)) = states.iter().next().filter(|_| states.len() == 1) else {
                continue;
            };
            let simple = state["Type"] == "Pass"
                && state.get("Parameters").is_some()
                && state.as_object().is_some_and(|m| m.keys().all(|k| PASS_FIELDS.contains(&&**k)));
            if !simple {
                continue;
            }
            ran += 1;
            let expected = &case["expected"];
            let name =
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            match (expected["status"].as_str(), run_pass(state, &case["input"])) {
                (Some("SUCCEEDED"), Ok(out)) if values_match(&expected["output"], &out) => {}
                (Some("FAILED"), Err(e)) => {
                    let cause = expected["cause"].as_str().unwrap_or("");
                    let cause = cause.split_once("). ").map(|(_, c)| c).unwrap_or(cause);
                    if expected["error"] != e.error.as_str()
                        || !matches_placeholders(cause, &e.cause)
                    {
                        failures.push(format!(
                            "{name}: expected {} / {cause}, got {e}",
                            expected["error"]
                        ));
                    }
                }
                (status, got) => failures.push(format!(
                    "{name}: expected {status:?} {} {} {}, got {got:?}",
                    expected["output"], expected["error"], expected["cause"]
                )),
            }
        }
    }
    println!("ran {ran} recorded single-Pass cases, {} failed", failures.len());
    assert!(ran > 50, "expected to find the recorded intrinsic cases, ran {ran}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn placeholder_matching() {
    assert!(matches_placeholders("in the input '<json-input:1>'", "in the input '{\"a\":1}'"));
    assert!(matches_placeholders("<ArnPart_0idx>", "anything"));
    assert!(!matches_placeholders("a <x> b", "a c"));
    assert!(matches_placeholders("plain", "plain"));
}
