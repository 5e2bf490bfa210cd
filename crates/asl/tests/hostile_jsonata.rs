//! Hostile JSONata: expressions that recurse forever, build huge values or nest deeply must fail
//! the state with `States.QueryEvaluationError` and a cause naming the limit hit, without
//! hanging, exhausting memory or overflowing the stack. Each probe runs a whole execution on a
//! thread with wasm32's default 1 MiB stack, under a generous harness time-out.
//! See docs/decisions/0009-bounded-jsonata.md.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use asl::{Execution, ExecutionConfig, ExecutionStatus, StateMachine};
use serde_json::{json, Value};

/// What the execution ended with: status, error, cause, output.
type Outcome = (ExecutionStatus, Option<String>, Option<String>, Option<Value>);

/// Runs `definition` on a 1 MiB stack; panics if it does not finish within 60 s.
fn run(definition: Value, input: Value) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("hostile".into())
        .stack_size(1 << 20)
        .spawn(move || {
            let machine = StateMachine::from_value(&definition).expect("valid definition");
            let mut exec = Execution::start(
                Arc::new(machine),
                ExecutionConfig { input, state_machine_name: "SM".into(), ..Default::default() },
            );
            exec.run_to_completion();
            let d = exec.describe();
            let _ = tx.send((d.status, d.error.clone(), d.cause.clone(), d.output.clone()));
        })
        .expect("spawn");
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(outcome) => {
            let _ = worker.join();
            outcome
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the execution did not finish in 60 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("the execution thread died: {:?}", worker.join().err())
        }
    }
}

/// A JSONata Pass state whose Output is `expr`.
fn output(expr: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": format!("{{% {expr} %}}"), "End": true}
    }})
}

/// Asserts a failed execution with `States.QueryEvaluationError` whose cause names the limit.
#[track_caller]
fn assert_budget(outcome: Outcome, limit: &str) {
    let (status, error, cause, _) = outcome;
    let cause = cause.unwrap_or_default();
    assert_eq!(status, ExecutionStatus::Failed, "cause: {cause}");
    assert_eq!(error.as_deref(), Some("States.QueryEvaluationError"), "cause: {cause}");
    assert!(cause.contains("Evaluation budget exceeded: "), "cause: {cause}");
    assert!(cause.contains(limit), "expected {limit:?} in the cause: {cause}");
}

const STEPS: &str = "more than 4000000 evaluation steps";
const DEPTH: &str = "recursion deeper than 400 levels";
const STRING: &str = "a string longer than 1048576 bytes";
const ITEMS: &str = "an array of more than 524288 items";
const TOTAL: &str = "bytes of values built in total";
const NESTED: &str = "a result nested deeper than 100 levels";
const RESULT: &str = "a result larger than 4194304 bytes";

#[test]
fn endless_tail_recursion_runs_out_of_steps() {
    assert_budget(run(output("($f := function($n){$f($n+1)}; $f(0))"), json!({})), STEPS);
}

#[test]
fn endless_non_tail_recursion_runs_out_of_depth() {
    assert_budget(run(output("($f := function($n){1 + $f($n+1)}; $f(0))"), json!({})), DEPTH);
}

#[test]
fn endless_mutual_recursion_runs_out_of_depth() {
    let expr = "($a := function($n){ 1 + $b($n+1) }; $b := function($n){ $a($n+1) * 2 }; $a(0))";
    assert_budget(run(output(expr), json!({})), DEPTH);
}

#[test]
fn recursion_through_higher_order_functions_runs_out_of_depth() {
    for expr in [
        "($f := function($n){ $sum($map([1], function($v){ $f($n + 1) })) }; $f(0))",
        "($f := function($n){ $reduce([1, 2], function($a, $b){ $f($n + 1) }) }; $f(0))",
        "($f := function($n){ $count($filter([1], function($v){ $f($n + 1) })) }; $f(0))",
        "($f := function($n){ $sort([1, 2], function($a, $b){ $f($n + 1) }) }; $f(0))",
    ] {
        assert_budget(run(output(expr), json!({})), DEPTH);
    }
}

