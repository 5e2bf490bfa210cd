//! `asl run --callbacks FILE`: SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat delivered
//! at given virtual times to the tasks waiting for a callback, named by state and occurrence.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

struct Run {
    code: i32,
    result: Value,
    stderr: String,
}

fn temp_file(test: &str, name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-callbacks-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// `asl run` of `definition` with `callbacks` as the --callbacks file.
fn run(test: &str, definition: &Value, callbacks: &str) -> Run {
    let def = temp_file(test, "machine.asl.json", &definition.to_string());
    let cbs = temp_file(test, "callbacks.json", callbacks);
    let out = Command::new(env!("CARGO_BIN_EXE_asl"))
        .args(["run", def.to_str().unwrap(), "--callbacks", cbs.to_str().unwrap()])
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        result: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A `.waitForTaskToken` task with the given timeouts; a States.HeartbeatTimeout is caught.
fn machine(timeouts: Value) -> Value {
    let mut task = json!({"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.late",
            "Next": "Late"}],
        "End": true});
    if let (Some(t), Some(extra)) = (task.as_object_mut(), timeouts.as_object()) {
        t.extend(extra.clone());
    }
    json!({"StartAt": "Ask", "States": {"Ask": task, "Late": {"Type": "Pass", "End": true}}})
}

fn events(r: &Run) -> Vec<Value> {
    r.result["events"].as_array().cloned().unwrap_or_default()
}

fn event<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    events.iter().find(|e| e["type"] == kind).unwrap_or(&Value::Null)
}

/// Milliseconds from the execution's start to `e` (timestamps are ISO 8601 with ms).
fn elapsed_ms(events: &[Value], e: &Value) -> i64 {
    let ms = |v: &Value| {
        let t = v["timestamp"].as_str().unwrap_or_default();
        chrono_like_ms(t)
    };
    ms(e) - ms(&events[0])
}

/// `2024-01-01T00:01:40.000Z` → milliseconds of that day (the runs here stay within a day).
fn chrono_like_ms(t: &str) -> i64 {
    let time = t.split('T').nth(1).unwrap_or_default().trim_end_matches('Z');
    let mut parts = time.split(':');
    let h: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let m: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let s: f64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0.0);
    (h * 3600 + m * 60) * 1000 + (s * 1000.0).round() as i64
}

#[test]
fn send_task_success_completes_the_task_at_its_time() {
    let r = run(
        "success",
        &machine(json!({})),
        r#"[{"atSeconds": 42.5, "state": "Ask", "send": "SendTaskSuccess",
             "output": {"approved": true}}]"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.result["status"], "SUCCEEDED");
    assert_eq!(r.result["output"], json!({"approved": true}));
    let events = events(&r);
    let succeeded = event(&events, "TaskSucceeded");
    assert_eq!(
        succeeded["taskSucceededEventDetails"],
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
            "output": "{\"approved\":true}", "outputDetails": {"truncated": false}})
    );
    assert_eq!(elapsed_ms(&events, succeeded), 42_500);
}

#[test]
fn send_task_failure_fails_the_task_with_error_and_cause() {
    let r = run(
        "failure",
        &machine(json!({})),
        r#"[{"atSeconds": 3, "state": "Ask", "send": "SendTaskFailure",
             "error": "Rejected", "cause": "over budget"}]"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.result["status"], "FAILED");
    assert_eq!(r.result["error"], "Rejected");
    assert_eq!(r.result["cause"], "over budget");
    let events = events(&r);
    assert_eq!(
        event(&events, "TaskFailed")["taskFailedEventDetails"],
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
            "error": "Rejected", "cause": "over budget"})
    );
}

#[test]
fn heartbeats_keep_a_task_alive_past_its_heartbeat_seconds() {
    // HeartbeatSeconds 10: heartbeats at 8 s and 16 s carry it to 20 s, where it succeeds.
    let r = run(
        "heartbeat",
        &machine(json!({"HeartbeatSeconds": 10, "TimeoutSeconds": 100})),
        r#"[{"atSeconds": 20, "state": "Ask", "send": "SendTaskSuccess", "output": "late but fine"},
            {"atSeconds": 8, "state": "Ask", "send": "SendTaskHeartbeat"},
            {"atSeconds": 16, "state": "Ask", "send": "SendTaskHeartbeat"}]"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.result["status"], "SUCCEEDED");
    assert_eq!(r.result["output"], "late but fine");
    let events = events(&r);
    assert_eq!(elapsed_ms(&events, event(&events, "TaskSucceeded")), 20_000);
    assert!(events.iter().all(|e| e["type"] != "TaskTimedOut"));
}

