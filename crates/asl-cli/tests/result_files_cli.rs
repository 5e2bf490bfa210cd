//! `asl run` with Distributed Map item readers served from the mock configuration's
//! `S3Objects`, and `--result-files DIR` writing the `ResultWriter`'s files (decision 0019).

use std::path::PathBuf;
use std::process::Command;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn asl(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_asl")).args(args).output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A fresh temporary directory for this test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-result-files-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_jsonl_reader_runs_and_its_result_files_are_written() {
    let dir = temp_dir("jsonl");
    let out_dir = dir.join("out");
    let out = asl(&[
        "run",
        &example("distributed-map-jsonl.asl.json"),
        "--input",
        r#"{"key": "2025/orders.jsonl"}"#,
        "--mock-config",
        &example("distributed-map-jsonl.mocks.json"),
        "--result-files",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(result["status"], "SUCCEEDED");
    let key = result["output"]["ResultWriterDetails"]["Key"].as_str().unwrap().to_string();
    assert!(key.starts_with("orders/") && key.ends_with("/manifest.json"), "{key}");
    let run_dir = out_dir.join("results-bucket").join(key.trim_end_matches("/manifest.json"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["DestinationBucket"], "results-bucket");
    assert_eq!(manifest["ResultFiles"]["FAILED"], serde_json::json!([]));
    let succeeded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("SUCCEEDED_0.json")).unwrap())
            .unwrap();
    let outputs: Vec<&str> =
        succeeded.as_array().unwrap().iter().map(|e| e["Output"].as_str().unwrap()).collect();
    assert_eq!(
        outputs,
        vec![
            r#"{"id":"a-1","total":25}"#,
            r#"{"id":"a-2","total":10}"#,
            r#"{"id":"a-3","total":12}"#
        ]
    );
    assert!(out.stderr.contains("manifest.json"), "{}", out.stderr);
}

#[test]
fn a_missing_object_fails_the_run_with_the_reader_error() {
    let out = asl(&[
        "run",
        &example("distributed-map-jsonl.asl.json"),
        "--input",
        r#"{"key": "2024/none.jsonl"}"#,
        "--mock-config",
        &example("distributed-map-jsonl.mocks.json"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(result["status"], "FAILED");
    assert_eq!(result["error"], "States.ItemReaderFailed");
    assert!(
        result["cause"].as_str().unwrap().contains("s3://orders-bucket/2024/none.jsonl"),
        "{}",
        result["cause"]
    );
}

#[test]
fn bad_s3_objects_and_a_missing_test_case_are_argument_errors() {
    let dir = temp_dir("bad");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"S3Objects": {"orders/x": "1"}}"#).unwrap();
    let out = asl(&[
        "run",
        &example("distributed-map-jsonl.asl.json"),
        "--mock-config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains(r#""orders/x" is not an S3 URI"#), "{}", out.stderr);
    let cases = dir.join("cases.json");
    std::fs::write(
        &cases,
        r#"{"StateMachines": {"Case": {"TestCases": {"T": {}}}}, "MockedResponses": {}}"#,
    )
    .unwrap();
    let out = asl(&[
        "run",
        &example("distributed-map-jsonl.asl.json"),
        "--mock-config",
        cases.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--mock-config needs --test-case"), "{}", out.stderr);
}

#[test]
fn a_result_key_that_would_leave_the_directory_is_refused() {
    let dir = temp_dir("escape");
    let def = dir.join("def.json");
    let text = std::fs::read_to_string(example("distributed-map-jsonl.asl.json"))
        .unwrap()
        .replace(r#""Prefix": "orders""#, r#""Prefix": "../../escape""#);
    std::fs::write(&def, text).unwrap();
    let out_dir = dir.join("out");
    let out = asl(&[
        "run",
        def.to_str().unwrap(),
        "--input",
        r#"{"key": "2025/orders.jsonl"}"#,
        "--mock-config",
        &example("distributed-map-jsonl.mocks.json"),
        "--result-files",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("will not write to disk"), "{}", out.stderr);
    assert!(!dir.join("escape").exists());
}
