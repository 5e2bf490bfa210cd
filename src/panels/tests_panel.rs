//! The Tests tab: runs a test suite (docs/test-suites.md) on the definition in the editor and
//! shows each case's verdict with its differences and the coverage, which the graph draws
//! (`graph/coverage.rs`). The suites of the tutorial and of every gallery example are built in;
//! any other can be pasted.
//!
//! Loading, running, checking and coverage are the engine's (`asl::suite`), as in `asl test`;
//! the suites are small and run on the engine directly, between two frames.

use asl::import::Options;
use asl::suite::coverage::{Coverage, Kind, Target};
use asl::suite::{CaseResult, ResolveError, Source, SuiteReport};
use leptos::prelude::*;

use crate::definition::yaml_loader::{self, YamlSupport};
use crate::panels::gallery::{self, TUTORIAL_MOCKS};
use crate::panels::graph::coverage::{CoverageMarks, Marks};
use crate::session::{session, Session};

/// The built-in suites, by gallery example id (`examples/<id>.suite.json`).
pub const SUITES: [(&str, &str); 7] = [
    (gallery::TUTORIAL_ID, include_str!("../../examples/tutorial.suite.json")),
    ("tutorial-jsonata", include_str!("../../examples/tutorial-jsonata.suite.json")),
    ("choice", include_str!("../../examples/choice.suite.json")),
    ("parallel", include_str!("../../examples/parallel.suite.json")),
    ("map", include_str!("../../examples/map.suite.json")),
    ("wait", include_str!("../../examples/wait.suite.json")),
    (gallery::CALLBACK_ID, include_str!("../../examples/callback.suite.json")),
];

/// The suite of a gallery example.
pub fn suite_of(example_id: &str) -> Option<&'static str> {
    SUITES.iter().find(|(id, _)| *id == example_id).map(|(_, text)| *text)
}

/// The suite to offer first: the one of the gallery example in the editor, else the tutorial's.
pub fn default_suite(definition: &str) -> (&'static str, &'static str) {
    gallery::matching(definition)
        .and_then(|e| suite_of(e.id).map(|s| (e.id, s)))
        .unwrap_or((gallery::TUTORIAL_ID, SUITES[0].1))
}

/// Runs suite text (JSON or YAML) against the page's documents. A suite's `definition` given
/// as a path is the editor's text, imported as the editor imports it (a definition in JSON or
/// YAML, or a template: the suite's `stateMachine`, else `chosen`, the page's choice); a
/// `mockConfig` path is the Mock API tab's configuration, or when that is empty the shipped
/// file of that name (`tutorial.mocks.json`).
pub fn run_suite_text(
    suite_text: &str,
    definition: &str,
    chosen: Option<&str>,
    mocks: &str,
) -> Result<SuiteReport, String> {
    let suite = asl::suite::load_suite(suite_text).map_err(|e| match e.position {
        Some(p) => format!("The suite, line {} column {}: {}", p.line, p.column, e.message),
        None => format!("The suite: {}", e.message),
    })?;
    let mock_text = match &suite.mock_config {
        Some(Source::File(name)) if mocks.trim().is_empty() => {
            if name.rsplit('/').next() == Some("tutorial.mocks.json") {
                Some(TUTORIAL_MOCKS)
            } else {
                return Err(format!(
                    "The suite's mock configuration \u{201c}{name}\u{201d} is a file: put it \
                     in the Mock API tab."
                ));
            }
        }
        Some(Source::File(_)) => Some(mocks),
        _ => None,
    };
    let resolved = match &suite.definition {
        Source::File(_) => suite
            .import_definition(definition, Options { state_machine: chosen, read_file: None })
            .and_then(|imported| suite.resolve_imported(&imported, mock_text)),
        Source::Inline(_) => suite.resolve(None, mock_text),
    };
    let resolved = resolved.map_err(|e| match e {
        ResolveError::Definition(d) => format!(
            "The definition has {} problem(s): fix them to run the suite.",
            d.iter().filter(|d| d.severity == asl::Severity::Error).count()
        ),
        ResolveError::Other(message) => message,
    })?;
    Ok(asl::suite::run_suite(&suite, &resolved))
}

/// A case's differences as text lines (`status: expected …, got …`, then where values part).
fn mismatch_lines(case: &CaseResult) -> Vec<String> {
    let mut lines: Vec<String> = case.problem.iter().cloned().collect();
    for m in &case.mismatches {
        lines.push(format!("{}: expected {}, got {}", m.subject, m.expected, m.actual));
        lines.extend(m.differences.iter().map(|d| format!("    {d}")));
    }
    lines
}

/// `states 6/6`, `Catch rules 3/3`, … (groups the definition has none of are left out, but
/// states).
fn figures(coverage: &Coverage) -> Vec<String> {
    Kind::ALL
        .iter()
        .filter_map(|&kind| {
            let (covered, total) = coverage.count(kind);
            (total > 0 || kind == Kind::States)
                .then(|| format!("{} {covered}/{total}", kind.label()))
        })
        .collect()
}

