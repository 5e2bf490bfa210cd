//! TestState conformance: the TestState calls recorded on real AWS Step Functions
//! (`../shared/conformance/cases/test_state`, November 2025 fields included).
//!
//! Runs `../shared/conformance/score_test_state.py` (the scorer that ships with the recordings)
//! over every case with this crate's `asl test-state --cli-input-json`, prints the figure, and
//! fails only when a case listed in `test-state-passing.txt` no longer matches. A fresh clone
//! has no `../shared`: the test then says so and passes. `STEPWISE_UPDATE_CONFORMANCE=1`
//! rewrites the list. The calls that reached a live Lambda (feature `unmocked_task`) cannot
//! match: Stepwise calls no service.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("STEPWISE_CONFORMANCE_DIR") {
        let dir = PathBuf::from(dir);
        return Some(if dir.ends_with("cases") { dir.parent()?.to_path_buf() } else { dir });
    }
    let candidate = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance");
    candidate.join("cases/test_state").is_dir().then_some(candidate)
}

#[test]
fn recorded_aws_test_state_calls_do_not_regress() {
    let Some(dir) = shared_dir() else {
        eprintln!(
            "test_state conformance: skipped: ../shared/conformance is not beside this checkout"
        );
        return;
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    if !dir.join("score_test_state.py").is_file() {
        eprintln!("test_state conformance: skipped: no score_test_state.py in {}", dir.display());
        return;
    }
    let out = std::env::temp_dir()
        .join(format!("stepwise-test-state-conformance-{}.json", std::process::id()));
    let asl = env!("CARGO_BIN_EXE_asl");
    let template = format!("'{asl}' test-state --cli-input-json {{request}}");
    let status = Command::new("python3")
        .arg(dir.join("score_test_state.py"))
        .arg(&template)
        .arg("--cases")
        .arg(dir.join("cases"))
        .args(["--jobs", "2", "--timeout", "20", "--json-out"])
        .arg(&out)
        .status();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            eprintln!("test_state conformance: skipped: cannot run python3 ({e})");
            return;
        }
    };
    assert!(out.exists(), "score_test_state.py did not write its report (exit status {status})");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    let mut passing = BTreeSet::new();
    for case in report["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap_or_default();
        let name = file.split("cases/").last().unwrap_or(file).to_string();
        if case["match"] == true {
            passing.insert(name);
        }
    }
    let summary = &report["summary"];
    println!("test_state conformance: {}/{} cases match", summary["match"], summary["cases"]);
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test-state-passing.txt");
    if std::env::var("STEPWISE_UPDATE_CONFORMANCE").is_ok() {
        let text: String = passing.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&list, text).unwrap();
        return;
    }
    let expected: BTreeSet<String> = std::fs::read_to_string(&list)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let regressed: Vec<&String> = expected.difference(&passing).collect();
    let improved = passing.difference(&expected).count();
    if improved > 0 {
        println!(
            "test_state conformance: {improved} newly matching cases; record them with STEPWISE_UPDATE_CONFORMANCE=1"
        );
    }
    assert!(regressed.is_empty(), "TestState conformance regressions:\n{regressed:#?}");
}
