//! `asl test`: passing and failing suites, the report's differences, exit codes, the JUnit
//! XML (parsed back here) and the coverage figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;
use quick_xml::Reader;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn asl(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_asl")).args(args).output().expect("asl runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn example(name: &str) -> String {
    examples().join(name).to_string_lossy().into_owned()
}

/// A directory of its own for this test, holding the tutorial's definition and mocks.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-suite-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for f in ["tutorial.asl.json", "tutorial.mocks.json"] {
        std::fs::copy(examples().join(f), dir.join(f)).expect("copy");
    }
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// One `<testcase>` of a JUnit report: its name and, when it did not pass, the element
/// (`failure` / `error`), its `message` and its text.
#[derive(Debug, Default)]
struct JunitCase {
    name: String,
    outcome: Option<(String, String, String)>,
}

/// The `<testsuites>` totals and every test case, read with an XML parser (so escaping
/// mistakes fail the parse).
fn parse_junit(xml: &str) -> ((usize, usize, usize), Vec<JunitCase>) {
    let mut reader = Reader::from_str(xml);
    let mut totals = (0, 0, 0);
    let mut cases: Vec<JunitCase> = Vec::new();
    let mut open: Option<(String, String)> = None;
    let attr = |e: &quick_xml::events::BytesStart, key: &str| -> String {
        e.attributes()
            .map(|a| a.expect("well-formed attribute"))
            .find(|a| a.key.as_ref() == key.as_bytes())
            .map(|a| a.unescape_value().expect("escaped value").into_owned())
            .unwrap_or_default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuites" => {
                    let n = |k| attr(&e, k).parse::<usize>().expect("a count");
                    totals = (n("tests"), n("failures"), n("errors"));
                }
                b"testcase" => cases.push(JunitCase { name: attr(&e, "name"), outcome: None }),
                b"failure" | b"error" => {
                    let kind = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    open = Some((kind, attr(&e, "message")));
                }
                _ => {}
            },
            Event::Text(t) => {
                if let (Some((kind, message)), Some(case)) = (open.take(), cases.last_mut()) {
                    let text = t.unescape().expect("escaped text").into_owned();
                    case.outcome = Some((kind, message, text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (totals, cases)
}

#[test]
fn the_example_suites_pass() {
    let suites: Vec<String> = std::fs::read_dir(examples())
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".suite.json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    // The tutorial and every gallery example (tutorial, tutorial-jsonata, choice, parallel,
    // map, wait, callback), and the Distributed Map reading JSON Lines.
    assert_eq!(suites.len(), 8, "{suites:?}");
    let args: Vec<&str> =
        std::iter::once("test").chain(suites.iter().map(String::as_str)).collect();
    let out = asl(&args);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ok: 25 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn the_tutorial_suite_reaches_full_catch_coverage() {
    let out = asl(&["test", &example("tutorial.suite.json"), "--coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for line in [
        "PASS 200",
        "PASS 429",
        "PASS 503",
        "PASS 500",
        "states        6/6 (100%)",
        "Retry rules   1/1 (100%)",
        "Catch rules   3/3 (100%)",
        "Call API: Catch ServerUnavailableException → Server Unavailable: covered by 503",
        "Call API: Catch States.ALL → Catch All: covered by 500",
        "Call API: Retry TooManyRequestsException: covered by 429, throttled once",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
}

#[test]
fn partial_coverage_names_what_no_case_reached() {
    let dir = temp_dir("partial");
    let suite = write(
        &dir,
        "only200.suite.json",
        r#"{"definition": "tutorial.asl.json",
            "cases": [{"name": "ok", "input": {"statuscode": "200"}, "expect": {"status": "SUCCEEDED"}}]}"#,
    );
    let out = asl(&["test", &suite, "--coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for line in [
        "states        2/6 (33%)",
        "Retry rules   0/1 (0%)",
        "Catch rules   0/3 (0%)",
        "Call API: Catch ServerUnavailableException → Server Unavailable: NOT COVERED",
        "states never entered: Wait and Try Later, Server Unavailable, Catch All, Change to 200",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
}

#[test]
fn a_failing_suite_shows_differences_exits_1_and_writes_junit() {
    let dir = temp_dir("failing");
    let suite = write(
        &dir,
        "bad.suite.json",
        r#"{"definition": "tutorial.asl.json", "mockConfig": "tutorial.mocks.json",
            "cases": [
              {"name": "200 passes", "input": {"statuscode": "200"}, "expect": {"status": "SUCCEEDED"}},
              {"name": "503 <expected> to succeed & \"fails\"", "input": {"statuscode": "503"},
               "expect": {"status": "SUCCEEDED", "error": "Other",
                          "path": ["Call API", "OK"]}},
              {"name": "429 state output", "input": {"statuscode": "429"},
               "expect": {"states": {"Change to 200": {"output": {"statuscode": "201", "extra": 1}},
                                     "Call API": {"retries": 1}}}},
              {"name": "unknown test case", "testCase": "Nope", "expect": {}}
            ]}"#,
    );
    let junit = dir.join("report.xml");
    let out = asl(&["test", &suite, "--junit", &junit.to_string_lossy()]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for line in [
        "PASS 200 passes",
        "FAIL 503 <expected> to succeed & \"fails\"",
        "status:\n        - expected: SUCCEEDED\n        + actual:   FAILED",
        "error:\n        - expected: Other\n        + actual:   ServerUnavailable",
        "step 2: expected \"OK\", entered \"Server Unavailable\"",
        "states \"Change to 200\" output:",
        "$.statuscode: expected \"201\", got \"200\"",
        "$.extra: missing (expected 1)",
        "states \"Call API\" retries:\n        - expected: 1\n        + actual:   2",
        "test case 'Nope' is not in the mock configuration",
        "FAILED: 1 passed, 3 failed",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }

    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let (totals, cases) = parse_junit(&xml);
    assert_eq!(totals, (4, 2, 1));
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "200 passes",
            "503 <expected> to succeed & \"fails\"",
            "429 state output",
            "unknown test case"
        ]
    );
    assert!(cases[0].outcome.is_none());
    let (kind, message, text) = cases[1].outcome.as_ref().expect("a failure");
    assert_eq!(kind, "failure");
    assert_eq!(message, "status: expected SUCCEEDED, got FAILED");
    assert!(
        text.contains("error:\n  - expected: Other\n  + actual:   ServerUnavailable"),
        "{text}"
    );
    let (kind, _, text) = cases[3].outcome.as_ref().expect("an error");
    assert_eq!(kind, "error");
    assert!(text.contains("'Nope'"), "{text}");
}

#[test]
fn suite_problems_are_located_and_unusable_suites_fail() {
    let dir = temp_dir("problems");
    let suite = write(
        &dir,
        "typo.suite.json",
        "{\"definition\": \"tutorial.asl.json\",\n  \"cases\": [{\"name\": \"x\", \"expect\": {\"stauts\": \"FAILED\"}}]}",
    );
    let out = asl(&["test", &suite]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("typo.suite.json:2:38: unknown field \"stauts\""),
        "{}",
        out.stdout
    );

    let missing =
        write(&dir, "missing.suite.json", r#"{"definition": "nowhere.json", "cases": []}"#);
    let out = asl(&["test", &missing]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("the definition: cannot read"), "{}", out.stdout);

    let invalid = write(
        &dir,
        "invalid.suite.json",
        r#"{"definition": {"StartAt": "Nope", "States": {}}, "cases": []}"#,
    );
    let out = asl(&["test", &invalid]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    // Located in the suite file, where the inline definition is written.
    assert!(out.stderr.contains("invalid.suite.json:1:36: error[SCHEMA_VALIDATION_FAILED]: States must have at least one state"), "{}", out.stderr);
    assert!(out.stdout.contains("the inline definition is invalid"), "{}", out.stdout);
}

#[test]
fn a_yaml_suite_passes_fails_and_locates_its_problems() {
    let dir = temp_dir("yaml");
    let passing = write(
        &dir,
        "tutorial.suite.yaml",
        "# The tutorial, two cases, in YAML\n\
         definition: tutorial.asl.json\n\
         mockConfig: tutorial.mocks.json\n\
         cases:\n\
         \x20 - name: '200'\n\
         \x20   input: {statuscode: '200'}\n\
         \x20   expect:\n\
         \x20     status: SUCCEEDED\n\
         \x20     output: The request has succeeded.\n\
         \x20     path: [Call API, OK]\n\
         \x20     states:\n\
         \x20       Call API: {retries: 0}\n\
         \x20 - name: throttled once\n\
         \x20   input: {statuscode: '200'}\n\
         \x20   testCase: ThrottledOnce\n\
         \x20   expect:\n\
         \x20     status: SUCCEEDED\n\
         \x20     states:\n\
         \x20       Call API: {retries: 1}\n",
    );
    let out = asl(&["test", &passing, "--coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for line in [
        "PASS 200",
        "PASS throttled once",
        "Retry rules   1/1 (100%)",
        "Catch rules   0/3 (0%)",
        "ok: 2 passed, 0 failed",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }

    let failing = write(
        &dir,
        "failing.suite.yml",
        "definition: tutorial.asl.json\n\
         cases:\n\
         \x20 - name: 503 succeeds\n\
         \x20   input: {statuscode: '503'}\n\
         \x20   expect:\n\
         \x20     status: SUCCEEDED\n\
         \x20     outputPaths: {$.statuscode: '200'}\n",
    );
    let junit = dir.join("yaml.xml");
    let out = asl(&["test", &failing, "--junit", &junit.to_string_lossy()]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for line in [
        "FAIL 503 succeeds",
        "status:\n        - expected: SUCCEEDED\n        + actual:   FAILED",
        "FAILED: 0 passed, 1 failed",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
    let (totals, cases) = parse_junit(&std::fs::read_to_string(&junit).expect("the report"));
    assert_eq!(totals, (1, 1, 0));
    assert_eq!(cases[0].name, "503 succeeds");

    // A YAML syntax error and an unknown field: located in the YAML file, exit 1, no panic.
    let malformed = write(
        &dir,
        "malformed.suite.yaml",
        "definition: tutorial.asl.json\ncases:\n  - name: x\n    input: [1, 2\n",
    );
    let out = asl(&["test", &malformed]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("malformed.suite.yaml:5:1: the suite is not valid YAML:"),
        "{}",
        out.stdout
    );
    let typo = write(
        &dir,
        "typo.suite.yaml",
        "definition: tutorial.asl.json\ncases:\n  - name: x\n    expect:\n      stauts: FAILED\n",
    );
    let out = asl(&["test", &typo]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("typo.suite.yaml:5:7: unknown field \"stauts\""), "{}", out.stdout);
}

/// A fixture of the importer's tests (`crates/asl/tests/fixtures/import`), as an absolute path
/// a suite can name.
fn import_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../asl/tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_suite_definition_may_be_yaml_or_a_template() {
    let dir = temp_dir("import");
    // A YAML definition.
    let suite = write(
        &dir,
        "yaml-definition.suite.yaml",
        &format!(
            "definition: {}\ncases:\n  - name: greets\n    expect: {{output: {{greeting: hello}}, path: [Greet, Done]}}\n",
            import_fixture("definition.yaml")
        ),
    );
    let out = asl(&["test", &suite]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("PASS greets"), "{}", out.stdout);

    // A CloudFormation template (`!Sub` DefinitionString), its Task mocked; the retrier
    // written as `${RetryCount}` is resolved from the parameter's default (3 attempts).
    let mocks = r#"mockConfig:
  StateMachines:
    MyStateMachine:
      TestCases:
        Works: {Work: Done}
        Breaks: {Work: Broken}
  MockedResponses:
    Done: {"0": {Return: {ok: true}}}
    Broken: {"0-9": {Throw: {Error: Lambda.Unknown, Cause: down}}}
"#;
    let suite = write(
        &dir,
        "cfn.suite.yaml",
        &format!(
            "definition: {}\n{mocks}cases:\n\
             \x20 - name: works\n    testCase: Works\n    expect: {{status: SUCCEEDED, output: {{ok: true}}}}\n\
             \x20 - name: breaks\n    testCase: Breaks\n    expect: {{error: Lambda.Unknown, states: {{Work: {{retries: 3}}}}}}\n",
            import_fixture("cfn-sub.yaml")
        ),
    );
    let out = asl(&["test", &suite, "--coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("cfn-sub.yaml)"), "{}", out.stdout);
    assert!(out.stdout.contains("Retry rules   1/1 (100%)"), "{}", out.stdout);
    // What the template left to the deployment is a warning, located in the template.
    assert!(
        out.stderr.contains("cfn-sub.yaml:29:28: warning[UNRESOLVED_REFERENCE]"),
        "{}",
        out.stderr
    );

    // `cdk synth` output (Fn::Join) and a SAM template whose definition is a DefinitionUri.
    for (fixture, state, path) in [
        ("cdk.template.json", "Invoke", r#"["Invoke", "Done"]"#),
        ("sam-uri.yaml", "Hello", r#"["Hello"]"#),
    ] {
        let suite = write(
            &dir,
            "template.suite.json",
            &format!(
                r#"{{"definition": "{}",
                    "mockConfig": {{"StateMachines": {{"MyStateMachine": {{"TestCases": {{"T": {{"{state}": "R"}}}}}}}},
                                   "MockedResponses": {{"R": {{"0": {{"Return": {{"Payload": 7}}}}}}}}}},
                    "cases": [{{"name": "{fixture}", "testCase": "T", "expect": {{"status": "SUCCEEDED", "path": {path}}}}}]}}"#,
                import_fixture(fixture)
            ),
        );
        let out = asl(&["test", &suite]);
        assert_eq!(out.code, 0, "{fixture}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(&format!("PASS {fixture}")), "{}", out.stdout);
    }

    // Several state machines: the suite's "stateMachine" chooses, as --state-machine does.
    let two = import_fixture("two-machines.yaml");
    let unchosen =
        write(&dir, "two.suite.yaml", &format!("definition: {two}\ncases: [{{name: one}}]\n"));
    let out = asl(&["test", &unchosen]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "the template has 2 state machines; choose one with \"stateMachine\" in the suite: First, Second"
        ),
        "{}",
        out.stdout
    );
    let chosen = write(
        &dir,
        "second.suite.yaml",
        &format!("definition: {two}\nstateMachine: Second\ncases: [{{name: two, expect: {{path: [Two]}}}}]\n"),
    );
    let out = asl(&["test", &chosen]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let unknown = write(
        &dir,
        "third.suite.yaml",
        &format!("definition: {two}\nstateMachine: Third\ncases: []\n"),
    );
    let out = asl(&["test", &unknown]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("\"stateMachine\" is 'Third'"), "{}", out.stdout);

    // A YAML definition with a syntax error: an invalid definition (exit 2), located.
    let broken = write(
        &dir,
        "broken.suite.yaml",
        &format!("definition: {}\ncases: []\n", import_fixture("bad.yaml")),
    );
    let out = asl(&["test", &broken]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("bad.yaml:6:"), "{}", out.stderr);
    assert!(out.stderr.contains("error[INVALID_YAML_DESCRIPTION]"), "{}", out.stderr);
}
