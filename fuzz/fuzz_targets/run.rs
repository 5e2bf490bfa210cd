//! Arbitrary bytes split into a definition and an input: a definition that validates is run,
//! bounded, and must never panic or hang.
//!
//! Layout: `definition text` `\0` `input JSON`. Without a `\0` the whole text is the definition
//! and the input is `{}`; an input that is not JSON becomes a JSON string. An optional
//! three-byte header (first byte 0xF8–0xFF, never UTF-8) splices extreme numbers (i64::MAX,
//! 1e308, -0, u64::MAX …) into the numeric literals of the definition or the input (see
//! `common::splice_extremes`), steering mutation towards the edges of the engine's arithmetic.
#![no_main]

mod common;

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, StateMachine};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// One input must stay fast: the engine stops at 25,000 history events on its own.
const MAX_STEPS: usize = 20_000;

fuzz_target!(|data: &[u8]| {
    let (flags, value, occurrence, data) = common::splice_extremes(data);
    let (def, input) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"{}"[..]),
    };
    let Ok(def) = std::str::from_utf8(def) else {
        return;
    };
    let mut def = def.to_string();
    let mut input = String::from_utf8_lossy(input).into_owned();
    if flags != 0 {
        let extreme = common::EXTREMES[value];
        let all = flags & 2 != 0;
        if flags & 1 == 0 {
            def = common::replace_numbers(&def, extreme, all, occurrence);
        } else {
            input = common::replace_numbers(&input, extreme, all, occurrence);
        }
    }
    common::guarded(|| {
        let Ok(machine) = StateMachine::from_text(&def) else {
            return;
        };
        let input: Value = serde_json::from_str(&input).unwrap_or(Value::String(input));
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
});
