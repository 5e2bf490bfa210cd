//! Test suites written in YAML, and suites whose definition is a YAML definition or a
//! CloudFormation / SAM / CDK template (through `asl::import`): a suite that passes, one that
//! fails, malformed ones (located errors, no panic), and the choice of a template's state
//! machine.

use asl::suite::coverage::Kind;
use asl::suite::{load_suite, run_suite, ResolveError, Source, SuiteReport};
use serde_json::json;

fn fixture(name: &str) -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Loads the suite, resolves it with `definition` as the text of its definition file, runs it.
fn run(suite: &str, definition: Option<&str>) -> Result<SuiteReport, ResolveError> {
    let suite = load_suite(suite).expect("the suite loads");
    let resolved = suite.resolve(definition, None)?;
    Ok(run_suite(&suite, &resolved))
}

const INLINE: &str = "\
# A Choice, two cases
definition:
  StartAt: Size
  States:
    Size:
      Type: Choice
      Choices:
        - {Variable: $.n, NumericGreaterThan: 10, Next: Big}
      Default: Small
    Big: {Type: Pass, Result: big, End: true}
    Small: {Type: Fail, Error: TooSmall, Cause: under 10}
cases:
  - name: big
    input: {n: 11}
    expect:
      status: SUCCEEDED
      output: big
      path: [Size, Big]
  - name: small
    input: {n: 2.5}
    expect:
      status: FAILED
      error: TooSmall
      cause: under 10
      notVisited: [Big]
";

#[test]
fn a_yaml_suite_with_an_inline_definition_passes() {
    let suite = load_suite(INLINE).expect("loads");
    assert!(matches!(suite.definition, Source::Inline(_)));
    assert_eq!(suite.cases[1].input, json!({"n": 2.5}));
    // A case is located at its line in the YAML file.
    assert_eq!(suite.cases[1].position.map(|p| p.line), Some(19));
    let report = run(INLINE, None).expect("resolves");
    assert_eq!((report.passed(), report.failed()), (2, 0));
    assert_eq!(report.coverage.count(Kind::ChoiceRules), (2, 2));
}

#[test]
fn a_failing_yaml_suite_reports_its_mismatches() {
    let failing =
        INLINE.replace("output: big", "output: small").replace("error: TooSmall", "error: Other");
    let report = run(&failing, None).expect("resolves");
    assert_eq!(report.failed(), 2);
    let subjects: Vec<(&str, &str, &str)> = report
        .cases
        .iter()
        .flat_map(|c| c.mismatches.iter())
        .map(|m| (m.subject.as_str(), m.expected.as_str(), m.actual.as_str()))
        .collect();
    assert_eq!(subjects, [("output", "\"small\"", "\"big\""), ("error", "Other", "TooSmall")]);
}

#[test]
fn malformed_yaml_suites_give_located_errors() {
    // Syntax: an unclosed flow sequence.
    let e = load_suite("definition: m.yaml\ncases:\n  - name: x\n    input: [1, 2\n")
        .expect_err("refused");
    assert!(e.message.starts_with("the suite is not valid YAML:"), "{}", e.message);
    assert_eq!(e.position.map(|p| p.line), Some(5));
    // A key given twice.
    let e = load_suite("definition: a.yaml\ndefinition: b.yaml\ncases: []\n").expect_err("refused");
    assert!(e.message.contains("duplicate key 'definition'"), "{}", e.message);
    assert_eq!(e.position.map(|p| (p.line, p.column)), Some((2, 1)));
    // The shape: an unknown field, a wrong type, a status AWS does not have.
    let e =
        load_suite("definition: m.yaml\ncases:\n  - name: x\n    expect:\n      stauts: FAILED\n")
            .expect_err("refused");
    assert!(e.message.contains("unknown field \"stauts\""), "{}", e.message);
    assert_eq!(e.position.map(|p| (p.line, p.column)), Some((5, 7)));
    let e = load_suite(
        "definition: m.yaml\ncases:\n  - name: x\n    expect: {states: {A: {retries: -1}}}\n",
    )
    .expect_err("refused");
    assert!(e.message.contains("\"retries\" must be a whole number"), "{}", e.message);
    assert_eq!(e.position.map(|p| p.line), Some(4));
    let e = load_suite("definition: m.yaml\ncases: {name: x}\n").expect_err("refused");
    assert!(e.message.contains("\"cases\" must be an array"), "{}", e.message);
    // Not a mapping at all, or empty: refused, not a panic.
    for text in ["- a\n- b\n", "", "just text", "definition: [\n"] {
        assert!(load_suite(text).is_err(), "{text:?}");
    }
}

