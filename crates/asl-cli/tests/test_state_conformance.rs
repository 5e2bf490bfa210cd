//! TestState conformance: the TestState calls recorded on real AWS Step Functions
//! (`../shared/conformance/cases/test_state`, November 2025 fields included).
//!
//! Runs `../shared/conformance/score_test_state.py` (the scorer that ships with the recordings)
//! over every case with this crate's `asl test-state --cli-input-json`, prints the figure, and
//! fails only when a case listed in `test-state-passing.txt` no longer matches. A fresh clone
//! has no `../shared`: the test then says so and passes. `STEPWISE_UPDATE_CONFORMANCE=1`
//! rewrites the list. The calls that reached a live Lambda (feature `unmocked_task`) cannot
//! match: Stepwise calls no service.

mod scoring;

use std::collections::BTreeSet;

#[test]
fn recorded_aws_test_state_calls_do_not_regress() {
    let Some(dir) = scoring::shared_dir("test_state") else {
        eprintln!(
            "test_state conformance: skipped: ../shared/conformance is not beside this checkout"
        );
        return;
    };
    let asl = env!("CARGO_BIN_EXE_asl");
    let template = format!("'{asl}' test-state --cli-input-json {{request}}");
    let Some(report) =
        scoring::score(&dir, "score_test_state.py", &template, "test_state conformance")
    else {
        return;
    };
    let passing: BTreeSet<String> = scoring::cases(&report)
        .filter(|(_, case)| case["match"] == true)
        .map(|(name, _)| name)
        .collect();
    let summary = &report["summary"];
    println!("test_state conformance: {}/{} cases match", summary["match"], summary["cases"]);
    scoring::check_against_list(&passing, "test-state-passing.txt", "test_state conformance");
}