#[test]
fn endless_mutual_tail_recursion_runs_out_of_steps() {
    let expr = "($a := function($n){ $b($n+1) }; $b := function($n){ $a($n+1) }; $a(0))";
    assert_budget(run(output(expr), json!({})), STEPS);
}

#[test]
fn recursion_in_arguments_assign_items_and_inside_a_map() {
    let rec = "{% ($f := function($n){1 + $f($n+1)}; $f(0)) %}";
    // Task Arguments: the evaluation fails before anything is invoked.
    let task = json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": rec}, "End": true}
    }});
    assert_budget(run(task, json!({})), DEPTH);
    let assign = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"x": rec}, "End": true}
    }});
    assert_budget(run(assign, json!({})), DEPTH);
    let items = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": rec, "ItemProcessor": {"StartAt": "I", "States": {
            "I": {"Type": "Pass", "End": true}}}, "End": true}
    }});
    assert_budget(run(items, json!({})), DEPTH);
    let inside = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": [1, 2], "ItemProcessor": {"StartAt": "I", "States": {
            "I": {"Type": "Pass", "Output": "{% ($f := function($n){$f($n+1)}; $f(0)) %}",
                  "End": true}}}, "End": true}
    }});
    assert_budget(run(inside, json!({})), STEPS);
}

#[test]
fn padding_to_a_huge_width_is_refused_before_it_is_built() {
    assert_budget(run(output("$pad(\"x\", 1e9)"), json!({})), STRING);
    assert_budget(run(output("$pad(\"x\", -1e9, \"é\")"), json!({})), STRING);
}

#[test]
fn huge_formatted_integers_are_refused() {
    assert_budget(run(output("$formatInteger(1e300, \"I\")"), json!({})), STRING);
}

#[test]
fn huge_ranges_are_refused_before_they_are_built() {
    assert_budget(run(output("[1..1e10]"), json!({})), ITEMS);
    assert_budget(run(output("[-9e18..9e18]"), json!({})), ITEMS);
    assert_budget(run(output("$range(0, 9e6, 1)"), json!({})), ITEMS);
    assert_budget(run(output("$count([1..1e5].[1..1e5])"), json!({})), TOTAL);
    assert_budget(run(output("$count([1..1e5].[1..1e5].[1..1e5])"), json!({})), TOTAL);
}

#[test]
fn functions_over_huge_values_are_refused() {
    assert_budget(run(output("$join([1..1e7].$string())"), json!({})), ITEMS);
    assert_budget(run(output("$sort([1..1e7])"), json!({})), ITEMS);
    assert_budget(run(output("$join([1..4e5].$string(), \"----\")"), json!({})), STRING);
    let doubling = "$reduce([1..64], function($a, $b){ $a & $a }, \"x\")";
    assert_budget(run(output(doubling), json!({})), STRING);
    assert_budget(run(output(&format!("$substring({doubling}, 0, 3)")), json!({})), STRING);
}

#[test]
fn shared_values_are_counted_each_time_they_appear() {
    // Each step doubles a value that shares its halves: 2^60 leaves in 60 steps.
    let dag = r#"$reduce([1..60], function($a, $b){ {"l": $a, "r": $a} }, 1)"#;
    assert_budget(run(output(&format!("$string({dag})")), json!({})), STRING);
    assert_budget(run(output(dag), json!({})), RESULT);
}

#[test]
fn deeply_nested_results_are_refused() {
    for depth in [100, 10_000, 20_000] {
        let expr = format!("$reduce([1..{depth}], function($a, $b){{ {{\"x\": $a}} }}, {{}})");
        assert_budget(run(output(&expr), json!({})), NESTED);
    }
}

#[test]
fn nesting_within_the_limit_still_works() {
    let (status, error, cause, out) =
        run(output("$reduce([1..99], function($a, $b){ {\"x\": $a} }, {})"), json!({}));
    assert_eq!(status, ExecutionStatus::Succeeded, "{error:?} {cause:?}");
    let mut depth = 0;
    let mut v = out.as_ref();
    while let Some(Value::Object(map)) = v {
        depth += 1;
        v = map.get("x");
    }
    assert_eq!(depth, 100);
}