/// Each rule with the cases that covered it, or "not covered"; then the states never entered.
fn rule_lines(coverage: &Coverage) -> Vec<(bool, String)> {
    let mut lines: Vec<(bool, String)> = coverage
        .items
        .iter()
        .filter(|i| i.target != Target::State)
        .map(|i| {
            let by = if i.covered() {
                format!("covered by {}", i.covered_by.join(", "))
            } else {
                "not covered".to_string()
            };
            (i.covered(), format!("{}: {}: {by}", i.state, i.detail))
        })
        .collect();
    lines.extend(
        coverage
            .items
            .iter()
            .filter(|i| i.target == Target::State && !i.covered())
            .map(|i| (false, format!("{}: never entered", i.state))),
    );
    lines
}

#[component]
pub fn TestsPanel() -> impl IntoView {
    let Session { definition, mocks, compiled, .. } = session();
    let marks = use_context::<CoverageMarks>();
    let (first_id, first_text) = definition.with_untracked(|d| default_suite(d));
    let chosen = RwSignal::new(first_id.to_string());
    let text = RwSignal::new(first_text.to_string());
    let outcome = RwSignal::new(None::<Result<SuiteReport, String>>);
    let set_marks = move |m: Option<Marks>| {
        if let Some(marks) = marks {
            marks.0.set(m);
        }
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(suite) = suite_of(&id) {
            text.set(suite.to_string());
            chosen.set(id);
        }
    };
    // A YAML suite needs the YAML reader, fetched the first time the page meets YAML.
    let yaml = use_context::<YamlSupport>();
    Effect::new(move |_| {
        if let Some(YamlSupport(yaml)) = yaml {
            if text.with(|t| yaml_loader::is_yaml(t)) {
                yaml_loader::ensure_loaded(yaml);
            }
        }
    });
    let on_run = move |_| {
        let def = definition.get_untracked();
        if jsonata_missing(&def) {
            outcome.set(Some(Err("JSONata support is still loading for this definition: \
                                  press Run tests again in a moment."
                .into())));
            return;
        }
        if !asl::import::yaml::available()
            && (text.with_untracked(|t| yaml_loader::is_yaml(t)) || yaml_loader::is_yaml(&def))
        {
            outcome.set(Some(Err(
                "YAML support is still loading: press Run tests again in a moment.".into(),
            )));
            return;
        }
        // The state machine the editor shows, when its text is a template.
        let chosen = compiled.with_untracked(|c| c.state_machine.clone());
        let result = text.with_untracked(|t| {
            mocks.with_untracked(|m| run_suite_text(t, &def, chosen.as_deref(), m))
        });
        set_marks(result.as_ref().ok().map(|r| Marks::of(&r.coverage)));
        outcome.set(Some(result));
    };
    let on_clear = move |_| {
        outcome.set(None);
        set_marks(None);
    };
    // An edit to the definition makes the marks stale: they go until the suite runs again.
    Effect::new(move |first: Option<()>| {
        definition.track();
        if first.is_some() {
            set_marks(None);
        }
    });

    let summary = move || {
        outcome.with(|o| match o {
            None => "Run the suite to see each case's verdict and the coverage on the graph."
                .to_string(),
            Some(Err(e)) => e.clone(),
            Some(Ok(r)) => {
                format!("{} case(s): {} passed, {} failed", r.cases.len(), r.passed(), r.failed())
            }
        })
    };
    let failed = move || {
        outcome.with(|o| matches!(o, Some(Err(_))) || matches!(o, Some(Ok(r)) if r.failed() > 0))
    };
    let cases = move || {
        outcome.with(|o| match o {
            Some(Ok(r)) => r
                .cases
                .iter()
                .map(|c| {
                    let pass = c.passed();
                    let lines = mismatch_lines(c).join("\n");
                    view! {
                        <li class="case" class:pass=pass class:fail=!pass>
                            <span class="verdict">{if pass { "PASS" } else { "FAIL" }}</span>
                            " "
                            <span class="case-name">{c.name.clone()}</span>
                            {(!pass).then(|| view! { <pre class="case-diff">{lines}</pre> })}
                        </li>
                    }
                })
                .collect_view()
                .into_any(),
            _ => ().into_any(),
        })
    };
    let coverage = move || {
        outcome.with(|o| match o {
            Some(Ok(r)) => {
                let figures = figures(&r.coverage).join(" · ");
                let rules = rule_lines(&r.coverage);
                view! {
                    <h3 class="panel-title">"Coverage"</h3>
                    <p class="coverage-figures" id="coverage-figures">{figures}</p>
                    <ul class="coverage-rules">
                        {rules
                            .into_iter()
                            .map(|(covered, line)| {
                                view! { <li class:uncovered=!covered>{line}</li> }
                            })
                            .collect_view()}
                    </ul>
                    <p class="hint">
                        "On the graph, states, Choice and Catch edges and Retry loops no case \
                         touched are drawn in red dashes."
                    </p>
                }
                .into_any()
            }
            _ => ().into_any(),
        })
    };

    view! {
        <section class="panel tests-panel" aria-label="Tests">
            <div class="tests-tools">
                <select id="suite-select" aria-label="Suite" on:change=on_pick>
                    {SUITES
                        .iter()
                        .map(|(id, _)| {
                            let title = gallery::by_id(id).map_or(*id, |e| e.title);
                            let id = *id;
                            view! {
                                <option value=id selected=move || chosen.get() == id>
                                    {format!("Suite: {title}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button class="btn primary small" id="run-tests" on:click=on_run>
                    "Run tests"
                </button>
                <button class="btn small" id="clear-coverage" on:click=on_clear>
                    "Clear"
                </button>
            </div>
            <textarea
                id="suite-text"
                class="json-input"
                spellcheck="false"
                rows="10"
                aria-label="Test suite (JSON or YAML); paste your own"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <p class="tests-summary" id="tests-summary" class:failed=failed role="status">
                {summary}
            </p>
            <ul class="test-cases" id="test-cases">{cases}</ul>
            <div id="test-coverage">{coverage}</div>
        </section>
    }
}

/// Whether the definition needs JSONata and the page has not loaded it yet (the page fetches
/// it as soon as the definition uses it).
fn jsonata_missing(definition: &str) -> bool {
    crate::definition::jsonata_loader::needs_jsonata(definition) && !asl::jsonata::available()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gallery_example_has_a_suite_that_passes_on_it() {
        for example in gallery::EXAMPLES {
            let suite =
                suite_of(example.id).unwrap_or_else(|| panic!("no suite for {}", example.id));
            if jsonata_missing(example.definition) {
                continue;
            }
            let report = run_suite_text(suite, example.definition, None, "")
                .unwrap_or_else(|e| panic!("{}: {e}", example.id));
            assert_eq!(report.failed(), 0, "{}", example.id);
            assert_eq!(default_suite(example.definition).0, example.id);
        }
    }

    #[test]
    fn the_tutorial_suite_covers_every_catch_and_a_broken_definition_shows_failures() {
        let report = run_suite_text(SUITES[0].1, crate::app::TUTORIAL, None, "").expect("runs");
        assert_eq!(report.cases.len(), 5);
        assert_eq!(figures(&report.coverage), ["states 6/6", "Retry rules 1/1", "Catch rules 3/3"]);
        assert!(rule_lines(&report.coverage).contains(&(
            true,
            "Call API: Catch ServerUnavailableException → Server Unavailable: covered by 503"
                .to_string()
        )));

        // The same suite on a definition whose Fail state now raises another error.
        let edited = crate::app::TUTORIAL
            .replace("\"Error\": \"ServerUnavailable\"", "\"Error\": \"Unavailable\"");
        assert_ne!(edited, crate::app::TUTORIAL);
        let report = run_suite_text(SUITES[0].1, &edited, None, "").expect("runs");
        let failed: Vec<&str> =
            report.cases.iter().filter(|c| !c.passed()).map(|c| c.name.as_str()).collect();
        assert_eq!(failed, ["503"]);
        let lines = mismatch_lines(&report.cases[2]);
        assert_eq!(lines, ["error: expected ServerUnavailable, got Unavailable"]);

        let e =
            run_suite_text("{\"cases\": []}", crate::app::TUTORIAL, None, "").expect_err("no def");
        assert!(e.starts_with("The suite, line 1 column 1:"), "{e}");
    }

    #[test]
    fn a_pasted_yaml_suite_runs_on_the_editor_text_yaml_or_template() {
        let yaml = "definition: tutorial.asl.json\nmockConfig: tutorial.mocks.json\ncases:\n\
                    \x20 - {name: '200', input: {statuscode: '200'}, expect: {status: SUCCEEDED}}\n\
                    \x20 - {name: '503', input: {statuscode: '503'}, expect: {status: SUCCEEDED}}\n";
        let report = run_suite_text(yaml, crate::app::TUTORIAL, None, "").expect("runs");
        let verdicts: Vec<(&str, bool)> =
            report.cases.iter().map(|c| (c.name.as_str(), c.passed())).collect();
        assert_eq!(verdicts, [("200", true), ("503", false)]);

        let e = run_suite_text("definition: x\ncases: [\n", crate::app::TUTORIAL, None, "")
            .expect_err("malformed");
        assert!(e.starts_with("The suite, line 3 column 1: the suite is not valid YAML"), "{e}");

        // The editor holds a template with two state machines: the suite's "stateMachine",
        // else the one the page shows.
        let template = "Resources:\n\
            \x20 First:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n\
            \x20     Definition: {StartAt: One, States: {One: {Type: Pass, End: true}}}\n\
            \x20 Second:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n\
            \x20     Definition: {StartAt: Two, States: {Two: {Type: Pass, End: true}}}\n";
        let suite = "definition: template.yaml\ncases: [{name: path, expect: {path: [Two]}}]\n";
        let passed = |suite: &str, chosen: Option<&str>| {
            run_suite_text(suite, template, chosen, "").map(|r| r.failed() == 0)
        };
        assert_eq!(passed(suite, Some("Second")), Ok(true));
        assert_eq!(passed(suite, Some("First")), Ok(false));
        let pinned = suite.replace("cases:", "stateMachine: Second\ncases:");
        assert_eq!(passed(&pinned, Some("First")), Ok(true));
    }
}