#[test]
fn a_suite_definition_may_be_yaml_or_a_template() {
    let suite = "definition: definition.yaml\ncases:\n  - {name: greets, expect: {output: {greeting: hello}}}\n";
    let report = run(suite, Some(&fixture("definition.yaml"))).expect("resolves");
    assert_eq!(report.passed(), 1);

    // A SAM template (Definition with DefinitionSubstitutions), its three Tasks mocked.
    let sam = "definition: sam.yaml\n\
               mockConfig:\n\
               \x20 StateMachines: {MyStateMachine: {TestCases: {T: {Process order: P, Save order: S, Notify: N}}}}\n\
               \x20 MockedResponses:\n\
               \x20   P: {'0': {Return: {Payload: {id: o-1}}}}\n\
               \x20   S: {'0': {Return: {}}}\n\
               \x20   N: {'0': {Return: {MessageId: m}}}\n\
               cases:\n\
               \x20 - name: order\n\
               \x20   testCase: T\n\
               \x20   expect: {status: SUCCEEDED, path: [Process order, Save order, Notify], states: {Save order: {input: {order: {id: o-1}}}}}\n";
    let report = run(sam, Some(&fixture("sam.yaml"))).expect("resolves");
    assert_eq!(report.passed(), 1, "{:?}", report.cases[0].mismatches);

    // A template with two state machines: "stateMachine" chooses; without it, a clear refusal.
    let two = fixture("two-machines.yaml");
    let chosen =
        "definition: t.yaml\nstateMachine: Second\ncases: [{name: two, expect: {path: [Two]}}]\n";
    assert_eq!(run(chosen, Some(&two)).expect("resolves").passed(), 1);
    let Err(ResolveError::Other(message)) = run("definition: t.yaml\ncases: []\n", Some(&two))
    else {
        panic!("an unchosen state machine is refused")
    };
    assert_eq!(
        message,
        "the template has 2 state machines; choose one with \"stateMachine\" in the suite: First, Second"
    );

    // A broken YAML definition: its located syntax error, as an invalid definition.
    let Err(ResolveError::Definition(diagnostics)) =
        run("definition: bad.yaml\ncases: []\n", Some(&fixture("bad.yaml")))
    else {
        panic!("a broken definition is refused")
    };
    assert_eq!(diagnostics[0].code, asl::import::INVALID_YAML_DESCRIPTION);
    assert_eq!(diagnostics[0].line, Some(6));

    // An invalid definition in a YAML file: located in that file.
    let Err(ResolveError::Definition(diagnostics)) = run(
        "definition: d.yaml\ncases: []\n",
        Some("StartAt: Nowhere\nStates:\n  A:\n    Type: Pass\n    End: true\n"),
    ) else {
        panic!("an invalid definition is refused")
    };
    assert!(diagnostics.iter().all(|d| d.line.is_some()), "{diagnostics:?}");
}

#[test]
fn an_inline_definition_s_problems_are_located_in_the_suite() {
    let suite =
        "cases: []\ndefinition:\n  StartAt: Nowhere\n  States:\n    A: {Type: Pass, End: true}\n";
    let Err(ResolveError::Definition(diagnostics)) = run(suite, None) else {
        panic!("an invalid definition is refused")
    };
    let start_at = diagnostics
        .iter()
        .find(|d| d.location == "/StartAt")
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert_eq!((start_at.line, start_at.column), (Some(3), Some(3)));
}

#[test]
fn an_inline_template_is_imported_too() {
    let suite = "definition:\n\
                 \x20 Resources:\n\
                 \x20   M:\n\
                 \x20     Type: AWS::StepFunctions::StateMachine\n\
                 \x20     Properties:\n\
                 \x20       Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n\
                 cases: [{name: echo, input: {a: 1}, expect: {output: {a: 1}}}]\n";
    assert_eq!(run(suite, None).expect("resolves").passed(), 1);
}
