//! Validation against AWS's recordings (`../shared/conformance/cases`): every definition AWS
//! refused at creation is refused by `validate_for_type` with the recorded code and location,
//! and every definition AWS ran is accepted for its type — the creation-time rules
//! (docs/decisions/0014-validation-rules.md) must never refuse what AWS runs.

use std::path::PathBuf;

use asl::validate::{validate_for_type, MachineType};
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

/// Every recorded case with a definition, as (file name, case).
fn recorded_cases() -> Option<Vec<(String, Value)>> {
    let dir = cases_dir()?;
    let mut out = Vec::new();
    for area in std::fs::read_dir(&dir).ok()?.filter_map(Result::ok) {
        let Ok(files) = std::fs::read_dir(area.path()) else { continue };
        for file in files.filter_map(Result::ok) {
            let path = file.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(case) = serde_json::from_str::<Value>(&text) else { continue };
            if case.get("definition").is_some() {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                out.push((name.unwrap_or_default(), case));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
}

fn machine_type(case: &Value) -> MachineType {
    case["state_machine_type"].as_str().and_then(MachineType::parse).unwrap_or_default()
}

/// `CODE` and `/location` of AWS's `'…CODE: message at /location'` message, when it has them.
fn recorded_diagnostic(message: &str) -> Option<(String, String)> {
    let body = message.split_once("Invalid State Machine Definition: '")?.1;
    let (code, rest) = body.split_once(": ")?;
    let location = rest.rsplit_once(" at ")?.1.trim_end_matches('\'');
    Some((code.to_string(), location.to_string()))
}

#[test]
fn recorded_refusals_are_refused_with_aws_code_and_location() {
    let Some(cases) = recorded_cases() else {
        println!("skipping: conformance cases not found (set STEPWISE_CONFORMANCE_DIR)");
        return;
    };
    let mut checked = 0;
    for (name, case) in cases.iter().filter(|(_, c)| c["kind"] == "validation") {
        if case["expected"]["api"] != "CreateStateMachine"
            && case["expected"]["api"] != "ValidateStateMachineDefinition"
        {
            continue;
        }
        let text = serde_json::to_string(&case["definition"]).unwrap();
        let v = validate_for_type(&text, machine_type(case));
        assert_eq!(v.is_ok(), case["expected"]["valid"] == true, "{name}: {v:?}");
        let message = case["expected"]["message"].as_str().unwrap_or_default();
        if let Some((code, location)) = recorded_diagnostic(message) {
            assert!(
                v.diagnostics.iter().any(|d| d.code == code && d.location == location),
                "{name}: expected {code} at {location}, got {v:?}"
            );
        }
        checked += 1;
    }
    println!("{checked} recorded validation cases checked");
}

#[test]
fn definitions_aws_ran_are_accepted_for_their_type() {
    let Some(cases) = recorded_cases() else {
        println!("skipping: conformance cases not found (set STEPWISE_CONFORMANCE_DIR)");
        return;
    };
    let mut checked = 0;
    for (name, case) in cases.iter().filter(|(_, c)| c["kind"] != "validation") {
        let text = serde_json::to_string(&case["definition"]).unwrap();
        let v = validate_for_type(&text, machine_type(case));
        assert!(v.is_ok(), "{name}: {v:?}");
        checked += 1;
    }
    println!("{checked} recorded definitions accepted");
}
