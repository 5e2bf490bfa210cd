//! Choice rules checked against executions recorded on real AWS.
//!
//! Every `choice_operators` case is a small state machine: one Choice state with a single rule
//! that goes to `ConditionTrue`, a `Default` of `ConditionFalse`, and two Pass states whose
//! output `{"TestResult.$": "<branch>"}` shows which branch AWS took. This test evaluates the
//! rule against the case input and checks the branch. It also runs the JSONPath Choice
//! scenario from the AWS docs. It skips (with a message) when the recordings are absent.

use std::path::PathBuf;

use asl::choice::{first_match, parse_choice, Choice};
use asl::StatesError;
use serde_json::Value;

fn cases_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("STEPWISE_CONFORMANCE_DIR") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // `../../../shared` from a checkout in /work/main; one level more from a worktree.
    ["../../../shared/conformance/cases", "../../../../shared/conformance/cases"]
        .iter()
        .map(|rel| crate_dir.join(rel))
        .find(|dir| dir.is_dir())
}

/// Test-only resolver for `$`, `$.a` and `$.a.b…` paths over plain object fields.
fn resolve_simple(input: &Value, path: &str) -> Result<Option<Value>, StatesError> {
    let Some(rest) = path.strip_prefix('$') else {
        return Err(StatesError::runtime(format!("test resolver: unsupported path {path}")));
    };
    let mut current = input;
    if rest.is_empty() {
        return Ok(Some(current.clone()));
    }
    let Some(rest) = rest.strip_prefix('.') else {
        return Err(StatesError::runtime(format!("test resolver: unsupported path {path}")));
    };
    for field in rest.split('.') {
        match current.get(field) {
            Some(v) => current = v,
            None => return Ok(None),
        }
    }
    Ok(Some(current.clone()))
}

/// Parse the Choice state's rules; evaluate them; return the state taken (Next, Default) or the
/// error.
fn run_choice(state: &Value, input: &Value) -> Result<String, String> {
    let rules = state["Choices"].as_array().ok_or("no Choices")?;
    let choices: Vec<Choice> = rules
        .iter()
        .map(|r| parse_choice(r).map_err(|e| format!("parse error: {e:?}")))
        .collect::<Result<_, _>>()?;
    let mut resolve = |p: &asl::jsonpath::Path| resolve_simple(input, p);
    match first_match(&choices, &mut resolve) {
        Ok(Some(choice)) => Ok(choice.next.clone()),
        Ok(None) => state["Default"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "States.NoChoiceMatched".to_string()),
        Err(e) => Err(format!("{}: {}", e.error, e.cause)),
    }
}

fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn choice_state(definition: &Value) -> Option<&Value> {
    definition["States"].as_object()?.values().find(|s| s["Type"] == "Choice")
}

#[test]
fn choice_operators_match_aws_recordings() {
    let Some(dir) = cases_dir() else {
        println!("skipping: conformance cases not found (set STEPWISE_CONFORMANCE_DIR)");
        return;
    };
    let area = dir.join("choice_operators");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&area)
        .unwrap_or_else(|e| panic!("{area:?}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no cases in {area:?}");

    let mut failures = Vec::new();
    for path in &paths {
        let case = load(path);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let state = choice_state(&case["definition"]).expect("a Choice state");
        let expected = &case["expected"];
        let want: Result<String, String> = if expected["status"] == "SUCCEEDED" {
            Ok(expected["output"]["TestResult.$"].as_str().expect("TestResult.$").to_string())
        } else {
            Err(format!(
                "{}: {}",
                expected["error"].as_str().unwrap_or(""),
                expected["cause"].as_str().unwrap_or("")
            ))
        };
        let got = run_choice(state, &case["input"]);
        if got != want {
            failures.push(format!("{name}: input {} got {got:?}, AWS {want:?}", case["input"]));
        }
    }
    let passed = paths.len() - failures.len();
    println!("choice_operators: {passed}/{} cases match AWS", paths.len());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn aws_docs_choice_scenario_takes_a_pass_branch() {
    let Some(dir) = cases_dir() else {
        println!("skipping: conformance cases not found (set STEPWISE_CONFORMANCE_DIR)");
        return;
    };
    let path = dir.join("scenarios/test_choice_aws_docs_scenario[CHOICE_STATE_AWS_SCENARIO].json");
    if !path.is_file() {
        println!("skipping: {path:?} not found");
        return;
    }
    let case = load(&path);
    let definition = &case["definition"];
    let state = choice_state(definition).expect("a Choice state");
    let target = run_choice(state, &case["input"]).expect("the rules evaluate");
    // The default branch is a Fail state; AWS succeeded, so a Pass branch was taken. With
    // {"type": "Private", "value": 22} that is the And rule (20 <= value < 30).
    assert_eq!(case["expected"]["status"], "SUCCEEDED");
    assert_eq!(definition["States"][&target]["Type"], "Pass");
    assert_eq!(target, "ValueInTwenties");
}
