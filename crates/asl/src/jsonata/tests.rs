use super::*;
use serde_json::json;

fn no_vars(_: &str) -> Option<Value> {
    None
}

fn eval_with(expr: &str, states: &Value) -> Result<Option<Value>, EvalError> {
    let b = Bindings { states, variables: &no_vars, now_ms: 1_700_000_000_123 };
    evaluate(expr, &b, &mut Random::new(1))
}

fn eval(expr: &str) -> Option<Value> {
    match eval_with(expr, &json!({"input": {"a": [1, 2, 3], "s": "x"}})) {
        Ok(v) => v,
        Err(e) => panic!("{expr}: {e}"),
    }
}

fn eval_err(expr: &str) -> String {
    match eval_with(expr, &json!({"input": {}})) {
        Ok(v) => panic!("{expr}: expected an error, got {v:?}"),
        Err(e) => e.message,
    }
}

#[test]
fn core_language_paths_predicates_functions_regex_lambdas() {
    assert_eq!(eval("1 + 2"), Some(json!(3)));
    assert_eq!(eval("$states.input.a[1]"), Some(json!(2)));
    assert_eq!(eval("$states.input.a[$ > 1]"), Some(json!([2, 3])));
    assert_eq!(eval("$sum($states.input.a)"), Some(json!(6)));
    assert_eq!(eval("$map($states.input.a, function($v) { $v * 2 })"), Some(json!([2, 4, 6])));
    assert_eq!(eval("$contains('abc', /b/)"), Some(json!(true)));
    assert_eq!(eval("0.5 * 3"), Some(json!(1.5)));
    assert_eq!(eval("{'k': $states.input.s}"), Some(json!({"k": "x"})));
    assert_eq!(eval("$states.input.missing"), None);
}

#[test]
fn variables_are_bound_by_name_and_unknown_ones_are_undefined() {
    let vars = |name: &str| match name {
        "x" => Some(json!(41)),
        "list" => Some(json!(["a", "b"])),
        _ => None,
    };
    let states = json!({"input": {}});
    let b = Bindings { states: &states, variables: &vars, now_ms: 0 };
    let mut r = Random::new(1);
    assert_eq!(evaluate("$x + 1", &b, &mut r), Ok(Some(json!(42))));
    assert_eq!(evaluate("$list[1]", &b, &mut r), Ok(Some(json!("b"))));
    assert_eq!(evaluate("$doesNotExist", &b, &mut r), Ok(None));
    // a `$` inside a string literal is text, and local bindings shadow variables
    assert_eq!(evaluate("'$x'", &b, &mut r), Ok(Some(json!("$x"))));
    assert_eq!(evaluate("($x := 1; $x)", &b, &mut r), Ok(Some(json!(1))));
}

#[test]
fn check_syntax_reports_parser_errors() {
    assert_eq!(check_syntax("$states.input.a[0]"), Ok(()));
    let e = check_syntax("$states.input.a[").unwrap_err();
    assert!(e.starts_with('S'), "{e}");
    assert!(check_syntax("1 +").is_err());
}

#[test]
fn a_compiled_expression_reports_the_same_syntax_error() {
    for text in ["$states.input.a[0]", "$states.input.a[", "1 +"] {
        assert_eq!(Expression::compile(text).syntax_error(), check_syntax(text).err(), "{text}");
    }
}

#[test]
fn field_errors_use_aws_cause_texts() {
    let states = json!({"input": {"FunctionInput": {"fst": "fst"}}});
    let b = Bindings { states: &states, variables: &no_vars, now_ms: 0 };
    let mut r = Random::new(1);
    let e = evaluate_field("$doesNotExist", "Arguments/FunctionName", &b, &mut r).unwrap_err();
    assert_eq!(
        e.message,
        "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' \
         returned nothing (undefined)."
    );
    let e = evaluate_field(
        "$randomSeeded($states.input.FunctionInput.fst)",
        "Output/FunctionResult",
        &b,
        &mut r,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for \
         the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to \
         invoke a non-function"
    );
    assert_eq!(
        unexpected_type("$ItemsVar", "Items", "array", &json!(true)).message,
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an \
         unexpected result type. Expected 'array', but was 'boolean' for value: true"
    );
}

