//! Unit tests for choice rules: parsing and its diagnostics, AWS's comparison semantics,
//! timestamps and labels. (End-to-end checks against AWS recordings are in
//! `tests/choice_conformance.rs`.)

use crate::jsonpath::Path;
use std::cmp::Ordering;

use serde_json::{json, Value};

use super::*;
use crate::errors::StatesError;

/// Resolve `$`, `$.a`, `$.a.b` over `input`; anything else selects nothing.
fn run(rule: &Value, input: &Value) -> Result<bool, StatesError> {
    let parsed = parse_rule(rule).unwrap_or_else(|e| panic!("{rule}: {e:?}"));
    let mut resolve = |path: &Path| -> Result<Option<Value>, StatesError> {
        let mut current = input;
        let rest = path.strip_prefix('$').unwrap_or(path);
        for field in rest.split('.').filter(|f| !f.is_empty()) {
            match current.get(field) {
                Some(v) => current = v,
                None => return Ok(None),
            }
        }
        Ok(Some(current.clone()))
    };
    evaluate(&parsed, &mut resolve)
}

/// `Variable: $.v`, `<op>: operand`, evaluated with input `{"v": v}`.
fn check(op: &str, operand: Value, v: Value) -> bool {
    let rule = json!({ "Variable": "$.v", op: operand });
    run(&rule, &json!({ "v": v })).unwrap_or_else(|e| panic!("{rule}: {e}"))
}

/// `Variable: $.v`, `<op>Path: $.w`, evaluated with input `{"v": v, "w": w}`.
fn check_path(op: &str, v: Value, w: Value) -> bool {
    let rule = json!({ "Variable": "$.v", format!("{op}Path"): "$.w" });
    run(&rule, &json!({ "v": v, "w": w })).unwrap_or_else(|e| panic!("{rule}: {e}"))
}