#[test]
fn a_missed_heartbeat_times_the_task_out() {
    // One heartbeat at 8 s, then none: States.HeartbeatTimeout at 18 s; the success at 30 s
    // comes too late and is refused as on AWS (TaskTimedOut).
    let r = run(
        "missed",
        &machine(json!({"HeartbeatSeconds": 10})),
        r#"[{"atSeconds": 8, "state": "Ask", "send": "SendTaskHeartbeat"},
            {"atSeconds": 30, "state": "Ask", "send": "SendTaskSuccess", "output": {}}]"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events = events(&r);
    let timed_out = event(&events, "TaskTimedOut");
    assert_eq!(
        timed_out["taskTimedOutEventDetails"]["error"], "States.HeartbeatTimeout",
        "{events:?}"
    );
    assert_eq!(elapsed_ms(&events, timed_out), 18_000);
    assert_eq!(r.result["status"], "SUCCEEDED", "caught into Late");
    assert_eq!(r.result["output"]["late"]["Error"], "States.HeartbeatTimeout");
    assert_eq!(
        r.stderr.trim(),
        "asl: --callbacks entry 1, SendTaskSuccess to 'Ask' (occurrence 0) at 30 s: not \
         delivered: TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore'"
    );
}

#[test]
fn a_task_timeout_fails_the_run_and_unanswered_tasks_leave_it_running() {
    let r = run("timeout", &machine(json!({"TimeoutSeconds": 5})), "[]");
    assert_eq!(r.result["status"], "FAILED");
    assert_eq!(r.result["error"], "States.Timeout");
    // Without deadlines or answers the run waits: RUNNING, its task submitted.
    let r = run(
        "waiting",
        &machine(json!({})),
        r#"[{"atSeconds": 1, "state": "Other", "send": "SendTaskHeartbeat"}]"#,
    );
    assert_eq!(r.result["status"], "RUNNING");
    assert_eq!(events(&r).last().unwrap()["type"], "TaskSubmitted");
    assert!(r.stderr.contains("not delivered: no such task had waited for a callback by then"));
}

#[test]
fn occurrences_name_each_wait_of_a_state() {
    let def = json!({"StartAt": "Items", "States": {
        "Items": {"Type": "Pass", "Result": [1, 2], "Next": "Each"},
        "Each": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "f", "Payload": {"t.$": "$$.Task.Token"}},
            "End": true}}}}}});
    let r = run(
        "occurrences",
        &def,
        r#"[{"atSeconds": 1, "state": "Ask", "occurrence": 1, "send": "SendTaskSuccess", "output": "second"},
            {"atSeconds": 2, "state": "Ask", "occurrence": 0, "send": "SendTaskSuccess", "output": "first"}]"#,
    );
    assert_eq!(r.result["status"], "SUCCEEDED", "{}", r.stderr);
    assert_eq!(r.result["output"], json!(["first", "second"]));
}

#[test]
fn a_malformed_callbacks_file_is_an_argument_error() {
    let cases = [
        (
            r#"[{"atSeconds": 1, "state": "Ask", "send": "Heartbeat"}]"#,
            "unknown variant `Heartbeat`",
        ),
        (
            r#"[{"atSeconds": 1, "state": "Ask", "send": "SendTaskSuccess"}]"#,
            "entry 0 (state 'Ask'): SendTaskSuccess needs \"output\"",
        ),
        (
            r#"[{"atSeconds": -1, "state": "Ask", "send": "SendTaskHeartbeat"}]"#,
            "\"atSeconds\" must be 0 or more",
        ),
        (r#"[{"at": 1, "state": "Ask", "send": "SendTaskHeartbeat"}]"#, "unknown field `at`"),
        ("[{", "line 1 column 2"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let r = run(&format!("malformed{i}"), &machine(json!({})), text);
        assert_eq!(r.code, 1, "{text}");
        assert!(r.stderr.contains("is not a usable callbacks file"), "{}", r.stderr);
        assert!(r.stderr.contains(expected), "{text}: {}", r.stderr);
    }
}