#[test]
fn resolve_replaces_templates_at_any_depth_and_keeps_literals() {
    let states = json!({"input": {"n": 2, "name": "f"}});
    let b = Bindings { states: &states, variables: &no_vars, now_ms: 0 };
    let mut r = Random::new(1);
    let template = json!({
        "FunctionName": "{% $states.input.name %}",
        "Literal": "plain {% not a template",
        "Nested": {"List": [1, "{%$states.input.n * 10%}", {"x": null}]},
        "Flag": true
    });
    assert_eq!(
        resolve(&template, "Arguments", &b, &mut r),
        Ok(json!({
            "FunctionName": "f",
            "Literal": "plain {% not a template",
            "Nested": {"List": [1, 20, {"x": null}]},
            "Flag": true
        }))
    );
    assert_eq!(resolve(&json!("{% 1 + 1 %}"), "Output", &b, &mut r), Ok(json!(2)));
    assert_eq!(resolve(&json!([]), "Output", &b, &mut r), Ok(json!([])));
    let e = resolve(&json!({"FunctionName": "{% $doesNotExist %}"}), "Arguments", &b, &mut r);
    assert_eq!(
        e.unwrap_err().message,
        "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' \
         returned nothing (undefined)."
    );
    let e = resolve(&json!("{% $doesNotExist %}"), "Arguments", &b, &mut r).unwrap_err();
    assert!(e.message.contains("for the field 'Arguments' returned nothing"), "{e}");
    let e = resolve(&json!({"L": ["{% $x %}"]}), "Output", &b, &mut r).unwrap_err();
    assert!(e.message.contains("'Output/L/0'"), "{e}");
}

#[test]
fn partition_matches_aws_recordings() {
    assert_eq!(eval("$partition([0], 2)"), Some(json!([[0]])));
    assert_eq!(eval("$partition([0, 1, 2], 1)"), Some(json!([[0], [1], [2]])));
    assert_eq!(eval("$partition([0, 1, 2], 2)"), Some(json!([[0, 1], [2]])));
    assert_eq!(eval("$partition([0, 1, 2, 3], 5)"), Some(json!([[0, 1, 2, 3]])));
    assert!(eval_err("$partition([1], 0)").contains("positive integer"));
    assert!(eval_err("$partition([1], 'a')").starts_with("T0410"));
}

#[test]
fn range_matches_aws_recordings() {
    assert_eq!(eval("$range(1, 9, 2)"), Some(json!([1, 3, 5, 7, 9])));
    assert_eq!(eval("$range(1, 9, 9)"), Some(json!(1)));
    assert_eq!(eval("$range(5, 1, -2)"), Some(json!([5, 3, 1])));
    assert_eq!(eval("$range(5, 1, 1)"), None);
    assert!(eval_err("$range(1, 2, 0)").contains("must not be zero"));
}

#[test]
fn hash_supports_the_five_algorithms() {
    assert_eq!(eval("$hash('abc', 'MD5')"), Some(json!("900150983cd24fb0d6963f7d28e17f72")));
    assert_eq!(
        eval("$hash('abc', 'SHA-1')"),
        Some(json!("a9993e364706816aba3e25717850c26c9cd0d89d"))
    );
    assert_eq!(
        eval("$hash('abc', 'SHA-256')"),
        Some(json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    );
    let h384 = eval("$hash('abc', 'SHA-384')");
    assert_eq!(h384.as_ref().and_then(Value::as_str).map(str::len), Some(96));
    let h512 = eval("$hash('abc', 'SHA-512')");
    assert_eq!(h512.as_ref().and_then(Value::as_str).map(str::len), Some(128));
    assert!(eval_err("$hash('abc', 'SHA-3')").contains("must be one of"));
}

#[test]
fn parse_reads_json_text() {
    assert_eq!(eval("$parse('\"HelloWorld\"')"), Some(json!("HelloWorld")));
    assert_eq!(eval("$parse('[1, 2, \"HelloWorld\"]')"), Some(json!([1, 2, "HelloWorld"])));
    assert_eq!(eval("$parse('{\"a\": {\"b\": 1}}').a.b"), Some(json!(1)));
    assert!(eval_err("$parse('{oops')").contains("not valid JSON"));
}

#[test]
fn clock_functions_use_the_virtual_time() {
    assert_eq!(eval("$millis()"), Some(json!(1_700_000_000_123_i64)));
    assert_eq!(eval("$now()"), Some(json!("2023-11-14T22:13:20.123Z")));
    assert_eq!(eval("$toMillis($now())"), Some(json!(1_700_000_000_123_i64)));
}

#[test]
fn randomness_comes_from_the_engine_generator() {
    let states = json!({"input": {}});
    let b = Bindings { states: &states, variables: &no_vars, now_ms: 0 };
    let run = |seed: u64| {
        let mut r = Random::new(seed);
        let a = evaluate(
            "{'r': $random(), 'u': $uuid(), 's': $shuffle([1,2,3,4,5,6,7,8])}",
            &b,
            &mut r,
        );
        (a, r.next_u64())
    };
    let (first, after) = run(7);
    assert_eq!(run(7), (first.clone(), after), "same seed, same results and same state after");
    assert_ne!(run(8).0, first);
    let Ok(Some(parts)) = first else { panic!("object expected") };
    let f = parts.get("r").and_then(Value::as_f64).unwrap_or(-1.0);
    assert!((0.0..1.0).contains(&f));
    let uuid = parts.get("u").and_then(Value::as_str).unwrap_or("");
    assert_eq!(uuid.len(), 36);
    let mut shuffled: Vec<i64> = match parts.get("s") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    };
    shuffled.sort();
    assert_eq!(shuffled, vec![1, 2, 3, 4, 5, 6, 7, 8]);
    // a seed makes $random a pure function of the seed
    assert_eq!(eval("$random(42) = $random(42)"), Some(json!(true)));
    assert_eq!(eval("$random(1) = $random(2)"), Some(json!(false)));
}

