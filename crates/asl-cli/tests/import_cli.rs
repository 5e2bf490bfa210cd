//! DEFINITION as YAML, or as a CloudFormation / SAM template (`cdk synth` output included):
//! `asl validate`, `asl run` and `asl test-state` take the state machine out of it, print what
//! was left unresolved as located warnings, locate errors in the file given, and ask which
//! state machine when there are several.

use std::io::Write;
use std::process::{Command, Stdio};

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn asl_in(dir: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `asl` in the fixtures' folder.
fn asl(args: &[&str]) -> Output {
    asl_in(&fixtures(), args, b"")
}

fn fixtures() -> String {
    format!("{}/../asl/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn validate_a_sam_template_prints_unresolved_references_as_warnings() {
    let out = asl(&["validate", "sam.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stderr);
    assert!(
        lines[0].starts_with(
            "sam.yaml:36:15: warning[UNRESOLVED_REFERENCE]: ${ProcessOrderFunctionArn}"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[2].starts_with("sam.yaml:57:15: warning[UNRESOLVED_REFERENCE]: ${AlertsTopicArn} is not in DefinitionSubstitutions"), "{}", lines[2]);
    let out = asl(&["validate", "sam.yaml", "--json"]);
    let v = json(&out.stdout);
    assert_eq!(v["result"], "OK");
    assert_eq!(v["diagnostics"][2]["severity"], "WARNING");
    assert_eq!(v["diagnostics"][2]["line"], 57);
}

#[test]
fn errors_are_located_in_the_file_given() {
    let out = asl(&["validate", "cfn-sub-broken.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("cfn-sub-broken.yaml:9:67: error[MISSING_TRANSITION_TARGET]: Missing 'Next' target: Nowhere"),
        "{}",
        out.stderr
    );
    let out = asl(&["run", "bad.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("bad.yaml:6:8: error[INVALID_YAML_DESCRIPTION]: Invalid YAML: "),
        "{}",
        out.stderr
    );
}

#[test]
fn run_a_yaml_definition_and_cdk_synth_output() {
    let out = asl(&["run", "definition.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["output"], json(r#"{"greeting": "hello"}"#));

    let mocks = r#"{"StateMachines": {"Case": {"TestCases": {"Happy": {"Invoke": "M"}}}},
        "MockedResponses": {"M": {"0": {"Return": {"Payload": {"ok": true}}}}}}"#;
    let dir = std::env::temp_dir().join(format!("asl-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mock_file = dir.join("mocks.json");
    std::fs::write(&mock_file, mocks).unwrap();
    let out = asl(&[
        "run",
        "cdk.template.json",
        "--mock-config",
        mock_file.to_str().unwrap(),
        "--test-case",
        "Happy",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["status"], "SUCCEEDED", "{}", out.stdout);
    assert_eq!(v["output"], json(r#"{"ok": true}"#));
    // The stand-in for the function's ARN is said on stderr, located in the template.
    assert!(
        out.stderr.starts_with(
            "cdk.template.json:28:8: warning[UNRESOLVED_REFERENCE]: MyFunc8A243A2C.Arn"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn several_state_machines_are_chosen_by_logical_id() {
    let out = asl(&["validate", "two-machines.yaml"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("choose one with --state-machine: First, Second"),
        "{}",
        out.stderr
    );
    let out = asl(&["run", "two-machines.yaml", "--state-machine", "Second"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["events"][1]["stateEnteredEventDetails"]["name"], "Two");
    let out = asl(&["validate", "two-machines.yaml", "--state-machine", "Third"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no state machine 'Third'; it has: First, Second"),
        "{}",
        out.stderr
    );
}

#[test]
fn definition_uri_is_read_relative_to_the_template() {
    // From another folder: the path is the template's folder joined with DefinitionUri.
    let template = format!("{}/sam-uri.yaml", fixtures());
    let out = asl_in("/", &["validate", &template], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected =
        format!("{}/statemachine/hello.asl.json:6:7: warning[UNRESOLVED_REFERENCE]", fixtures());
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
}

#[test]
fn test_state_takes_a_state_out_of_a_template() {
    let out = asl(&[
        "test-state",
        "sam.yaml",
        "--state",
        "Save order",
        "--input",
        r#"{"order": {"id": "7"}}"#,
        "--mock-result",
        "{}",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["nextState"], "Notify");
}

#[test]
fn hostile_yaml_is_an_error_not_a_hang() {
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        laughs.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let out = asl_in(&fixtures(), &["validate", "-"], laughs.as_bytes());
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("aliases expand the document past"), "{}", out.stderr);
    let deep = "[".repeat(500_000);
    let out = asl_in(&fixtures(), &["validate", "-"], format!("a: {deep}").as_bytes());
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("error[INVALID_YAML_DESCRIPTION]"), "{}", out.stderr);
}