#[test]
fn ordinary_work_stays_within_the_budget() {
    let (status, error, cause, out) =
        run(output("$count($filter([1..100000], function($v){ $v % 7 = 0 }))"), json!({}));
    assert_eq!(status, ExecutionStatus::Succeeded, "{error:?} {cause:?}");
    assert_eq!(out, Some(json!(14285)));
    let (status, error, cause, out) = run(
        output("($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(100) > 9e157)"),
        json!({}),
    );
    assert_eq!(status, ExecutionStatus::Succeeded, "{error:?} {cause:?}");
    assert_eq!(out, Some(json!(true)));
}

#[test]
fn numbers_too_large_to_format_are_an_error_not_inf() {
    let (status, error, cause, _) = run(output("$formatNumber(1e308, '#,##0.00')"), json!({}));
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(error.as_deref(), Some("States.QueryEvaluationError"));
    let cause = cause.unwrap_or_default();
    assert!(
        cause.ends_with(
            "U1102: The number 1e+308 is too large for $formatNumber to write with the picture \
             '#,##0.00'"
        ),
        "cause: {cause}"
    );
    // Literal text in the picture is kept as written.
    let (status, _, _, out) = run(output("$formatNumber(12, '0 info')"), json!({}));
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(out, Some(json!("12 info")));
    // Words for a huge number stay within the budget.
    let (status, error, cause, _) = run(output("$formatInteger(1e300, 'w')"), json!({}));
    assert!(
        status == ExecutionStatus::Succeeded
            || error.as_deref() == Some("States.QueryEvaluationError"),
        "{error:?} {cause:?}"
    );
}

/// `$x`: 2^60 leaves in 60 steps, each level an object sharing one value twice.
fn with_dag(expr: &str) -> String {
    format!(r#"($x := $reduce([1..60], function($a, $b){{ {{"l": $a, "r": $a}} }}, 1); {expr})"#)
}

#[test]
fn walks_over_shared_values_stop_with_the_budget() {
    // Equality, descendants, $distinct, sorting comparisons and `&` walk the value.
    let second = r#"$reduce([1..60], function($a, $b){ {"l": $a, "r": $a} }, 1)"#;
    assert_budget(run(output(&with_dag(&format!("$x = {second}"))), json!({})), STEPS);
    assert_budget(run(output(&with_dag("$count($x.**)")), json!({})), STEPS);
    assert_budget(run(output(&with_dag("$count($distinct([$x, $x]))")), json!({})), STEPS);
    let sort = "$sort([$x, $x], function($a, $b){ $a.l = $b.l })";
    assert_budget(run(output(&with_dag(sort)), json!({})), STEPS);
    assert_budget(run(output(&with_dag("$x & \"\"")), json!({})), STEPS);
    assert_budget(
        run(
            output(&with_dag("$count($x.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*)")),
            json!({}),
        ),
        ITEMS,
    );
    // Arrays nested with `[[…]]` share the same way; flattening them stops too.
    let arrays = "$count($reduce([1..60], function($a, $b){ [[$a], [$a]] }, [1]).*)";
    assert_budget(run(output(arrays), json!({})), STEPS);
}

#[test]
fn quadratic_builtins_stop_with_the_budget() {
    assert_budget(run(output("$count($distinct([1..500000]))"), json!({})), STEPS);
}

#[test]
fn replacements_that_grow_the_string_are_bounded() {
    let big_a = r#"$pad("", 100000, "a")"#;
    let big_b = r#"$pad("", 100000, "b")"#;
    for expr in [
        format!(r#"$replace({big_a}, "a", {big_b})"#),
        format!("$replace({big_a}, /a/, {big_b})"),
        format!("$replace({big_a}, /a/, function($m){{ {big_b} }})"),
    ] {
        assert_budget(run(output(&expr), json!({})), STRING);
    }
}

#[test]
fn deeply_nested_expression_text_is_a_syntax_error() {
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let parens = format!("{}1{}", "(".repeat(700), ")".repeat(700));
            let arrays = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
            [parens, arrays].map(|expr| asl::jsonata::check_syntax(&expr))
        })
        .expect("spawn");
    for outcome in worker.join().expect("no panic") {
        let message = outcome.expect_err("too deep to parse");
        assert!(message.contains("U1002"), "{message}");
    }
}