#[test]
fn eval_is_not_available() {
    assert_eq!(eval_err("$eval('1 + 1')"), "T1006: Attempted to invoke a non-function");
}

#[test]
fn non_finite_numbers_are_errors_not_panics() {
    assert!(eval_err("1 / 0").starts_with("D1001"));
}

#[test]
fn variable_scan_skips_strings() {
    assert_eq!(referenced_variables("$a + $b.c & '$no' & \"$nope\" & $a"), vec!["a", "b"]);
}

/// Regular expressions run on regex-lite (docs/decisions/0003-regex-lite.md): the JSONata regex
/// functions work, with JavaScript's ASCII-only `\d` and `\w`.
#[test]
fn regex_functions_follow_javascript_classes() {
    assert_eq!(eval("$match('ab12cd345', /\\d+/).match"), Some(json!(["12", "345"])));
    assert_eq!(eval("$replace('a-b-c', /-/, '+')"), Some(json!("a+b+c")));
    assert_eq!(eval("$split('a1b22c', /\\d+/)"), Some(json!(["a", "b", "c"])));
    assert_eq!(eval("$contains('HELLO', /l+/i)"), Some(json!(true)));
    assert_eq!(eval("$match('x=1', /(\\w)=(\\d)/).groups"), Some(json!(["x", "1"])));
    // JavaScript's \w and \d are ASCII: 'é' and '٣' (Arabic-Indic three) do not match.
    assert_eq!(eval("$contains('é', /\\w/)"), Some(json!(false)));
    assert_eq!(eval("$contains('٣', /\\d/)"), Some(json!(false)));
    assert_eq!(eval("$replace('naïve café', /é/, 'e')"), Some(json!("naïve cafe")));
}

#[test]
fn a_call_without_the_dollar_is_a_path_not_the_variable() {
    // jsonata-js evaluates `f` in `f(1)` as a path on the input: never the variable `$f`, and
    // a name that is bound gets T1005's hint (found by the jsonata_intrinsics fuzz target:
    // `f($n - 1)` inside `$f` used to recurse until the evaluation budget ran out).
    assert_eq!(
        eval_err("($f := function($n){ $n + 1 }; f(1))"),
        "T1005: Attempted to invoke a non-function. Did you mean $f?"
    );
    assert_eq!(
        eval_err("($f := function($n){ f($n - 1) }; $f(20))"),
        "T1005: Attempted to invoke a non-function. Did you mean $f?"
    );
    assert_eq!(
        eval_err("sum([1, 2])"),
        "T1005: Attempted to invoke a non-function. Did you mean $sum?"
    );
    assert_eq!(eval_err("g(1)"), "T1006: Attempted to invoke a non-function");
    assert_eq!(eval("($f := function($n){ $n + 1 }; $f(1))"), Some(json!(2)));
    assert_eq!(eval("($g := $uppercase ~> $trim; $g(' a '))"), Some(json!("A")));
}
