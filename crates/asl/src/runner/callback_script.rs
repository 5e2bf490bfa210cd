//! A script of callbacks delivered at given virtual times: what `asl run --callbacks FILE`
//! reads, so that a run waiting on `.waitForTaskToken` tasks (or Activities) can be answered
//! the way the page's "Send task success" / "Send task failure" / "Send task heartbeat" do.
//!
//! Task tokens are generated when the tasks run, so an entry names its task by state name and
//! occurrence (`runner::callbacks`): the how-manieth wait for a callback of that state name,
//! from 0 (a Map's iterations and a retried task each wait anew). The file is a JSON array:
//!
//! ```json
//! [
//!   {"atSeconds": 5, "state": "Ask", "send": "SendTaskHeartbeat"},
//!   {"atSeconds": 9, "state": "Ask", "occurrence": 0, "send": "SendTaskSuccess",
//!    "output": {"approved": true}},
//!   {"atSeconds": 20, "state": "Review", "send": "SendTaskFailure",
//!    "error": "Rejected", "cause": "not enough budget"}
//! ]
//! ```
//!
//! `atSeconds` counts virtual seconds from the execution's start (fractions allowed, to the
//! millisecond). Entries are delivered in time order (file order for equal times), each after
//! everything due at or before its time has run. An entry whose task has not waited yet, or
//! that AWS would refuse (`TaskTimedOut` for a task already closed, …), is reported and
//! skipped; the run goes on.

use serde::Deserialize;
use serde_json::Value;

use super::callbacks::{Callback, CallbackError};
use super::Execution;
use crate::history::json_text;

/// The API call an entry makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
enum Call {
    #[serde(rename = "SendTaskSuccess")]
    Success,
    #[serde(rename = "SendTaskFailure")]
    Failure,
    #[serde(rename = "SendTaskHeartbeat")]
    Heartbeat,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Success => "SendTaskSuccess",
            Call::Failure => "SendTaskFailure",
            Call::Heartbeat => "SendTaskHeartbeat",
        }
    }
}

/// One entry as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Entry {
    at_seconds: f64,
    state: String,
    #[serde(default)]
    occurrence: u64,
    send: Call,
    output: Option<Value>,
    error: Option<String>,
    cause: Option<String>,
}

/// One callback to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedCallback {
    /// Virtual milliseconds after the execution's start.
    pub at_ms: i64,
    pub state: String,
    pub occurrence: u64,
    pub callback: Callback,
}

/// The callbacks of a script, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallbackScript {
    pub entries: Vec<ScriptedCallback>,
}

/// Why an entry was not delivered.
#[derive(Debug, Clone, PartialEq)]
pub enum Undelivered {
    /// No task of that state name had waited for a callback that many times by then.
    NotWaiting,
    /// The call was made and refused, as AWS would refuse it.
    Refused(CallbackError),
}

/// What became of one entry (`entry` is its index in the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub entry: usize,
    pub result: Result<(), Undelivered>,
}

impl CallbackScript {
    /// Reads a script; a malformed one is refused with the JSON error's line and column, or
    /// the entry and field at fault.
    pub fn from_text(text: &str) -> Result<CallbackScript, String> {
        let raw: Vec<Entry> = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let entries = raw
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let state = e.state.clone();
                entry(e).map_err(|m| format!("entry {i} (state '{state}'): {m}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CallbackScript { entries })
    }

    /// A one-line description of entry `i`, for reports.
    pub fn describe(&self, i: usize) -> String {
        match self.entries.get(i) {
            Some(e) => format!(
                "{} to '{}' (occurrence {}) at {} s",
                e.callback.operation(),
                e.state,
                e.occurrence,
                e.at_ms as f64 / 1000.0
            ),
            None => format!("entry {i}"),
        }
    }
}

fn entry(e: Entry) -> Result<ScriptedCallback, String> {
    if !e.at_seconds.is_finite() || e.at_seconds < 0.0 {
        return Err(format!("\"atSeconds\" must be 0 or more, not {}", e.at_seconds));
    }
    let only = |field: &str, present: bool| {
        if present {
            Err(format!("\"{field}\" does not go with {}", e.send.name()))
        } else {
            Ok(())
        }
    };
    let callback = match e.send {
        Call::Success => {
            only("error", e.error.is_some())?;
            only("cause", e.cause.is_some())?;
            let output = e.output.as_ref().ok_or("SendTaskSuccess needs \"output\"")?;
            Callback::Success { output: json_text(output) }
        }
        Call::Failure => {
            only("output", e.output.is_some())?;
            Callback::Failure { error: e.error, cause: e.cause }
        }
        Call::Heartbeat => {
            only("output", e.output.is_some())?;
            only("error", e.error.is_some())?;
            only("cause", e.cause.is_some())?;
            Callback::Heartbeat
        }
    };
    Ok(ScriptedCallback {
        at_ms: crate::time::fractional_seconds_to_millis(e.at_seconds),
        state: e.state,
        occurrence: e.occurrence,
        callback,
    })
}

impl Execution {
    /// Runs the execution, delivering the script's callbacks at their virtual times, until it
    /// ends or nothing is left to do (a task still waiting leaves it RUNNING). Returns what
    /// became of each entry, in delivery order.
    pub fn run_with_callbacks(&mut self, script: &CallbackScript) -> Vec<Delivery> {
        let start = self.describe().start_ms;
        let mut order: Vec<usize> = (0..script.entries.len()).collect();
        order.sort_by_key(|&i| script.entries[i].at_ms);
        let mut report = Vec::with_capacity(order.len());
        for i in order {
            let e = &script.entries[i];
            self.advance_to(crate::time::after_millis(start, e.at_ms), usize::MAX);
            let result = match self.callback_token(&e.state, e.occurrence).map(str::to_string) {
                None => Err(Undelivered::NotWaiting),
                Some(token) => {
                    self.send_task(&token, e.callback.clone()).map_err(Undelivered::Refused)
                }
            };
            report.push(Delivery { entry: i, result });
        }
        self.run_to_completion();
        report
    }
}
