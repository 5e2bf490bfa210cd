//! Runs the single-state JSONata Pass cases recorded against real AWS through
//! `asl::jsonata::resolve` and compares the `Output` (or the failure cause). Skips cleanly when
//! the shared conformance directory is absent.

use std::path::PathBuf;

use asl::jsonata::{resolve, Bindings};
use asl::Random;
use serde_json::{json, Value};

const AREAS: &[&str] = &[
    "evaluate_jsonata",
    "outputdecl",
    "arguments",
    "query_language",
    "assign",
    "states_variables",
    "intrinsic_functions",
];

fn cases_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("STEPWISE_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases"),
    };
    dir.is_dir().then_some(dir)
}

/// The state of a one-state JSONata Pass machine with an `Output`, if that is what `case` is.
fn simple_pass(case: &Value) -> Option<&Value> {
    let def = case.get("definition")?;
    let states = def.get("States")?.as_object()?;
    if states.len() != 1 || case.get("kind")?.as_str()? == "validation" {
        return None;
    }
    let state = states.values().next()?;
    let ql = state.get("QueryLanguage").or_else(|| def.get("QueryLanguage"))?;
    let output = state.get("Output")?;
    // `$states.context` needs the runner's context object.
    let uses_context = output.to_string().contains("$states.context");
    (state.get("Type")? == "Pass" && ql == "JSONata" && !uses_context).then_some(output)
}

fn as_json(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

#[test]
fn recorded_jsonata_pass_outputs_match() {
    let Some(dir) = cases_dir() else {
        eprintln!("conformance cases not found; skipping");
        return;
    };
    let no_vars = |_: &str| None;
    let (mut ran, mut failures) = (0, Vec::new());
    for area in AREAS {
        let Ok(entries) = std::fs::read_dir(dir.join(area)) else { continue };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(case) = serde_json::from_str::<Value>(&text) else { continue };
            let Some(output) = simple_pass(&case) else { continue };
            let input = as_json(case.get("input")).unwrap_or(json!({}));
            let states = json!({"input": input, "context": {}});
            let b = Bindings { states: &states, variables: &no_vars, now_ms: 0 };
            let got = resolve(output, "Output", &b, &mut Random::new(0));
            let expected = &case["expected"];
            ran += 1;
            let ok = match (expected["status"].as_str(), &got) {
                (Some("SUCCEEDED"), Ok(v)) => as_json(expected.get("output")).as_ref() == Some(v),
                (Some("FAILED"), Err(e)) => {
                    let cause = expected["cause"].as_str().unwrap_or("");
                    expected["error"] == "States.QueryEvaluationError"
                        && cause.ends_with(&format!("). {}", e.message))
                }
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: got {got:?}, expected {expected}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {ran} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(ran >= 30, "only {ran} cases found");
    eprintln!("{ran} recorded JSONata Pass cases match");
}
