//! Arbitrary bytes split into a definition and an input: a definition that validates is run,
//! bounded, and must never panic.
//!
//! Layout: `definition text` `\0` `input JSON`. Without a `\0` the whole text is the definition
//! and the input is `{}`; an input that is not JSON becomes a JSON string.
#![no_main]

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, StateMachine};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// One input must stay fast: the engine stops at 25,000 history events on its own.
const MAX_STEPS: usize = 20_000;

fuzz_target!(|data: &[u8]| {
    let (def, input) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"{}"[..]),
    };
    let Ok(def) = std::str::from_utf8(def) else {
        return;
    };
    let Ok(machine) = StateMachine::from_text(def) else {
        return;
    };
    let input: Value = serde_json::from_slice(input)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(input).into_owned()));
    let config = ExecutionConfig { input, ..ExecutionConfig::default() };
    let mut exec = Execution::start(Arc::new(machine), config);
    let mut steps = 0;
    while steps < MAX_STEPS && exec.step() {
        steps += 1;
    }
    // Reading the results back must not panic either.
    let _ = exec.describe();
    for event in exec.history() {
        let _ = event.to_aws_json();
    }
});
