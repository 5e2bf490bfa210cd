use super::*;
use serde_json::json;

fn run(src: &str, input: Value) -> Result<Value, StatesError> {
    let ctx = json!({"StateMachine": {"Name": "my-state-machine"}, "Execution": {"Input": input}});
    let scope = Scope { input: &input, context: &ctx, variables: None };
    let call = parse_intrinsic(src).map_err(|e| StatesError::new("Parse", e.message))?;
    evaluate_intrinsic(&call, &scope, &mut Random::new(1))
}

fn ok(src: &str, input: Value) -> Value {
    run(src, input).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn err(src: &str, input: Value) -> StatesError {
    run(src, input).expect_err(src)
}

#[test]
fn recognises_calls() {
    assert!(is_intrinsic("States.Format('x')"));
    assert!(is_intrinsic("States.UUID()"));
    assert!(!is_intrinsic("States.Nope()"));
    assert!(!is_intrinsic("$.a"));
    assert!(!is_intrinsic("States.Format"));
}

#[test]
fn parse_rejects_bad_calls() {
    for bad in [
        "States.Format(",
        "States.Nope(1)",
        "States.ArrayLength()",
        "States.UUID(1)",
        "States.MathAdd(1, 2, 3)",
        "States.Format('a', foo)",
        "States.Array(1) extra",
        "States.Format('unterminated)",
    ] {
        assert!(parse_intrinsic(bad).is_err(), "{bad}");
    }
}

#[test]
fn nesting_limit_is_ten() {
    let mut ten = "1".to_string();
    for _ in 0..10 {
        ten = format!("States.Array({ten})");
    }
    assert!(parse_intrinsic(&ten).is_ok());
    let eleven = format!("States.Array({ten})");
    assert!(parse_intrinsic(&eleven).is_err());
}

#[test]
fn format_matches_recordings() {
    let f = "States.Format('Formatting arguments fst={} and snd={}.', $.fst, $.snd)";
    assert_eq!(
        ok(f, json!({"fst": null, "snd": 1})),
        json!("Formatting arguments fst=null and snd=1.")
    );
    assert_eq!(
        ok(f, json!({"fst": 1.1, "snd": " "})),
        json!("Formatting arguments fst=1.1 and snd= .")
    );
    assert_eq!(
        ok(f, json!({"fst": {"Arg1": 1, "Arg2": []}, "snd": [1, "a", {"b": null}]})),
        json!("Formatting arguments fst={Arg1=1, Arg2=[]} and snd=[1, a, {b=null}].")
    );
    assert_eq!(ok("States.Format('\\{\\} {} \\'q\\'', 'x')", json!({})), json!("{} x 'q'"));
    assert_eq!(err("States.Format('{} {}', 1)", json!({})).error, "States.IntrinsicFailure");
    assert_eq!(err("States.Format('{}', 1, 2)", json!({})).error, "States.IntrinsicFailure");
}

#[test]
fn json_string_round_trips() {
    assert_eq!(ok("States.StringToJson($.s)", json!({"s": ""})), Value::Null);
    assert_eq!(ok("States.StringToJson($.s)", json!({"s": "-0"})), json!(0));
    assert_eq!(ok("States.StringToJson($.s)", json!({"s": "1.1"})), json!(1.1));
    assert_eq!(
        ok("States.StringToJson($.s)", json!({"s": "{\"Arg1\": 1, \"Arg2\": []}"})),
        json!({"Arg1": 1, "Arg2": []})
    );
    assert_eq!(err("States.StringToJson($.s)", json!({"s": "{"})).error, "States.IntrinsicFailure");
    assert_eq!(
        ok("States.JsonToString($)", json!({"Arg1": 1, "Arg2": []})),
        json!("{\"Arg1\":1,\"Arg2\":[]}")
    );
    assert_eq!(ok("States.JsonToString($.s)", json!({"s": "HelloWorld"})), json!("\"HelloWorld\""));
    assert_eq!(ok("States.JsonToString($.s)", json!({"s": 1.0})), json!("1.0"));
}

#[test]
fn arrays() {
    assert_eq!(
        ok("States.Array($.a, 'x', 2, true, null)", json!({"a": [1]})),
        json!([[1], "x", 2, true, null])
    );
    assert_eq!(ok("States.Array()", json!({})), json!([]));
    assert_eq!(ok("States.ArrayPartition($.a, 2)", json!({"a": [0, 1, 2]})), json!([[0, 1], [2]]));
    assert_eq!(ok("States.ArrayPartition($.a, 4)", json!({"a": []})), json!([]));
    assert_eq!(
        err("States.ArrayPartition($.a, 0)", json!({"a": [1]})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        ok("States.ArrayContains($.a, $.b)", json!({"a": [[1, 2, 3], 2], "b": [1, 2, 3]})),
        json!(true)
    );
    assert_eq!(ok("States.ArrayContains($.a, $.b)", json!({"a": [], "b": null})), json!(false));
    assert_eq!(ok("States.ArrayContains($.a, 1)", json!({"a": [1.0]})), json!(false));
    assert_eq!(ok("States.ArrayRange(1, 9, 2)", json!({})), json!([1, 3, 5, 7, 9]));
    assert_eq!(ok("States.ArrayRange(0, 10, 3)", json!({})), json!([0, 3, 6, 9]));
    assert_eq!(ok("States.ArrayRange(5, 1, -2)", json!({})), json!([5, 3, 1]));
    assert_eq!(ok("States.ArrayRange(0, 999, 1)", json!({})).as_array().map(Vec::len), Some(1000));
    assert_eq!(err("States.ArrayRange(0, 1000, 1)", json!({})).error, "States.IntrinsicFailure");
    assert_eq!(err("States.ArrayRange(0, 10, 0)", json!({})).error, "States.IntrinsicFailure");
    assert_eq!(ok("States.ArrayGetItem($.a, 1)", json!({"a": [1, 2]})), json!(2));
    assert_eq!(
        err("States.ArrayGetItem($.a, 2)", json!({"a": [1, 2]})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(ok("States.ArrayLength($.a)", json!({"a": [1, 2, 3]})), json!(3));
    assert_eq!(err("States.ArrayLength($.a)", json!({"a": "x"})).error, "States.IntrinsicFailure");
    assert_eq!(
        ok(
            "States.ArrayUnique($.a)",
            json!({"a": [null, null, 1, 1, 1.1, "x", "x", [], [], {"a": 1}, {"a": 1}]})
        ),
        json!([null, 1, 1.1, "x", [], {"a": 1}])
    );
}

#[test]
fn encoding_and_hashing() {
    assert_eq!(
        ok("States.Base64Encode('Data to encode')", json!({})),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        ok("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", json!({})),
        json!("Data to encode")
    );
    assert_eq!(ok("States.Base64Decode($.s)", json!({"s": ""})), json!(""));
    assert_eq!(err("States.Base64Decode('***')", json!({})).error, "States.IntrinsicFailure");
    let long = "a".repeat(10_001);
    assert_eq!(
        err("States.Base64Encode($.s)", json!({ "s": long })).error,
        "States.IntrinsicFailure"
    );
    let cases = [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
    ];
    for (algo, want) in cases {
        assert_eq!(ok("States.Hash('input data', $.a)", json!({ "a": algo })), json!(want));
    }
    assert_eq!(err("States.Hash('x', 'SHA-3')", json!({})).error, "States.IntrinsicFailure");
}

#[test]
fn json_merge_is_shallow_in_hash_map_order() {
    let input = json!({"fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}, "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}});
    let out = ok("States.JsonMerge($.fst, $.snd, false)", input);
    assert_eq!(out, json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4}));
    assert_eq!(compact(&out), r#"{"a":{"a3":1,"a4":2},"b":2,"c":3,"d":4}"#);
    let out = ok(
        "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input.i, false)",
        json!({"i": {"constant_input_field": "constant_value"}}),
    );
    assert_eq!(
        compact(&out),
        r#"{"constant_input_field":"constant_value","constant_in_literal":"false"}"#
    );
    assert_eq!(err("States.JsonMerge($, $, true)", json!({})).error, "States.IntrinsicFailure");
    assert_eq!(
        err("States.JsonMerge($.a, $, false)", json!({"a": 1})).error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn math() {
    for (a, b, want) in [
        (json!(-1.5), json!(0), -1),
        (json!(-1.51), json!(0), -2),
        (json!(0.5), json!(0), 1),
        (json!(-0.5), json!(0.5), 1),
        (json!(-1.49), json!(-1.5), -2),
        (json!(1.49), json!(-1.49), 0),
        (json!(3), json!(4), 7),
    ] {
        assert_eq!(ok("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})), json!(want));
    }
    assert_eq!(err("States.MathAdd('1', 2)", json!({})).error, "States.IntrinsicFailure");
    for _ in 0..20 {
        let v = ok("States.MathRandom(9999, 99999)", json!({})).as_i64().unwrap();
        assert!((9999..99999).contains(&v));
    }
    let seeded = ok("States.MathRandom(0, 999, 3)", json!({}));
    assert_eq!(seeded, ok("States.MathRandom(0, 999, 3)", json!({})));
    // java.util.Random(42).nextInt(10) is 0; (0).nextInt(100) is 60.
    assert_eq!(ok("States.MathRandom(0, 10, 42)", json!({})), json!(0));
    assert_eq!(ok("States.MathRandom(0, 100, 0)", json!({})), json!(60));
    assert_eq!(err("States.MathRandom(5, 5)", json!({})).error, "States.IntrinsicFailure");
}

#[test]
fn strings_and_uuid() {
    let split = "States.StringSplit($.s, $.d)";
    assert_eq!(ok(split, json!({"s": ", , ,", "d": ","})), json!([" ", " "]));
    assert_eq!(ok(split, json!({"s": ",,,,", "d": ","})), json!([]));
    assert_eq!(ok(split, json!({"s": "1,2;3", "d": ",;"})), json!(["1", "2", "3"]));
    let u = ok("States.UUID()", json!({}));
    assert_eq!(u.as_str().map(str::len), Some(36));
}

#[test]
fn nested_calls_and_context() {
    let src = "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))";
    assert_eq!(ok(src, json!({})), json!("machine"));
}

#[test]
fn missing_path_argument_is_runtime_error() {
    let e = err("States.Format('{}', $.nope)", json!({"a": 1}));
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause,
        "The JSONPath '$.nope' specified for the field 'States.Format('{}', $.nope)' could not be \
         found in the input '{\"a\":1}'"
    );
}
