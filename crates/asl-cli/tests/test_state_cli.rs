//! `asl test-state`: the request from flags, from AWS CLI's `--cli-input-json` (plain path or
//! `file://`), a flag overriding the file's field, and a refused request (the AWS CLI's line on
//! stderr, exit code 2).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn asl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl")).arg("test-state").args(args).output().unwrap()
}

fn response(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-test-state-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

const TASK: &str = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
    "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2}], "End": true}"#;

#[test]
fn flags_make_the_request() {
    let def = temp_file("task.json", TASK);
    let out = asl(&[
        def.to_str().unwrap(),
        "--input",
        r#"{"a": 1}"#,
        "--mock-error",
        "Boom",
        "--mock-cause",
        "bad",
        "--retry-count",
        "1",
        "--inspection-level",
        "DEBUG",
    ]);
    let r = response(&out);
    assert_eq!(r["status"], "RETRIABLE");
    assert_eq!(
        r["inspectionData"]["errorDetails"],
        json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 2})
    );
    assert_eq!(r["inspectionData"]["afterParameters"], r#"{"FunctionName":"f","Payload":{"a":1}}"#);
}

#[test]
fn cli_input_json_with_a_flag_overriding_it() {
    let request = json!({"definition": TASK, "input": "{\"a\": 1}",
        "mock": {"result": "{\"Payload\": 2}"}});
    let file = temp_file("request.json", &request.to_string());
    let path = file.to_str().unwrap();
    let r = response(&asl(&["--cli-input-json", path]));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": "{\"Payload\":2}"}));
    let with_prefix = format!("file://{path}");
    let r =
        response(&asl(&["--cli-input-json", &with_prefix, "--mock-result", r#"{"Payload": 3}"#]));
    assert_eq!(r["output"], "{\"Payload\":3}");
}

#[test]
fn a_refused_request_prints_the_aws_cli_line() {
    let request = json!({"definition": "{\"Type\": \"Pass\", \"End\": true}",
        "mock": {"result": "{}"}});
    let file = temp_file("refused.json", &request.to_string());
    let out = asl(&["--cli-input-json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "An error occurred (ValidationException) when calling the TestState operation: State type 'Pass' is not supported when a mock is specified"
    );
}
