//! Running a suite's cases and comparing each execution with its expectations.
//!
//! A case runs as `asl run` would run it (same configuration, the suite's mocks and test
//! case), with the runner's decision log on for coverage. Expectations read the typed
//! history through [`crate::history::reader`], never AWS's JSON. Values compare as JSON, with
//! numbers by value (`1` equals `1.0`); a mismatch lists where the values differ
//! (`$.a[0].b: expected 1, got 2`), walked with an explicit stack (no recursion on user data).

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::coverage::Coverage;
use super::{Case, Resolved, StateExpect, Suite};
use crate::history::reader::state_detail;
use crate::history::Event;
use crate::runner::{Decision, Execution, ExecutionConfig, ExecutionStatus};

/// How many differences a mismatch lists at most.
const MAX_DIFFERENCES: usize = 20;
/// How many characters of a value a message shows.
const MAX_SHOWN: usize = 300;

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What was checked: `status`, `output`, `outputPaths $.a`, `states "Call API" retries`, …
    pub subject: String,
    /// The expected value, as compact JSON (shortened).
    pub expected: String,
    /// The actual value, as compact JSON (shortened), or a description (`no output`).
    pub actual: String,
    /// Where the two differ, one line each (`$.a: expected 1, got 2`); empty for scalars.
    pub differences: Vec<String>,
}

/// The verdict of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub status: ExecutionStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Expectations that did not hold (none: the case passed).
    pub mismatches: Vec<Mismatch>,
    /// Why the case could not run as written (e.g. its test case is not in the mocks).
    pub problem: Option<String>,
    /// The runner's decisions (what coverage is built from).
    pub decisions: Vec<Decision>,
    /// Events in the execution's history.
    pub events: usize,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.problem.is_none()
    }
}

/// Every case's verdict and what the cases covered together.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    pub cases: Vec<CaseResult>,
    pub coverage: Coverage,
}

