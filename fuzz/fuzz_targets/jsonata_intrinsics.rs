//! JSONata expressions and intrinsic functions alone, through asl's public API
//! (`asl::jsonata::evaluate`, `asl::intrinsics::{parse_intrinsic, evaluate_intrinsic}`): must
//! never panic, and a hang is a finding (the harness's watchdog aborts after 60 s; libFuzzer's
//! `-timeout` usually reports first).
//!
//! Layout: one selector byte (even: JSONata, odd: an intrinsic such as
//! `States.MathAdd($.n, 1)`), the expression, then optionally `\0` and the input JSON (`$states.input`
//! / `$`); without an input, or when it is not JSON, a fixed input with arrays, strings,
//! objects and extreme numbers is used. The splice header of the `run` target (first byte
//! 0xF8–0xFF) applies here too, to the expression's numbers (flag bit 0 clear) or the input's.
#![no_main]

mod common;

use asl::intrinsics::{evaluate_intrinsic, parse_intrinsic};
use asl::jsonata::{evaluate, Bindings};
use asl::jsonpath::Scope;
use asl::Random;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fn default_input() -> Value {
    json!({
        "n": 3,
        "big": 9223372036854775807u64,
        "huge": 1e308,
        "neg": -1,
        "s": "héllo, wörld",
        "xs": [1, 2, 3, 2, 1],
        "words": ["a", "b", "c"],
        "o": {"a": {"b": [1, {"c": null}]}, "t": true},
        "empty": [],
    })
}

fuzz_target!(|data: &[u8]| {
    let (flags, value, occurrence, data) = common::splice_extremes(data);
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (expr, input) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let Ok(expr) = std::str::from_utf8(expr) else {
        return;
    };
    let mut expr = expr.to_string();
    let mut input = input.map(|i| String::from_utf8_lossy(i).into_owned());
    if flags != 0 {
        let extreme = common::EXTREMES[value];
        let all = flags & 2 != 0;
        if flags & 1 == 0 {
            expr = common::replace_numbers(&expr, extreme, all, occurrence);
        } else if let Some(i) = input.as_mut() {
            *i = common::replace_numbers(i, extreme, all, occurrence);
        }
    }
    let input: Value =
        input.and_then(|i| serde_json::from_str(&i).ok()).unwrap_or_else(default_input);
    let context = json!({
        "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:M:e", "Input": input},
        "State": {"Name": "S", "EnteredTime": "2024-01-01T00:00:00Z", "RetryCount": 0},
        "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:M", "Name": "M"},
        "Task": {"Token": "token"},
    });
    let mut random = Random::new(u64::from(selector));
    common::guarded(|| {
        if selector % 2 == 0 {
            let states = json!({"input": input, "context": context});
            let variables = |name: &str| match name {
                "x" => Some(json!(42)),
                "list" => Some(json!([3, 1, 2])),
                "obj" => Some(json!({"k": "v"})),
                _ => None,
            };
            let bindings =
                Bindings { states: &states, variables: &variables, now_ms: 1_700_000_000_000 };
            let _ = asl::jsonata::check_syntax(&expr);
            let _ = evaluate(&expr, &bindings, &mut random);
        } else if let Ok(call) = parse_intrinsic(&expr) {
            let lookup = |name: &str| (name == "x").then(|| json!([1, 2]));
            let scope = Scope { input: &input, context: &context, variables: Some(&lookup) };
            let _ = evaluate_intrinsic(&call, &scope, &mut random);
        }
    });
});
