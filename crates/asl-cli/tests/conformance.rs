//! Conformance against executions recorded on real AWS Step Functions.
//!
//! Runs `../shared/conformance/score.py` (the scorer that ships with the recordings) over every
//! case with this crate's `asl` binary, prints the pass rates, and fails only when a case listed
//! in `conformance-passing.txt` no longer passes. A fresh clone has no `../shared`: the test
//! then says so and passes. `STEPWISE_UPDATE_CONFORMANCE=1` rewrites the list.

mod scoring;

use std::collections::BTreeSet;

#[test]
fn recorded_aws_executions_do_not_regress() {
    let Some(dir) = scoring::shared_dir("") else {
        eprintln!("conformance: skipped: ../shared/conformance is not beside this checkout");
        return;
    };
    let asl = env!("CARGO_BIN_EXE_asl");
    let template = format!(
        "{asl} run {{definition}} --input {{input}} --mock-config {{mocks}} --test-case Recorded --type {{type}}"
    );
    let Some(report) = scoring::score(&dir, "score.py", &template, "conformance") else {
        return;
    };
    let mut passing = BTreeSet::new();
    for (name, case) in scoring::cases(&report) {
        if case["result"] == true {
            passing.insert(format!("result {name}"));
        }
        if case["history"] == true {
            passing.insert(format!("history {name}"));
        }
    }
    println!("conformance: {}", report["summary"]);
    scoring::check_against_list(&passing, "conformance-passing.txt", "conformance");
}