impl SuiteReport {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Runs every case of `suite` and builds the coverage of its definition.
pub fn run_suite(suite: &Suite, resolved: &Resolved) -> SuiteReport {
    let mut coverage = Coverage::of(&resolved.machine);
    let cases: Vec<CaseResult> = suite
        .cases
        .iter()
        .map(|case| {
            let result = run_case(resolved, &suite.state_machine_name, case);
            coverage.record(&result.name, &result.decisions);
            result
        })
        .collect();
    SuiteReport { cases, coverage }
}

/// Runs one case and checks its expectations.
pub fn run_case(resolved: &Resolved, state_machine_name: &str, case: &Case) -> CaseResult {
    let mut result = CaseResult {
        name: case.name.clone(),
        status: ExecutionStatus::Running,
        output: None,
        error: None,
        cause: None,
        mismatches: Vec::new(),
        problem: None,
        decisions: Vec::new(),
        events: 0,
    };
    let input_bytes = case.input.to_string().len();
    if input_bytes > crate::runner::MAX_PAYLOAD_BYTES {
        result.problem = Some(format!(
            "the input is {input_bytes} bytes, over AWS's quota of {} bytes for an execution input",
            crate::runner::MAX_PAYLOAD_BYTES
        ));
        return result;
    }
    if let Some(test_case) = &case.test_case {
        let found = match &resolved.mock_config {
            Some(mocks) => mocks.test_case(Some(state_machine_name), test_case).map(|_| ()),
            None => Err(format!(
                "the case uses test case '{test_case}' but the suite has no mockConfig"
            )),
        };
        if let Err(message) = found {
            result.problem = Some(message);
            return result;
        }
    }
    let config = ExecutionConfig {
        input: case.input.clone(),
        mock_config: resolved.mock_config.clone(),
        test_case: case.test_case.clone(),
        state_machine_name: state_machine_name.to_string(),
        ..ExecutionConfig::default()
    };
    let mut exec = Execution::start(resolved.machine.clone(), config);
    exec.record_decisions();
    exec.run_to_completion();
    let d = exec.describe();
    result.status = d.status;
    result.output = d.output;
    result.error = d.error;
    result.cause = d.cause;
    result.events = exec.history().len();
    result.mismatches = check(case, &result, &exec);
    result.decisions = exec.decisions().to_vec();
    result
}

fn check(case: &Case, run: &CaseResult, exec: &Execution) -> Vec<Mismatch> {
    let e = &case.expect;
    let mut out = Vec::new();
    if let Some(status) = &e.status {
        if status != run.status.as_str() {
            out.push(text_mismatch("status", status, run.status.as_str()));
        }
    }
    let output = run.output.as_ref();
    if let Some(expected) = &e.output {
        compare(&mut out, "output".into(), expected, output, false);
    }
    if let Some(expected) = &e.output_includes {
        compare(&mut out, "outputIncludes".into(), expected, output, true);
    }
    for (path, expected) in &e.output_paths {
        let subject = format!("outputPaths {path}");
        let selected = output.and_then(|o| {
            let scope = crate::jsonpath::Scope { input: o, context: &Value::Null, variables: None };
            crate::jsonpath::select_in(&scope, path).ok().flatten()
        });
        match (output, selected) {
            (None, _) => out.push(Mismatch {
                subject,
                expected: shown(expected),
                actual: "no output".into(),
                differences: Vec::new(),
            }),
            (Some(_), None) => out.push(Mismatch {
                subject,
                expected: shown(expected),
                actual: "the path selects nothing".into(),
                differences: Vec::new(),
            }),
            (Some(_), Some(v)) => compare(&mut out, subject, expected, Some(&v), false),
        }
    }
    if let Some(expected) = &e.error {
        let actual = run.error.as_deref();
        if actual != Some(expected.as_str()) {
            out.push(text_mismatch("error", expected, actual.unwrap_or("no error")));
        }
    }
    if let Some(expected) = &e.cause {
        let actual = run.cause.as_deref();
        if actual != Some(expected.as_str()) {
            out.push(text_mismatch("cause", expected, actual.unwrap_or("no cause")));
        }
    }
    let entered: Vec<&str> = exec
        .history()
        .iter()
        .filter_map(|h| match &h.event {
            Event::StateEntered { name, .. } => Some(&**name),
            _ => None,
        })
        .collect();
    if let Some(path) = &e.path {
        if path.iter().map(String::as_str).ne(entered.iter().copied()) {
            out.push(Mismatch {
                subject: "path".into(),
                expected: names_shown(path.iter().map(String::as_str)),
                actual: names_shown(entered.iter().copied()),
                differences: path_differences(path, &entered),
            });
        }
    }
    if let Some(visited) = &e.visited {
        let expected: BTreeSet<&str> = visited.iter().map(String::as_str).collect();
        let actual: BTreeSet<&str> = entered.iter().copied().collect();
        if expected != actual {
            let mut differences: Vec<String> = expected
                .difference(&actual)
                .map(|n| format!("\"{n}\": expected, not entered"))
                .collect();
            differences.extend(
                actual.difference(&expected).map(|n| format!("\"{n}\": entered, not expected")),
            );
            out.push(Mismatch {
                subject: "visited".into(),
                expected: names_shown(expected.iter().copied()),
                actual: names_shown(actual.iter().copied()),
                differences,
            });
        }
    }
    let entered_set: HashSet<&str> = entered.iter().copied().collect();
    for name in &e.not_visited {
        if entered_set.contains(name.as_str()) {
            out.push(text_mismatch(&format!("notVisited \"{name}\""), "not entered", "entered"));
        }
    }
    for (name, expected) in &e.states {
        check_state(&mut out, exec, name, expected);
    }
    out
}

fn check_state(out: &mut Vec<Mismatch>, exec: &Execution, name: &str, e: &StateExpect) {
    let detail = state_detail(exec.history(), exec.status(), name);
    let subject = |what: &str| format!("states \"{name}\" {what}");
    let latest = detail.latest();
    if let Some(expected) = e.entered {
        let actual = detail.times_entered() as u64;
        if actual != expected {
            out.push(text_mismatch(
                &subject("entered"),
                &expected.to_string(),
                &actual.to_string(),
            ));
        }
    }
    if let Some(expected) = e.retries {
        let actual: u64 = detail.runs.iter().map(|r| u64::from(r.retry_count())).sum();
        if actual != expected {
            out.push(text_mismatch(
                &subject("retries"),
                &expected.to_string(),
                &actual.to_string(),
            ));
        }
    }
    let not_run = |what: &str, expected: &Value| Mismatch {
        subject: subject(what),
        expected: shown(expected),
        actual: "the state was not entered".into(),
        differences: Vec::new(),
    };
    if let Some(expected) = &e.input {
        match latest {
            Some(run) => compare(out, subject("input"), expected, run.input.as_ref(), false),
            None => out.push(not_run("input", expected)),
        }
    }
    for (what, expected, subset) in
        [("output", &e.output, false), ("outputIncludes", &e.output_includes, true)]
    {
        let Some(expected) = expected else { continue };
        match latest {
            Some(run) => compare(out, subject(what), expected, run.output.as_ref(), subset),
            None => out.push(not_run(what, expected)),
        }
    }
}

fn text_mismatch(subject: &str, expected: &str, actual: &str) -> Mismatch {
    Mismatch {
        subject: subject.into(),
        expected: expected.into(),
        actual: actual.into(),
        differences: Vec::new(),
    }
}

/// Compares `actual` with `expected` (exactly, or `subset`: members of objects `expected`
/// leaves out are not compared) and records a mismatch when they differ.
fn compare(
    out: &mut Vec<Mismatch>,
    subject: String,
    expected: &Value,
    actual: Option<&Value>,
    subset: bool,
) {
    let Some(actual) = actual else {
        out.push(Mismatch {
            subject,
            expected: shown(expected),
            actual: "no output".into(),
            differences: Vec::new(),
        });
        return;
    };
    let differences = differences(expected, actual, subset);
    if !differences.is_empty() {
        // A difference at the root says no more than expected / actual do.
        let at_root = differences.len() == 1 && differences[0].starts_with("$:");
        out.push(Mismatch {
            subject,
            expected: shown(expected),
            actual: shown(actual),
            differences: if at_root { Vec::new() } else { differences },
        });
    }
}

/// Where `actual` differs from `expected`, one line per place (`$.a[0]: expected 1, got 2`,
/// `$.b: missing`, `$.c: not expected`), at most [`MAX_DIFFERENCES`] lines. With `subset`,
/// object members that `expected` does not name are not compared (arrays still compare
/// element by element and must have the same length). Empty: the values match.
pub fn differences(expected: &Value, actual: &Value, subset: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut more = 0usize;
    let mut stack: Vec<(String, &Value, &Value)> = vec![("$".into(), expected, actual)];
    let mut note = |out: &mut Vec<String>, line: String| {
        if out.len() < MAX_DIFFERENCES {
            out.push(line);
        } else {
            more += 1;
        }
    };
    while let Some((at, e, a)) = stack.pop() {
        match (e, a) {
            (Value::Object(eo), Value::Object(ao)) => {
                // Pushed in reverse so that they are reported in the expected value's order.
                let mut pending = Vec::new();
                for (k, ev) in eo {
                    let here = member(&at, k);
                    match ao.get(k) {
                        Some(av) => pending.push((here, ev, av)),
                        None => note(&mut out, format!("{here}: missing (expected {})", shown(ev))),
                    }
                }
                if !subset {
                    for (k, av) in ao {
                        if !eo.contains_key(k) {
                            note(
                                &mut out,
                                format!("{}: not expected (got {})", member(&at, k), shown(av)),
                            );
                        }
                    }
                }
                stack.extend(pending.into_iter().rev());
            }
            (Value::Array(ea), Value::Array(aa)) => {
                if ea.len() != aa.len() {
                    note(&mut out, format!("{at}: expected {} items, got {}", ea.len(), aa.len()));
                }
                let pairs: Vec<_> = ea
                    .iter()
                    .zip(aa.iter())
                    .enumerate()
                    .map(|(i, (ev, av))| (format!("{at}[{i}]"), ev, av))
                    .collect();
                stack.extend(pairs.into_iter().rev());
            }
            (Value::Number(en), Value::Number(an)) => {
                let same = match (en.as_i64(), an.as_i64(), en.as_u64(), an.as_u64()) {
                    (Some(x), Some(y), _, _) => x == y,
                    (_, _, Some(x), Some(y)) => x == y,
                    _ => en.as_f64() == an.as_f64(),
                };
                if !same {
                    note(&mut out, format!("{at}: expected {en}, got {an}"));
                }
            }
            (e, a) if e == a => {}
            (e, a) => note(&mut out, format!("{at}: expected {}, got {}", shown(e), shown(a))),
        }
    }
    if more > 0 {
        out.push(format!("… and {more} more"));
    }
    out
}

/// `$.name`, or `$['odd name']` for a key that is not a plain identifier.
fn member(at: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{at}.{key}")
    } else {
        format!("{at}['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Compact JSON, shortened to [`MAX_SHOWN`] characters.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let mut short: String = text.chars().take(MAX_SHOWN - 1).collect();
    short.push('…');
    short
}

fn names_shown<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    let text = format!("[{}]", quoted.join(", "));
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let mut short: String = text.chars().take(MAX_SHOWN - 1).collect();
    short.push('…');
    short
}

/// The first place two paths part, and their lengths when those differ.
fn path_differences(expected: &[String], actual: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(i) = expected.iter().zip(actual).position(|(e, a)| e != a) {
        out.push(format!(
            "step {}: expected \"{}\", entered \"{}\"",
            i + 1,
            expected.get(i).map_or("", String::as_str),
            actual.get(i).copied().unwrap_or("")
        ));
    }
    if expected.len() != actual.len() {
        out.push(format!("expected {} states entered, got {}", expected.len(), actual.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::differences;
    use serde_json::json;

    #[test]
    fn an_input_over_the_payload_quota_is_a_problem_not_a_run() {
        let big = "x".repeat(crate::runner::MAX_PAYLOAD_BYTES);
        let suite = super::super::load_suite(&format!(
            r#"{{"definition": {{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}},
                "cases": [{{"name": "big", "input": "{big}"}}]}}"#
        ))
        .expect("loads");
        let resolved = suite.resolve(None, None).expect("resolves");
        let report = super::run_suite(&suite, &resolved);
        let problem = report.cases[0].problem.clone().unwrap_or_default();
        assert!(problem.contains("over AWS's quota of 262144 bytes"), "{problem}");
        assert_eq!(report.coverage.count(super::super::coverage::Kind::States), (0, 1));
    }

    #[test]
    fn differences_name_each_place() {
        let d = differences(
            &json!({"a": 1, "b": [1, {"c": "x"}], "d": true}),
            &json!({"a": 1.0, "b": [1, {"c": "y"}], "e": null}),
            false,
        );
        assert_eq!(
            d,
            vec![
                "$.d: missing (expected true)",
                "$.e: not expected (got null)",
                "$.b[1].c: expected \"x\", got \"y\"",
            ]
        );
        assert!(differences(
            &json!({"a": {"b": 1}}),
            &json!({"a": {"b": 1, "c": 2}, "z": 0}),
            true
        )
        .is_empty());
        assert_eq!(
            differences(&json!([1, 2]), &json!([1]), true),
            vec!["$: expected 2 items, got 1"]
        );
        assert_eq!(
            differences(&json!({"odd key": 1}), &json!({"odd key": 2}), false),
            vec!["$['odd key']: expected 1, got 2"]
        );
    }
}
