//! How definition text at the edges is received: deep nesting (the engine's own nesting check
//! must be the one a deep state machine meets, and absurd depths must fail cleanly even on a
//! small stack) and a UTF-8 byte order mark.

use asl::{validate, StateMachine};

/// Runs `f` on a thread with a 1 MiB stack (what a browser worker or a small thread gets), so a
/// recursion a definition could drive would overflow here rather than pass on the 8 MiB main
/// thread. A generous bound turns a hang into a failure.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    on_stack(1 << 20, f)
}

fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(std::time::Duration::from_secs(60)).expect("finished within 60 s")
}

/// `levels` Parallel states, each the only state of the previous one's only branch.
fn nested_parallels(levels: usize) -> String {
    let mut text = String::from(r#"{"Type": "Pass", "End": true}"#);
    for _ in 0..levels {
        text = format!(
            r#"{{"Type": "Parallel", "End": true, "Branches": [{{"StartAt": "S", "States": {{"S": {text}}}}}]}}"#
        );
    }
    format!(r#"{{"StartAt": "S", "States": {{"S": {text}}}}}"#)
}

#[test]
fn deep_parallels_meet_the_engines_nesting_check_with_a_position() {
    // 32 levels used to stop at serde_json's recursion limit ("Invalid JSON: recursion limit
    // exceeded"); they are within the engine's limit (40) and valid.
    // The model's parser spends about 30 KiB of stack per Parallel level in a debug build, so
    // these run on a main thread's 8 MiB.
    let ok = nested_parallels(32);
    assert!(on_stack(8 << 20, move || StateMachine::from_text(&ok).is_ok()));
    let deep = nested_parallels(41);
    let diagnostics = on_stack(8 << 20, move || validate(&deep).diagnostics);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, "TOO_DEEPLY_NESTED");
    assert_eq!(d.message, "Parallel and Map states may nest at most 40 levels deep");
    assert!(d.location.ends_with("/Branches/0"), "{}", d.location);
    assert_eq!(d.line, Some(1));
    assert!(d.column.is_some_and(|c| c > 1000), "{:?}", d.column);
}

#[test]
fn absurd_depths_are_refused_without_recursing() {
    for (open, close) in [("[", "]"), (r#"{"a":"#, "}")] {
        let text = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let diagnostics = on_small_stack(move || validate(&text).diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "INVALID_JSON_DESCRIPTION");
        assert_eq!(
            diagnostics[0].message,
            "Invalid JSON: arrays and objects nest more than 256 levels deep"
        );
        // The first bracket past the limit.
        let column = 257 * open.chars().count() - open.chars().count() + 1;
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (Some(1), Some(column as u32)));
    }
    // Unclosed brackets too, and brackets inside strings do not count.
    let unclosed = "[".repeat(1_000_000);
    assert_eq!(on_small_stack(move || validate(&unclosed).diagnostics.len()), 1);
    let in_strings = format!(
        r#"{{"StartAt": "S", "Comment": "{}", "States": {{"S": {{"Type": "Pass", "End": true}}}}}}"#,
        "[{".repeat(10_000)
    );
    assert!(on_small_stack(move || StateMachine::from_text(&in_strings).is_ok()));
}

#[test]
fn json_at_the_depth_limit_is_accepted_on_a_small_stack() {
    // A Pass Result nested right up to the limit goes through parsing, the source map, the
    // model, validation and `Drop` on a 1 MiB stack.
    let depth = 256 - 4; // the root, States, S and Result itself
    let result = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let text = format!(
        r#"{{"StartAt": "S", "States": {{"S": {{"Type": "Pass", "Result": {{"r": {result}}}, "End": true}}}}}}"#
    );
    let outcome = on_small_stack(move || validate(&text).diagnostics);
    assert!(outcome.is_empty(), "{outcome:?}");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text =
        "\u{feff}{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Pass\", \"End\": true}}}";
    assert!(StateMachine::from_text(text).is_ok());
    // Positions are counted after the mark, as an editor shows them.
    let bad = "\u{feff}{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Nope\"}}}";
    let d = validate(bad).diagnostics;
    assert_eq!(d[0].line, Some(1));
    assert_eq!(d[0].column, Some(35), "{d:?}");
}