fn parse_errors(rule: Value) -> Vec<RuleError> {
    match parse_choice(&rule) {
        Ok(c) => panic!("{rule} parsed as {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn string_comparisons() {
    assert!(check("StringEquals", json!("Hello"), json!("Hello")));
    assert!(!check("StringEquals", json!("Hello"), json!("hello")));
    assert!(!check("StringEquals", json!("\t\r\n"), json!("\t\n")));
    assert!(check("StringLessThan", json!("AB"), json!("A")));
    assert!(!check("StringLessThan", json!(""), json!("")));
    assert!(check("StringGreaterThan", json!("A"), json!("AB")));
    assert!(!check("StringGreaterThan", json!(""), json!("")));
    assert!(check("StringLessThanEquals", json!(""), json!("")));
    assert!(check("StringLessThanEquals", json!("b"), json!("a")));
    assert!(!check("StringLessThanEquals", json!("A"), json!("AB")));
    assert!(check("StringGreaterThanEquals", json!("A"), json!("AB")));
    assert!(!check("StringGreaterThanEquals", json!("AB"), json!("A")));
    // Path forms.
    assert!(check_path("StringEquals", json!("x"), json!("x")));
    assert!(check_path("StringLessThan", json!("a"), json!("b")));
    assert!(check_path("StringGreaterThan", json!("b"), json!("a")));
    assert!(!check_path("StringLessThanEquals", json!("AB"), json!("A")));
    assert!(check_path("StringGreaterThanEquals", json!(""), json!("")));
}

#[test]
fn strings_compare_by_utf16_code_units_like_java() {
    // U+FF61 is one UTF-16 unit 0xFF61; U+1F600 is the surrogate pair D83D DE00. Java
    // orders the emoji first (0xD83D < 0xFF61); Rust's byte/char order would not.
    assert!(check("StringLessThan", json!("\u{FF61}"), json!("\u{1F600}")));
    assert!(!check("StringGreaterThan", json!("\u{FF61}"), json!("\u{1F600}")));
    assert_eq!(compare_utf16("Z", "a"), Ordering::Less);
}

#[test]
fn string_comparisons_on_non_strings_are_false() {
    for v in [json!(0), json!(1.1), json!(false), json!(null), json!([]), json!([""])] {
        assert!(!check("StringEquals", json!("HelloWorld"), v.clone()), "{v}");
        assert!(!check("StringLessThan", json!("zzz"), v.clone()), "{v}");
        assert!(!check("StringMatches", json!("*"), v.clone()), "{v}");
    }
    assert!(!check_path("StringEquals", json!("1"), json!(1)));
}

#[test]
fn string_matches_wildcards_and_escapes() {
    assert!(check("StringMatches", json!("log-*.txt"), json!("log-2024.txt")));
    assert!(check("StringMatches", json!("log-*.txt"), json!("log-.txt")));
    assert!(!check("StringMatches", json!("log-*.txt"), json!("log-2024.txt.gz")));
    assert!(check("StringMatches", json!("*"), json!("")));
    assert!(check("StringMatches", json!("a*b*c"), json!("aXXbYYbc")));
    assert!(!check("StringMatches", json!("a*b*c"), json!("aXXbYY")));
    assert!(check("StringMatches", json!("exact"), json!("exact")));
    assert!(!check("StringMatches", json!("exact"), json!("exactly")));
    // `\*` is a literal star, `\\` a literal backslash.
    assert!(check("StringMatches", json!("a\\*"), json!("a*")));
    assert!(!check("StringMatches", json!("a\\*"), json!("ab")));
    assert!(check("StringMatches", json!("c:\\\\*"), json!("c:\\dir")));
    assert!(!check("StringMatches", json!("c:\\\\*"), json!("c:dir")));
    assert!(string_matches("ünï*ödé", "ünï*"));
}

#[test]
fn numeric_comparisons_compare_values_not_spellings() {
    assert!(check("NumericEquals", json!(0), json!(0.0)));
    assert!(check("NumericEquals", json!(1.0), json!(1)));
    assert!(check("NumericEquals", json!(2.22), json!(2.22)));
    assert!(!check("NumericEquals", json!(1.0), json!(1.1)));
    assert!(check("NumericLessThan", json!(1), json!(0)));
    assert!(!check("NumericLessThan", json!(0), json!(0)));
    assert!(check("NumericGreaterThan", json!(0), json!(0.5)));
    assert!(!check("NumericGreaterThan", json!(1), json!(1)));
    assert!(check("NumericLessThanEquals", json!(1), json!(1.0)));
    assert!(!check("NumericLessThanEquals", json!(0), json!(1)));
    assert!(check("NumericGreaterThanEquals", json!(-1), json!(-1)));
    assert!(!check("NumericGreaterThanEquals", json!(1), json!(0)));
    // Large integers compare exactly.
    assert!(!check("NumericEquals", json!(9007199254740993_i64), json!(9007199254740992_i64)));
    assert!(check("NumericGreaterThan", json!(-1), json!(u64::MAX)));
    // Path forms.
    assert!(check_path("NumericEquals", json!(0.0), json!(0)));
    assert!(check_path("NumericLessThan", json!(0), json!(1)));
    assert!(check_path("NumericGreaterThan", json!(1), json!(0)));
    assert!(check_path("NumericLessThanEquals", json!(0), json!(0)));
    assert!(check_path("NumericGreaterThanEquals", json!(0.0), json!(0)));
}

#[test]
fn numeric_comparisons_on_non_numbers_are_false() {
    for v in
        [json!(null), json!(""), json!(" "), json!("1"), json!(true), json!([]), json!({"A": 0})]
    {
        assert!(!check("NumericEquals", json!(0), v.clone()), "{v}");
        assert!(!check("NumericLessThan", json!(100), v.clone()), "{v}");
        // The operand path selecting a non-number is false too, not an error.
        assert!(!check_path("NumericEquals", json!(0), v.clone()), "{v}");
    }
}

#[test]
fn boolean_equals() {
    assert!(check("BooleanEquals", json!(true), json!(true)));
    assert!(check("BooleanEquals", json!(false), json!(false)));
    assert!(!check("BooleanEquals", json!(true), json!(false)));
    for v in [json!(1), json!(0), json!("true"), json!(null), json!([]), json!({})] {
        assert!(!check("BooleanEquals", json!(true), v.clone()), "{v}");
        assert!(!check("BooleanEquals", json!(false), v.clone()), "{v}");
    }
    assert!(check_path("BooleanEquals", json!(false), json!(false)));
    assert!(!check_path("BooleanEquals", json!(false), json!(0)));
}

#[test]
fn timestamp_comparisons() {
    let t = json!("2012-10-09T19:00:55Z");
    assert!(check("TimestampEquals", t.clone(), t.clone()));
    assert!(check("TimestampEquals", t.clone(), json!("2012-10-09T20:00:55+01:00")));
    assert!(check("TimestampEquals", t.clone(), json!("2012-10-09T19:00:55.000Z")));
    assert!(!check("TimestampEquals", t.clone(), json!("2012-10-09T19:00:55.5Z")));
    assert!(check("TimestampLessThan", t.clone(), json!("2012-10-09T19:00:54Z")));
    assert!(!check("TimestampLessThan", t.clone(), t.clone()));
    assert!(check("TimestampGreaterThan", t.clone(), json!("2012-10-09T19:00:55.001Z")));
    assert!(!check("TimestampGreaterThan", t.clone(), t.clone()));
    assert!(check("TimestampLessThanEquals", t.clone(), t.clone()));
    assert!(!check("TimestampLessThanEquals", t.clone(), json!("2012-10-09T19:00:56Z")));
    assert!(check("TimestampGreaterThanEquals", t.clone(), t.clone()));
    assert!(!check("TimestampGreaterThanEquals", json!("2012-10-09T19:00:56Z"), t.clone()));
    // Path forms.
    assert!(check_path("TimestampEquals", t.clone(), t.clone()));
    assert!(!check_path("TimestampEquals", t.clone(), json!("2012-10-09T19:00:56Z")));
    assert!(check_path("TimestampLessThan", t.clone(), json!("2012-10-09T19:00:56Z")));
    assert!(!check_path("TimestampGreaterThan", t.clone(), json!("2012-10-09T19:00:56Z")));
    assert!(check_path("TimestampLessThanEquals", t.clone(), t.clone()));
    assert!(!check_path("TimestampGreaterThanEquals", t.clone(), json!("2012-10-09T19:00:56Z")));
    // Not timestamps: false, never an error.
    for v in [
        json!(" "),
        json!("2023-02-24 12:15:56.832957"),
        json!("2012-10-09T19:00:55"),
        json!("2012-10-09t19:00:55Z"),
        json!("2023-02-24"),
        json!([]),
        json!(false),
        json!({"A": 0}),
    ] {
        assert!(!check("TimestampEquals", t.clone(), v.clone()), "{v}");
        assert!(!check("TimestampLessThan", json!("2999-01-01T00:00:00Z"), v.clone()), "{v}");
    }
    assert!(!check_path("TimestampEquals", t.clone(), json!("not a time")));
}

#[test]
fn timestamp_parsing_follows_rfc3339_with_aws_restrictions() {
    let ok = |s: &str| parse_timestamp(s).is_some();
    assert!(ok("2016-08-18T17:33:00Z"));
    assert!(ok("2016-08-18T17:33:00.123456789Z"));
    assert!(ok("2016-08-18T17:33:00-07:30"));
    assert!(ok("2024-02-29T00:00:00Z"));
    assert!(!ok("2023-02-29T00:00:00Z"));
    assert!(!ok("2016-13-05T21:29:29Z"));
    assert!(!ok("05-12-2016T21:29:29Z"));
    assert!(!ok("2016-08-18T24:00:00Z"));
    assert!(!ok("2016-08-18T17:33:60Z"));
    assert!(!ok("2016-08-18 17:33:00Z"));
    assert!(!ok("2016-08-18T17:33:00z"));
    assert!(!ok("2016-08-18T17:33:00+0100"));
    assert!(!ok("2016-08-18T17:33:00.Z"));
    assert!(!ok("2016-08-18T17:33:00.1234567890Z"));
    assert!(!ok("2016-08-18T17:33:00Zjunk"));
    assert!(!ok("2016-08-18T17:33:00+19:00"));
    assert!(!ok("２016-08-18T17:33:00Z"));
    let a = parse_timestamp("1970-01-01T00:00:00Z");
    assert_eq!(a, Some(Instant { seconds: 0, nanos: 0 }));
    let b = parse_timestamp("1969-12-31T23:00:00.25-01:00");
    assert_eq!(b, Some(Instant { seconds: 0, nanos: 250_000_000 }));
}

#[test]
fn type_tests() {
    let all = [
        json!(null),
        json!(0),
        json!(1.1),
        json!(""),
        json!("2012-10-09T19:00:55Z"),
        json!(true),
        json!([]),
        json!({"A": 0}),
    ];
    for v in &all {
        assert_eq!(check("IsNull", json!(true), v.clone()), v.is_null(), "{v}");
        assert_eq!(check("IsNull", json!(false), v.clone()), !v.is_null(), "{v}");
        assert_eq!(check("IsNumeric", json!(true), v.clone()), v.is_number(), "{v}");
        assert_eq!(check("IsNumeric", json!(false), v.clone()), !v.is_number(), "{v}");
        assert_eq!(check("IsString", json!(true), v.clone()), v.is_string(), "{v}");
        assert_eq!(check("IsString", json!(false), v.clone()), !v.is_string(), "{v}");
        assert_eq!(check("IsBoolean", json!(true), v.clone()), v.is_boolean(), "{v}");
        assert_eq!(check("IsBoolean", json!(false), v.clone()), !v.is_boolean(), "{v}");
        // A present null is present.
        assert!(check("IsPresent", json!(true), v.clone()), "{v}");
        assert!(!check("IsPresent", json!(false), v.clone()), "{v}");
    }
    assert!(check("IsTimestamp", json!(true), json!("2012-10-09T19:00:55+01:00")));
    assert!(check("IsTimestamp", json!(false), json!("2012-10-09T19:00:55")));
    assert!(check("IsTimestamp", json!(false), json!("2023-02-24")));
    assert!(check("IsTimestamp", json!(false), json!(12)));
    assert!(!check("IsTimestamp", json!(true), json!(null)));
}

#[test]
fn is_present_tolerates_a_missing_variable() {
    let present = json!({"Variable": "$.missing", "IsPresent": true});
    assert_eq!(run(&present, &json!({})), Ok(false));
    let absent = json!({"Variable": "$.missing", "IsPresent": false});
    assert_eq!(run(&absent, &json!({})), Ok(true));
}

#[test]
fn a_missing_variable_is_a_runtime_error_for_other_operators() {
    let expected = StatesError::new(
        "States.Runtime",
        "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    );
    for (op, operand) in [
        ("StringEquals", json!("x")),
        ("NumericEquals", json!(1)),
        ("BooleanEquals", json!(true)),
        ("TimestampEquals", json!("2012-10-09T19:00:55Z")),
        ("IsNull", json!(true)),
        ("IsString", json!(false)),
    ] {
        let rule = json!({"Variable": "$.missing", op: operand});
        assert_eq!(run(&rule, &json!({"other": 1})), Err(expected.clone()), "{op}");
    }
}

#[test]
fn a_missing_operand_path_is_a_runtime_error() {
    let rule = json!({"Variable": "$.v", "NumericEqualsPath": "$.limit"});
    let err = run(&rule, &json!({"v": 1})).expect_err("missing operand path");
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(
        err.cause,
        "Invalid path '$.limit': The choice state's condition path references an invalid value."
    );
}

#[test]
fn and_or_not_short_circuit() {
    // The IsPresent guard keeps the second rule from reading a missing path.
    let guarded = json!({"And": [
        {"Variable": "$.x", "IsPresent": true},
        {"Variable": "$.x", "StringEquals": "a"}
    ]});
    assert_eq!(run(&guarded, &json!({})), Ok(false));
    assert_eq!(run(&guarded, &json!({"x": "a"})), Ok(true));
    assert_eq!(run(&guarded, &json!({"x": "b"})), Ok(false));
    let either = json!({"Or": [
        {"Variable": "$.x", "IsPresent": false},
        {"Variable": "$.x", "NumericGreaterThan": 3}
    ]});
    assert_eq!(run(&either, &json!({})), Ok(true));
    assert_eq!(run(&either, &json!({"x": 4})), Ok(true));
    assert_eq!(run(&either, &json!({"x": 3})), Ok(false));
    let not = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
    assert_eq!(run(&not, &json!({"type": "Public"})), Ok(true));
    assert_eq!(run(&not, &json!({"type": "Private"})), Ok(false));
    // Errors inside Not propagate rather than being negated.
    let not_missing = json!({"Not": {"Variable": "$.nope", "StringEquals": "x"}});
    assert!(run(&not_missing, &json!({})).is_err());
}

#[test]
fn resolver_errors_propagate() {
    let rule = parse_rule(&json!({"Variable": "$.x", "IsPresent": true})).expect("parses");
    let mut failing =
        |_: &Path| -> Result<Option<Value>, StatesError> { Err(StatesError::runtime("boom")) };
    assert_eq!(evaluate(&rule, &mut failing), Err(StatesError::runtime("boom")));
}

#[test]
fn first_match_picks_the_first_rule_that_holds() {
    let choices: Vec<Choice> = [
        json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"}),
        json!({"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"}),
        json!({"And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30}
        ], "Next": "ValueInTwenties"}),
    ]
    .iter()
    .map(|r| parse_choice(r).expect("parses"))
    .collect();
    let pick = |input: Value| {
        let mut resolve = |p: &Path| -> Result<Option<Value>, StatesError> {
            Ok(input.get(p.trim_start_matches("$.")).cloned())
        };
        first_match(&choices, &mut resolve).map(|c| c.map(|c| c.next.clone()))
    };
    assert_eq!(pick(json!({"type": "Private", "value": 22})), Ok(Some("ValueInTwenties".into())));
    assert_eq!(pick(json!({"type": "Public", "value": 22})), Ok(Some("Public".into())));
    assert_eq!(pick(json!({"type": "Private", "value": 0})), Ok(Some("ValueIsZero".into())));
    assert_eq!(pick(json!({"type": "Private", "value": 50})), Ok(None));
}

#[test]
fn parse_choice_keeps_next_comment_and_assign() {
    let choice = parse_choice(&json!({
        "Variable": "$.status", "StringEquals": "200", "Next": "Done",
        "Comment": "ok", "Assign": {"seen": true}
    }))
    .expect("parses");
    assert_eq!(choice.next, "Done");
    assert_eq!(choice.comment.as_deref(), Some("ok"));
    assert_eq!(choice.assign, Some(json!({"seen": true})));
    assert_eq!(
        choice.rule,
        ChoiceRule::Compare {
            variable: Path::compile("$.status"),
            op: Operator::StringEquals,
            operand: Operand::Literal(json!("200")),
        }
    );
    let with_path =
        parse_rule(&json!({"Variable": "$$.Execution.Id", "StringEqualsPath": "$lim.x"}))
            .expect("parses");
    assert_eq!(
        with_path,
        ChoiceRule::Compare {
            variable: Path::compile("$$.Execution.Id"),
            op: Operator::StringEquals,
            operand: Operand::Path(Path::compile("$lim.x")),
        }
    );
}

#[test]
fn parse_errors_say_what_is_wrong_and_where() {
    let e = parse_errors(json!({"Variable": "$.x", "StringEquals": "a"}));
    assert_eq!(e, vec![(String::new(), "A top-level choice rule needs a Next field".into())]);

    let e = parse_errors(json!({"StringEquals": "a", "Next": "N"}));
    assert_eq!(e, vec![(String::new(), "A comparison needs a Variable field".into())]);

    let e = parse_errors(json!({"Variable": "$.x", "StringEquals": 1, "Next": "N"}));
    assert_eq!(
        e,
        vec![("/StringEquals".into(), "StringEquals needs a string, got a number".into())]
    );

    let e = parse_errors(json!({"Variable": "$.x", "NumericEquals": "1", "Next": "N"}));
    assert_eq!(
        e,
        vec![("/NumericEquals".into(), "NumericEquals needs a number, got a string".into())]
    );

    let e = parse_errors(json!({"Variable": "$.x", "BooleanEquals": "true", "Next": "N"}));
    assert_eq!(
        e,
        vec![("/BooleanEquals".into(), "BooleanEquals needs a boolean, got a string".into())]
    );

    let e = parse_errors(json!({"Variable": "$.x", "IsNull": 1, "Next": "N"}));
    assert_eq!(e, vec![("/IsNull".into(), "IsNull needs a boolean, got a number".into())]);

    let e = parse_errors(
        json!({"Variable": "$.x", "TimestampEquals": "2016-13-05T21:29:29Z", "Next": "N"}),
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, "/TimestampEquals");
    assert!(e[0].1.starts_with("TimestampEquals needs an RFC 3339 timestamp"), "{e:?}");

    let e = parse_errors(json!({"Variable": "$.x", "NumericEqualsPath": 3, "Next": "N"}));
    assert_eq!(
        e,
        vec![(
            "/NumericEqualsPath".into(),
            "NumericEqualsPath must be a string path, got a number".into()
        )]
    );
    let e = parse_errors(json!({"Variable": "$.x", "NumericEqualsPath": "limit", "Next": "N"}));
    assert_eq!(e[0].0, "/NumericEqualsPath");

    let e = parse_errors(json!({"Variable": "x", "IsPresent": true, "Next": "N"}));
    assert_eq!(
        e,
        vec![("/Variable".into(), "Variable must be a path starting with '$', got 'x'".into())]
    );

    let e = parse_errors(json!({"Variable": "$.x", "StringEqual": "a", "Next": "N"}));
    assert!(e.iter().any(|(at, m)| at == "/StringEqual" && m.contains("not supported")), "{e:?}");

    let e = parse_errors(json!({"Variable": "$.x", "StringMatchesPath": "$.p", "Next": "N"}));
    assert!(
        e.contains(&("/StringMatchesPath".into(), "StringMatches has no …Path form".into())),
        "{e:?}"
    );
    let e = parse_errors(json!({"Variable": "$.x", "IsNullPath": "$.p", "Next": "N"}));
    assert!(e.contains(&("/IsNullPath".into(), "IsNull has no …Path form".into())), "{e:?}");

    let e =
        parse_errors(json!({"Variable": "$.x", "StringEquals": "a", "IsNull": true, "Next": "N"}));
    assert_eq!(e.len(), 1);
    assert!(e[0].1.starts_with("A choice rule must have exactly one operator"), "{e:?}");

    let e = parse_errors(json!({"Variable": "$.x", "Next": "N"}));
    assert!(e[0].1.contains("needs a comparison operator"), "{e:?}");

    let e = parse_errors(json!({"Condition": "{% true %}", "Next": "N"}));
    assert!(e.iter().any(|(at, _)| at == "/Condition"), "{e:?}");

    let e = parse_errors(json!("not an object"));
    assert_eq!(e, vec![(String::new(), "A choice rule must be an object, got a string".into())]);
}

#[test]
fn nested_parse_errors_point_into_the_rule() {
    let e = parse_errors(json!({"And": [
        {"Variable": "$.a", "IsPresent": true},
        {"Variable": "$.b", "NumericEquals": "x"}
    ], "Next": "N"}));
    assert_eq!(
        e,
        vec![("/And/1/NumericEquals".into(), "NumericEquals needs a number, got a string".into())]
    );

    let e = parse_errors(json!({"Not": {"Variable": "$.a"}, "Next": "N"}));
    assert_eq!(e[0].0, "/Not");

    let e = parse_errors(json!({"Or": [], "Next": "N"}));
    assert_eq!(e, vec![("/Or".into(), "Or must hold at least one choice rule".into())]);

    let e = parse_errors(json!({"And": {"Variable": "$.a", "IsNull": true}, "Next": "N"}));
    assert_eq!(
        e,
        vec![("/And".into(), "And must be an array of choice rules, got an object".into())]
    );

    // Next is only for top-level rules.
    let e = parse_rule(&json!({"Variable": "$.a", "IsNull": true, "Next": "N"}))
        .expect_err("nested rule with Next");
    assert_eq!(e[0].0, "/Next");

    // Multiple problems are all reported.
    let e = parse_errors(json!({"And": [
        {"Variable": "$.a", "StringEquals": 1},
        {"Variable": 3, "IsNull": true}
    ]}));
    assert_eq!(e.len(), 3, "{e:?}");
}

#[test]
fn labels_are_short_and_readable() {
    let l = |r: Value| label(&parse_rule(&r).expect("parses"));
    assert_eq!(l(json!({"Variable": "$.status", "StringEquals": "200"})), "$.status == \"200\"");
    assert_eq!(l(json!({"Not": {"Variable": "$.x", "NumericGreaterThan": 3}})), "not ($.x > 3)");
    assert_eq!(l(json!({"Variable": "$.x", "NumericLessThanEqualsPath": "$.y"})), "$.x <= $.y");
    assert_eq!(l(json!({"Variable": "$.a", "IsPresent": true})), "$.a is present");
    assert_eq!(l(json!({"Variable": "$.a", "IsNull": false})), "$.a is not null");
    assert_eq!(l(json!({"Variable": "$.f", "StringMatches": "*.log"})), "$.f like \"*.log\"");
    assert_eq!(
        l(json!({"Or": [
            {"Variable": "$.a", "BooleanEquals": true},
            {"And": [{"Variable": "$.b", "IsString": true}]}
        ]})),
        "$.a == true || ($.b is a string)"
    );
    let long = l(json!({"And": [
        {"Variable": "$.a", "IsPresent": true},
        {"Variable": "$.a", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}
    ]}));
    assert_eq!(long.chars().count(), 40);
    assert!(long.starts_with("$.a is present && $.a > \"2012"), "{long}");
    assert!(long.ends_with('…'));
}

#[test]
fn full_labels_are_never_shortened() {
    let rule = parse_rule(&json!({"And": [
        {"Variable": "$.a", "IsPresent": true},
        {"Variable": "$.a", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}
    ]}))
    .expect("parses");
    assert_eq!(label_full(&rule), "$.a is present && $.a > \"2012-10-09T19:00:55Z\"");
}

#[test]
fn paths_lists_every_path_read() {
    let rule = parse_rule(&json!({"And": [
        {"Variable": "$.a", "IsPresent": true},
        {"Not": {"Variable": "$$.Execution.Id", "StringEqualsPath": "$v.id"}},
        {"Or": [{"Variable": "$.c", "NumericEquals": 1}]}
    ]}))
    .expect("parses");
    assert_eq!(paths(&rule), vec!["$.a", "$$.Execution.Id", "$v.id", "$.c"]);
}

#[test]
fn every_operator_round_trips_through_its_field_name() {
    for op in Operator::ALL {
        assert_eq!(Operator::from_field(op.name()), Some((op, false)));
        let path_field = format!("{}Path", op.name());
        let expected = op.has_path_form().then_some((op, true));
        assert_eq!(Operator::from_field(&path_field), expected, "{path_field}");
    }
    assert_eq!(Operator::from_field("Variable"), None);
    assert_eq!(Operator::from_field("Path"), None);
}
