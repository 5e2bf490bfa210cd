//! `asl test SUITE…`: runs test suites (docs/test-suites.md) and prints a pass/fail report
//! with the differences of each failure; `--junit FILE` also writes JUnit XML for CI, and
//! `--coverage` the states, Choice rules, Retry rules and Catch rules the cases exercised.
//!
//! Loading, running, checking and coverage are the engine's (`asl::suite`); this file reads
//! the files and formats.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use asl::suite::coverage::{Coverage, Kind, Target};
use asl::suite::{CaseResult, ResolveError, Source, SuiteReport};
use clap::Args;

use crate::import::{import_file, LoadError};
use crate::{print_diagnostics, read_mock_config, read_source};

#[derive(Args)]
pub struct TestArgs {
    /// Suite files (JSON or YAML; see docs/test-suites.md).
    #[arg(required = true)]
    suites: Vec<String>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<String>,
    /// Report which states, Choice rules, Retry rules and Catch rules the cases exercised.
    #[arg(long)]
    coverage: bool,
}

/// Ours: a suite holds cases with inputs of up to a payload each, like a mock configuration.
const MAX_SUITE_BYTES: u64 = crate::MAX_MOCK_CONFIG_BYTES;

/// One suite file's outcome.
enum Outcome {
    /// It ran: every case's verdict and the coverage.
    Ran { definition: String, report: SuiteReport },
    /// It could not run (unreadable, malformed, an invalid definition): why.
    Unusable { message: String, invalid_definition: bool },
}

