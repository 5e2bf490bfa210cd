//! What the two conformance tests share: finding `../shared/conformance`, running one of the
//! scorers that ship with the recordings over this crate's `asl`, and comparing the cases that
//! pass with the committed list (`STEPWISE_UPDATE_CONFORMANCE=1` rewrites the list instead).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The conformance folder (`STEPWISE_CONFORMANCE_DIR`, or `../shared/conformance` beside the
/// checkout) when it holds `cases/<area>`; `None` tells the caller to skip.
pub fn shared_dir(area: &str) -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("STEPWISE_CONFORMANCE_DIR") {
        // Accept the conformance folder or its `cases` folder (the engine's tests take the latter).
        let dir = PathBuf::from(dir);
        return Some(if dir.ends_with("cases") { dir.parent()?.to_path_buf() } else { dir });
    }
    let candidate = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance");
    let candidate = candidate.canonicalize().unwrap_or(candidate);
    candidate.join("cases").join(area).is_dir().then_some(candidate)
}

/// Runs `dir/script` with the command `template` over `dir/cases` and returns its JSON report,
/// or `None` (with the reason on stderr, under `label`) when the scorer cannot run here.
pub fn score(dir: &Path, script: &str, template: &str, label: &str) -> Option<Value> {
    if !dir.join(script).is_file() {
        eprintln!("{label}: skipped: no {script} in {}", dir.display());
        return None;
    }
    let out = std::env::temp_dir().join(format!("stepwise-{label}-{}.json", std::process::id()));
    let status = Command::new("python3")
        .arg(dir.join(script))
        .arg(template)
        .arg("--cases")
        .arg(dir.join("cases"))
        .args(["--jobs", "2", "--timeout", "20", "--json-out"])
        .arg(&out)
        .status();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{label}: skipped: cannot run python3 ({e})");
            return None;
        }
    };
    assert!(out.exists(), "{script} did not write its report (exit status {status})");
    let report = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    Some(report)
}

/// The report's cases as `(name under cases/, case)`.
pub fn cases(report: &Value) -> impl Iterator<Item = (String, &Value)> {
    report["cases"].as_array().into_iter().flatten().map(|case| {
        let file = case["file"].as_str().unwrap_or_default();
        (file.split("cases/").last().unwrap_or(file).to_string(), case)
    })
}

/// Fails when a line of `tests/<list>` is not in `passing` (a regression); says how many
/// lines are new. With `STEPWISE_UPDATE_CONFORMANCE` set, writes `passing` to the list.
pub fn check_against_list(passing: &BTreeSet<String>, list: &str, label: &str) {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(list);
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
    let regressed: Vec<&String> = expected.difference(passing).collect();
    let improved = passing.difference(&expected).count();
    if improved > 0 {
        println!(
            "{label}: {improved} newly passing checks; record them with STEPWISE_UPDATE_CONFORMANCE=1"
        );
    }
    assert!(regressed.is_empty(), "{label} regressions:\n{regressed:#?}");
}
