//! Conformance against executions recorded on real AWS Step Functions.
//!
//! Runs `../shared/conformance/score.py` (the scorer that ships with the recordings) over every
//! case with this crate's `asl` binary, prints the pass rates, and fails only when a case listed
//! in `conformance-passing.txt` no longer passes. A fresh clone has no `../shared`: the test
//! then says so and passes. `STEPWISE_UPDATE_CONFORMANCE=1` rewrites the list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("STEPWISE_CONFORMANCE_DIR") {
        // Accept the conformance folder or its `cases` folder (the engine's tests take the latter).
        let dir = PathBuf::from(dir);
        return Some(if dir.ends_with("cases") { dir.parent()?.to_path_buf() } else { dir });
    }
    let candidate = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance");
    candidate.join("cases").is_dir().then_some(candidate)
}

#[test]
fn recorded_aws_executions_do_not_regress() {
    let Some(dir) = shared_dir() else {
        eprintln!("conformance: skipped: ../shared/conformance is not beside this checkout");
        return;
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    let out =
        std::env::temp_dir().join(format!("stepwise-conformance-{}.json", std::process::id()));
    let asl = env!("CARGO_BIN_EXE_asl");
    let template = format!(
        "{asl} run {{definition}} --input {{input}} --mock-config {{mocks}} --test-case Recorded --type {{type}}"
    );
    let status = Command::new("python3")
        .arg(dir.join("score.py"))
        .arg(&template)
        .arg("--cases")
        .arg(dir.join("cases"))
        .args(["--jobs", "2", "--timeout", "20", "--json-out"])
        .arg(&out)
        .status();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            eprintln!("conformance: skipped: cannot run python3 ({e})");
            return;
        }
    };
    assert!(out.exists(), "score.py did not write its report (exit status {status})");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    let mut passing = BTreeSet::new();
    for case in report["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap_or_default();
        let name = file.split("cases/").last().unwrap_or(file).to_string();
        if case["result"] == true {
            passing.insert(format!("result {name}"));
        }
        if case["history"] == true {
            passing.insert(format!("history {name}"));
        }
    }
    println!("conformance: {}", report["summary"]);
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-passing.txt");
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
            "conformance: {improved} newly passing checks; record them with STEPWISE_UPDATE_CONFORMANCE=1"
        );
    }
    assert!(regressed.is_empty(), "conformance regressions:\n{regressed:#?}");
}