pub fn run(args: TestArgs) -> Result<ExitCode, String> {
    let mut outcomes = Vec::with_capacity(args.suites.len());
    for path in &args.suites {
        let outcome = run_file(path);
        print_outcome(path, &outcome, args.coverage);
        outcomes.push((path.as_str(), outcome));
    }
    let (mut passed, mut failed, mut unusable, mut invalid) = (0usize, 0usize, 0usize, false);
    for (_, o) in &outcomes {
        match o {
            Outcome::Ran { report, .. } => {
                passed += report.passed();
                failed += report.failed();
            }
            Outcome::Unusable { invalid_definition, .. } => {
                unusable += 1;
                invalid |= *invalid_definition;
            }
        }
    }
    let mut summary = format!("{} passed, {} failed", passed, failed);
    if unusable > 0 {
        let _ = write!(summary, ", {unusable} suite(s) could not run");
    }
    println!("{}: {summary}", if failed == 0 && unusable == 0 { "ok" } else { "FAILED" });
    if let Some(file) = &args.junit {
        std::fs::write(file, junit(&outcomes))
            .map_err(|e| format!("cannot write the JUnit report '{file}': {e}"))?;
    }
    Ok(if invalid {
        ExitCode::from(2)
    } else if failed > 0 || unusable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads, resolves and runs one suite file.
fn run_file(path: &str) -> Outcome {
    let unusable = |message: String| Outcome::Unusable { message, invalid_definition: false };
    let text = match read_source(path, MAX_SUITE_BYTES, "asl's limit for a test suite") {
        Ok(t) => t,
        Err(e) => return unusable(e),
    };
    let suite = match asl::suite::load_suite(&text) {
        Ok(s) => s,
        Err(e) => return unusable(format!("{path}:{e}")),
    };
    let dir = Path::new(path).parent().unwrap_or(Path::new(""));
    let beside = |file: &str| dir.join(file).to_string_lossy().into_owned();
    let invalid = |name: &str, diagnostics: &[asl::Diagnostic]| {
        print_diagnostics(name, diagnostics);
        Outcome::Unusable {
            message: if name == path {
                format!("{path}: the inline definition is invalid")
            } else {
                format!("{path}: the definition {name} is invalid")
            },
            invalid_definition: true,
        }
    };
    // The definition file goes through the importer as a DEFINITION argument does (JSON or
    // YAML, or a template: the suite's "stateMachine" picks one, a `DefinitionUri` is read).
    let imported = match &suite.definition {
        Source::File(f) => match import_file(&beside(f), suite.state_machine.as_deref()) {
            Ok(loaded) => Some(loaded),
            Err(LoadError::Read(e)) => return unusable(format!("{path}: the definition: {e}")),
            Err(LoadError::Import { name, error }) => match ResolveError::from(error) {
                ResolveError::Definition(d) => return invalid(&name, &d),
                ResolveError::Other(e) => return unusable(format!("{path}: {name}: {e}")),
            },
        },
        Source::Inline(_) => None,
    };
    let mock_text = match &suite.mock_config {
        Some(Source::File(f)) => match read_mock_config(&beside(f)) {
            Ok(t) => Some(t),
            Err(e) => return unusable(format!("{path}: the mock configuration: {e}")),
        },
        _ => None,
    };
    // The file the definition's problems are located in (an inline definition's: the suite),
    // and what the report names.
    let (located_in, definition_name, resolved) = match &imported {
        Some(loaded) => {
            // What a template left unresolved (stand-ins in the definition), as warnings.
            print_diagnostics(&loaded.name, &loaded.imported.warnings);
            let resolved = suite.resolve_imported(&loaded.imported, mock_text.as_deref());
            (loaded.name.clone(), loaded.name.clone(), resolved)
        }
        None => (
            path.to_string(),
            "inline definition".to_string(),
            suite.resolve(None, mock_text.as_deref()),
        ),
    };
    let resolved = match resolved {
        Ok(r) => r,
        Err(ResolveError::Definition(diagnostics)) => return invalid(&located_in, &diagnostics),
        Err(ResolveError::Other(e)) => return unusable(format!("{path}: {e}")),
    };
    let report = asl::suite::run_suite(&suite, &resolved);
    Outcome::Ran { definition: definition_name, report }
}

fn print_outcome(path: &str, outcome: &Outcome, coverage: bool) {
    match outcome {
        Outcome::Unusable { message, .. } => {
            println!("{path}");
            println!("  ERROR {message}\n");
        }
        Outcome::Ran { definition, report } => {
            println!("{path} ({definition})");
            for case in &report.cases {
                print!("{}", case_report(case));
            }
            println!(
                "  {} cases: {} passed, {} failed",
                report.cases.len(),
                report.passed(),
                report.failed()
            );
            if coverage {
                print!("{}", coverage_report(&report.coverage));
            }
            println!();
        }
    }
}

/// `  PASS name`, or `  FAIL name` and each mismatch with its differences.
fn case_report(case: &CaseResult) -> String {
    let mut out = String::new();
    if case.passed() {
        let _ = writeln!(out, "  PASS {}", case.name);
        return out;
    }
    let _ = writeln!(out, "  FAIL {}", case.name);
    out.push_str(&failure_text(case, "      "));
    out
}

/// The failure's details, each line indented by `indent`.
fn failure_text(case: &CaseResult, indent: &str) -> String {
    let mut out = String::new();
    if let Some(problem) = &case.problem {
        let _ = writeln!(out, "{indent}{problem}");
    }
    for m in &case.mismatches {
        let _ = writeln!(out, "{indent}{}:", m.subject);
        let _ = writeln!(out, "{indent}  - expected: {}", m.expected);
        let _ = writeln!(out, "{indent}  + actual:   {}", m.actual);
        for d in &m.differences {
            let _ = writeln!(out, "{indent}    {d}");
        }
    }
    out
}

/// The figures per group, then every rule (covered by which cases, or not), then the states
/// no case entered.
fn coverage_report(cov: &Coverage) -> String {
    let mut out = String::from("  coverage:\n");
    for kind in Kind::ALL {
        let (covered, total) = cov.count(kind);
        let percent = (covered.saturating_mul(100))
            .checked_div(total)
            .map_or_else(|| "-".to_string(), |p| format!("{p}%"));
        let _ = writeln!(out, "    {:<13} {covered}/{total} ({percent})", kind.label());
    }
    for item in cov.items.iter().filter(|i| i.target != Target::State) {
        let by = if item.covered() {
            format!("covered by {}", item.covered_by.join(", "))
        } else {
            "NOT COVERED".to_string()
        };
        let _ = writeln!(out, "    {}: {}: {by}", item.state, item.detail);
    }
    let missed: Vec<&str> = cov
        .items
        .iter()
        .filter(|i| i.target == Target::State && !i.covered())
        .map(|i| i.state.as_str())
        .collect();
    if !missed.is_empty() {
        let _ = writeln!(out, "    states never entered: {}", missed.join(", "));
    }
    out
}

/// The results as JUnit XML: one `<testsuite>` per suite file, one `<testcase>` per case, a
/// `<failure>` with the differences for each failed case, an `<error>` for a case or suite
/// that could not run.
fn junit(outcomes: &[(&str, Outcome)]) -> String {
    let mut tests = 0usize;
    let mut failures = 0usize;
    let mut errors = 0usize;
    let mut body = String::new();
    for (path, outcome) in outcomes {
        let classname = Path::new(path)
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
        match outcome {
            Outcome::Unusable { message, .. } => {
                tests += 1;
                errors += 1;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    \
                     <testcase classname=\"{}\" name=\"(suite)\">\n      \
                     <error message=\"{}\">{}</error>\n    </testcase>\n  </testsuite>",
                    xml(path),
                    xml(&classname),
                    xml(first_line(message)),
                    xml_text(message)
                );
            }
            Outcome::Ran { report, .. } => {
                let f = report.cases.iter().filter(|c| c.problem.is_none() && !c.passed()).count();
                let e = report.cases.iter().filter(|c| c.problem.is_some()).count();
                tests += report.cases.len();
                failures += f;
                errors += e;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\">",
                    xml(path),
                    report.cases.len()
                );
                for case in &report.cases {
                    let _ = write!(
                        body,
                        "    <testcase classname=\"{}\" name=\"{}\"",
                        xml(&classname),
                        xml(&case.name)
                    );
                    if case.passed() {
                        body.push_str("/>\n");
                        continue;
                    }
                    let details = failure_text(case, "");
                    let element = if case.problem.is_some() { "error" } else { "failure" };
                    let summary = case
                        .problem
                        .clone()
                        .or_else(|| {
                            case.mismatches.first().map(|m| {
                                format!("{}: expected {}, got {}", m.subject, m.expected, m.actual)
                            })
                        })
                        .unwrap_or_default();
                    let _ = writeln!(
                        body,
                        ">\n      <{element} message=\"{}\">{}</{element}>\n    </testcase>",
                        xml(&summary),
                        xml_text(&details)
                    );
                }
                body.push_str("  </testsuite>\n");
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"asl test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n\
         {body}</testsuites>\n"
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Text for XML content: the five markup characters escaped, and the
/// characters XML 1.0 does not allow at all (other control characters, unpaired surrogates
/// cannot occur in a `str`, U+FFFE / U+FFFF) replaced by U+FFFD.
fn xml_text(text: &str) -> String {
    escape(text, false)
}

/// [`xml_text`] for an attribute value, where line breaks and tabs are kept as references
/// (a raw one would be normalised to a space).
fn xml(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' if !attribute => out.push(c),
            '\n' | '\t' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl::suite::Suite;

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}"
        );
        assert_eq!(xml("x\ny"), "x&#10;y");
        assert_eq!(xml_text("x\ny"), "x\ny");
    }

    #[test]
    fn a_suite_with_an_inline_definition_runs() {
        let suite: Suite = asl::suite::load_suite(
            r#"{"definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                "cases": [{"name": "echo", "input": {"a": 1}, "expect": {"output": {"a": 1}}}]}"#,
        )
        .expect("a valid suite");
        let resolved = suite.resolve(None, None).expect("resolves");
        let report = asl::suite::run_suite(&suite, &resolved);
        assert_eq!(report.passed(), 1);
    }
}
