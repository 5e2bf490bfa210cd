//! The `asl` command's contract: exit codes (0 ran, 1 unusable arguments or files, 2 invalid
//! definition), size limits with messages that name them, mock configuration checks, a byte
//! order mark, deep nesting.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `asl ARGS` with `stdin` piped in; a 60 s bound turns a hang into a failure.
fn asl_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.to_vec();
    let mut pipe = child.stdin.take().unwrap();
    // asl may stop reading early (that is the point of the limits): ignore a broken pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("asl {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn asl(args: &[&str]) -> Output {
    asl_with_stdin(args, b"")
}

/// A file in a fresh temporary directory for this test.
fn temp_file(test: &str, name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

const PASS: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
const TASK: &str = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task",
  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "End": true}}}"#;

fn mocks(answer: &str) -> String {
    format!(
        r#"{{"StateMachines": {{"M": {{"TestCases": {{"Happy": {{"Call": "CallMock"}}, "Sad": {{}}}}}}}},
            "MockedResponses": {{"CallMock": {{"0": {answer}}}}}}}"#
    )
}

#[test]
fn exit_codes_follow_the_contract() {
    let def = temp_file("codes", "pass.json", PASS.as_bytes());
    let def = def.to_str().unwrap();
    assert_eq!(asl(&["run", def]).code, 0);
    assert_eq!(asl(&["validate", def]).code, 0);
    // Usage errors exit 1 (clap's own default would be 2, which here means "invalid definition").
    let unknown = asl(&["run", def, "--no-such-flag"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("--no-such-flag"), "{}", unknown.stderr);
    assert_eq!(asl(&["run"]).code, 1);
    assert_eq!(asl(&["frobnicate"]).code, 1);
    assert_eq!(asl(&[]).code, 1);
    assert_eq!(asl(&["run", def, "--type", "SIDEWAYS"]).code, 1);
    assert_eq!(asl(&["run", def, "--mock-config", "m.json"]).code, 1, "--test-case is required");
    // Help and version are not errors.
    let help = asl(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
    assert_eq!(asl(&["run", "--help"]).code, 0);
    assert_eq!(asl(&["--version"]).code, 0);
    // Unreadable files exit 1; an invalid definition 2.
    assert_eq!(asl(&["run", "/no/such/file.json"]).code, 1);
    let bad = temp_file("codes", "bad.json", br#"{"StartAt": "Nowhere", "States": {}}"#);
    assert_eq!(asl(&["run", bad.to_str().unwrap()]).code, 2);
    assert_eq!(asl(&["validate", bad.to_str().unwrap()]).code, 2);
}

/// Valid JSON of exactly `bytes` bytes: `text` padded with spaces.
fn padded(text: &str, bytes: usize) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.resize(bytes, b' ');
    out
}

#[test]
fn a_definition_is_limited_to_awss_quota() {
    let at_limit = temp_file("deflimit", "at.json", &padded(PASS, 1_048_576));
    assert_eq!(asl(&["validate", at_limit.to_str().unwrap()]).code, 0);
    let over = temp_file("deflimit", "over.json", &padded(PASS, 1_048_577));
    let out = asl(&["run", over.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("is larger than 1,048,576 bytes, AWS's quota for a state machine definition"),
        "{}",
        out.stderr
    );
    // Standard input too, without reading it all.
    let out = asl_with_stdin(&["validate", "-"], &vec![b' '; 8 << 20]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("standard input is larger than 1,048,576 bytes"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn endless_sources_stop_at_the_limit() {
    let out = asl(&["run", "/dev/zero"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("'/dev/zero' is larger than 1,048,576 bytes"), "{}", out.stderr);
    let def = temp_file("endless", "pass.json", PASS.as_bytes());
    let out = asl(&["run", def.to_str().unwrap(), "--input", "/dev/urandom"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is larger than 262,144 bytes"), "{}", out.stderr);
    let out =
        asl(&["run", def.to_str().unwrap(), "--mock-config", "/dev/zero", "--test-case", "T"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("larger than 16,777,216 bytes"), "{}", out.stderr);
}

#[test]
fn an_input_is_limited_to_awss_payload_quota() {
    let def = temp_file("inlimit", "pass.json", PASS.as_bytes());
    let def = def.to_str().unwrap();
    let at_limit = temp_file("inlimit", "at.json", &padded(r#"{"a": 1}"#, 262_144));
    let out = asl(&["run", def, "--input", at_limit.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let over = temp_file("inlimit", "over.json", &padded(r#"{"a": 1}"#, 262_145));
    let out = asl(&["run", def, "--input", over.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("larger than 262,144 bytes, AWS's payload quota"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_test_case_is_an_argument_error_listing_the_known_ones() {
    let def = temp_file("case", "task.json", TASK.as_bytes());
    let config = temp_file("case", "mocks.json", mocks(r#"{"Return": 1}"#).as_bytes());
    let (def, config) = (def.to_str().unwrap(), config.to_str().unwrap());
    let out = asl(&["run", def, "--mock-config", config, "--test-case", "Nope"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty(), "no execution runs: {}", out.stdout);
    assert!(
        out.stderr
            .contains("test case 'Nope' is not in the mock configuration (it has: M: Happy, Sad)"),
        "{}",
        out.stderr
    );
    let out = asl(&["run", def, "--mock-config", config, "--test-case", "Happy"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(r#""status": "SUCCEEDED""#), "{}", out.stdout);
}

#[test]
fn a_malformed_mock_is_named_with_its_field() {
    let def = temp_file("badmock", "task.json", TASK.as_bytes());
    let config = temp_file("badmock", "mocks.json", mocks(r#"{"Throw": 5}"#).as_bytes());
    let out = asl(&[
        "run",
        def.to_str().unwrap(),
        "--mock-config",
        config.to_str().unwrap(),
        "--test-case",
        "Happy",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("MockedResponses.CallMock.0.Throw must be an object"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_byte_order_mark_is_skipped_in_every_file() {
    let bom = |text: &str| [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
    let def = temp_file("bom", "task.json", &bom(TASK));
    let input = temp_file("bom", "input.json", &bom(r#"{"x": 1}"#));
    let config = temp_file("bom", "mocks.json", &bom(&mocks(r#"{"Return": {"ok": true}}"#)));
    let out = asl(&[
        "run",
        def.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--mock-config",
        config.to_str().unwrap(),
        "--test-case",
        "Happy",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(r#""ok": true"#), "{}", out.stdout);
    let out = asl_with_stdin(&["validate", "-"], &bom(PASS));
    assert_eq!((out.code, out.stdout.trim()), (0, "<stdin>: OK"), "{}", out.stderr);
}

#[test]
fn deep_definitions_get_located_messages() {
    let mut state = String::from(r#"{"Type": "Pass", "End": true}"#);
    for _ in 0..41 {
        state = format!(
            r#"{{"Type": "Parallel", "End": true, "Branches": [{{"StartAt": "S", "States": {{"S": {state}}}}}]}}"#
        );
    }
    let text = format!(r#"{{"StartAt": "S", "States": {{"S": {state}}}}}"#);
    let def = temp_file("deep", "deep.json", text.as_bytes());
    let out = asl(&["validate", def.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(":1:")
            && out.stderr.contains(
                "error[TOO_DEEPLY_NESTED]: Parallel and Map states may nest at most 40 levels deep"
            ),
        "{}",
        out.stderr
    );
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let out = asl_with_stdin(&["run", "-"], arrays.as_bytes());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "<stdin>:1:257: error[INVALID_JSON_DESCRIPTION]: Invalid JSON: arrays and objects nest more than 256 levels deep"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_mock_latency_beyond_the_timeout_times_the_task_out() {
    let def = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "TimeoutSeconds": 3, "End": true}}}"#;
    let def = temp_file("latency", "task.json", def.as_bytes());
    let config = temp_file(
        "latency",
        "mocks.json",
        mocks(r#"{"Return": 1, "LatencySeconds": 5}"#).as_bytes(),
    );
    let (def, config) = (def.to_str().unwrap(), config.to_str().unwrap());
    let out = asl(&["run", def, "--mock-config", config, "--test-case", "Happy"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(r#""status": "FAILED""#), "{}", out.stdout);
    assert!(out.stdout.contains("States.Timeout"), "{}", out.stdout);
    let bad = temp_file(
        "latency",
        "bad.json",
        mocks(r#"{"Return": 1, "LatencySeconds": -2}"#).as_bytes(),
    );
    let out = asl(&["run", def, "--mock-config", bad.to_str().unwrap(), "--test-case", "Happy"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("MockedResponses.CallMock.0.LatencySeconds must be between 0 and 99999999"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_shows_quota_guardrails_as_warnings() {
    let def =
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 40000000, "End": true}}}"#;
    let def = temp_file("guardrail", "wait.json", def.as_bytes());
    let out = asl(&["validate", def.to_str().unwrap()]);
    assert_eq!(out.code, 0, "a warning keeps the definition valid: {}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("QUOTA_GUARDRAIL") && all.contains("31,536,000"), "{all}");
}

// ----- activities and run-time quota guardrails (decisions 0020, 0015) -----

const ACTIVITY: &str = r#"{"StartAt": "Work", "States": {"Work": {"Type": "Task",
  "Resource": "arn:aws:states:us-east-1:123456789012:activity:Work", "End": true}}}"#;

#[test]
fn an_activity_the_test_case_does_not_mock_does_not_exist_in_asl_run() {
    let def = temp_file("activity-missing", "machine.json", ACTIVITY.as_bytes());
    let empty = r#"{"StateMachines": {"Case": {"TestCases": {"T": {}}}}, "MockedResponses": {}}"#;
    let mocks = temp_file("activity-missing", "mocks.json", empty.as_bytes());
    let out = asl(&[
        "run",
        def.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "T",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["error"], "States.Runtime");
    assert_eq!(
        v["cause"],
        "An error occurred while executing the state 'Work' (entered at the event id #2). The activity arn:aws:states:us-east-1:123456789012:activity:Work does not exist."
    );
    let types: Vec<&str> =
        v["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
}

#[test]
fn a_mocked_activity_records_activity_started_with_an_empty_details_object() {
    let def = temp_file("activity-mocked", "machine.json", ACTIVITY.as_bytes());
    let config = r#"{"StateMachines": {"Case": {"TestCases": {"T": {"Work": "W"}}}},
        "MockedResponses": {"W": {"0": {"Return": {"ok": true}}}}}"#;
    let mocks = temp_file("activity-mocked", "mocks.json", config.as_bytes());
    let out = asl(&[
        "run",
        def.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "T",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    let started = &v["events"][3];
    assert_eq!(started["type"], "ActivityStarted");
    assert_eq!(started["activityStartedEventDetails"], serde_json::json!({}));
    assert_eq!(v["events"][4]["type"], "ActivitySucceeded");
}

const LOOP: &str = r#"{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0, "delay": 40000000}, "Next": "Poll"},
    "Poll": {"Type": "Pass", "Parameters": {"delay.$": "$.delay", "i.$": "States.MathAdd($.i, 1)"}, "Next": "Done?"},
    "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 4, "Next": "End"}], "Default": "Pause"},
    "Pause": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Poll"},
    "End": {"Type": "Succeed"}
  }
}"#;

#[test]
fn asl_run_warns_on_stderr_about_a_loop_and_a_path_value_and_still_exits_0() {
    let def = temp_file("run-guardrails", "loop.json", LOOP.as_bytes());
    let path = def.to_str().unwrap();
    let out = asl(&["run", path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["status"], "SUCCEEDED");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(
        lines[0],
        format!("{path}:5:5: warning[QUOTA_GUARDRAIL]: State 'Poll' loops: entered 4 times in this run, about 6 history events per iteration; at that rate the history reaches AWS's quota of 25,000 events after about 4,166 iterations (4,162 more than this run), and an execution that reaches it fails (at /States/Poll)")
    );
    assert_eq!(
        lines[1],
        format!("{path}:7:31: warning[QUOTA_GUARDRAIL]: SecondsPath resolved to 40,000,000 seconds in this run, beyond the maximum execution duration, 1 year (31,536,000 seconds) for a STANDARD state machine: the execution times out first (at /States/Pause/SecondsPath)")
    );
    let express = asl(&["run", "--type", "EXPRESS", path]);
    assert_eq!(express.code, 0);
    assert!(
        express.stderr.contains("5 minutes (300 seconds) for an EXPRESS"),
        "{}",
        express.stderr
    );
}

#[test]
fn asl_validate_type_express_applies_awss_express_rules_and_durations() {
    let wait =
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#;
    let def = temp_file("validate-type", "wait.json", wait.as_bytes());
    let path = def.to_str().unwrap();
    let standard = asl(&["validate", path]);
    assert_eq!((standard.code, standard.stdout.trim()), (0, format!("{path}: OK").as_str()));
    let same = asl(&["validate", "--type", "STANDARD", path]);
    assert_eq!(same.stdout, standard.stdout);
    let express = asl(&["validate", "--type", "EXPRESS", path]);
    assert_eq!(express.code, 0, "a warning keeps it valid: {}", express.stderr);
    assert_eq!(
        express.stderr.trim(),
        format!("{path}:1:51: warning[QUOTA_GUARDRAIL]: Seconds 600 is beyond the maximum execution duration, 5 minutes (300 seconds) for an EXPRESS state machine: the execution times out first (at /States/W/Seconds)")
    );
    let activity = temp_file("validate-type", "activity.json", ACTIVITY.as_bytes());
    let refused = asl(&["validate", "--type", "EXPRESS", activity.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Express state machine does not support Activity ARN"),
        "{}",
        refused.stderr
    );
    let bad = asl(&["validate", "--type", "FAST", path]);
    assert_eq!(bad.code, 1);
}
