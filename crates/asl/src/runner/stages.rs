//! A recorded state's data flow as a list of stages, in the order the runner computes them,
//! each named by the field that produced it (the console's data flow simulator's view), and
//! what changed from one stage to the next. The app's "Data flow" and "Test state" panels
//! draw these; the rules of which stages a state type has live here, beside the recorder.
//!
//! - JSONPath: input → `InputPath` → (Map: `ItemsPath` → `ItemSelector` → `ItemBatcher`) →
//!   `Parameters` → result → `ResultSelector` → `ResultPath` → `OutputPath` (the output).
//! - JSONata: `$states.input` → `Arguments` (Map: `ItemSelector` → `ItemBatcher`) → result
//!   → `Output`; `Assign`'s variables are the visit's `variables`.

use serde_json::Value;

use crate::runner::trace::StateTrace;

/// One stage of a state's data flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// A stable key (`input`, `afterInputPath`, …: TestState's `inspectionData` names).
    pub key: &'static str,
    /// The field that produced it (`InputPath`, `Parameters`, …), or what it is (`Input`,
    /// `Result`).
    pub field: &'static str,
    pub value: StageValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StageValue {
    /// The value this stage computed.
    Computed(Value),
    /// The field is not set: the data goes on as the stage before left it.
    Unchanged,
    /// The state did not get this far (it failed, or is still running).
    NotReached,
}

/// The stages of a state of type `state_type` (AWS's name) in `trace`.
pub fn stages(trace: &StateTrace, state_type: &str, jsonata: bool) -> Vec<Stage> {
    type Pick = fn(&StateTrace) -> &Option<Value>;
    let input: (&str, &str, Pick) = if jsonata {
        ("input", "$states.input", |t| &t.input)
    } else {
        ("input", "Input", |t| &t.input)
    };
    let input_path: (&str, &str, Pick) = ("afterInputPath", "InputPath", |t| &t.after_input_path);
    let parameters: (&str, &str, Pick) = ("afterParameters", "Parameters", |t| &t.after_parameters);
    let arguments: (&str, &str, Pick) = ("afterArguments", "Arguments", |t| &t.after_arguments);
    // JSONPath only: a JSONata Map's `Items` value is not recorded (nor in TestState's
    // `inspectionData`).
    let items: (&str, &str, Pick) = ("afterItemsPath", "ItemsPath", |t| &t.after_items_path);
    let selector: (&str, &str, Pick) =
        ("afterItemSelector", "ItemSelector", |t| &t.after_item_selector);
    let batcher: (&str, &str, Pick) =
        ("afterItemBatcher", "ItemBatcher", |t| &t.after_item_batcher);
    let result: (&str, &str, Pick) = ("result", "Result", |t| &t.result);
    let result_selector: (&str, &str, Pick) =
        ("afterResultSelector", "ResultSelector", |t| &t.after_result_selector);
    let result_path: (&str, &str, Pick) =
        ("afterResultPath", "ResultPath", |t| &t.after_result_path);
    let output: (&str, &str, Pick) = if jsonata {
        ("output", "Output", |t| &t.output)
    } else {
        ("output", "OutputPath", |t| &t.output)
    };
    let list: Vec<(&str, &str, Pick)> = match (state_type, jsonata) {
        ("Task" | "Parallel", false) => {
            vec![input, input_path, parameters, result, result_selector, result_path, output]
        }
        ("Pass", false) => vec![input, input_path, parameters, result, result_path, output],
        ("Map", false) => vec![
            input,
            input_path,
            items,
            selector,
            batcher,
            result,
            result_selector,
            result_path,
            output,
        ],
        ("Choice" | "Wait" | "Succeed", false) => vec![input, input_path, output],
        ("Task" | "Parallel", true) => vec![input, arguments, result, output],
        ("Map", true) => vec![input, selector, batcher, result, output],
        ("Fail", _) => vec![input],
        (_, true) => vec![input, output],
        _ => vec![input, output],
    };
    // A stage without a value before the last one reached was skipped (its field is not
    // set); one after it was not reached.
    let reached = list.iter().rposition(|(_, _, pick)| pick(trace).is_some());
    list.into_iter()
        .enumerate()
        .map(|(i, (key, field, pick))| {
            let value = match pick(trace) {
                Some(v) => StageValue::Computed(v.clone()),
                None if reached.is_some_and(|r| i < r) => StageValue::Unchanged,
                None => StageValue::NotReached,
            };
            Stage { key, field, value }
        })
        .collect()
}

/// A TestState response's `inspectionData` (stages as JSON text) read back into a trace, so
/// that [`stages`] draws a tested state as it draws an execution's visit. The output is the
/// response's; a stage whose text does not parse is left out.
pub fn trace_of_test_state(response: &crate::test_state::TestStateResponse) -> StateTrace {
    let data = &response.inspection_data;
    let read = |key: &str| {
        data.get(key).and_then(Value::as_str).and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    StateTrace {
        input: read("input"),
        after_input_path: read("afterInputPath"),
        after_parameters: read("afterParameters"),
        after_arguments: read("afterArguments"),
        result: read("result"),
        after_result_selector: read("afterResultSelector"),
        after_result_path: read("afterResultPath"),
        after_items_path: read("afterItemsPath"),
        after_item_selector: read("afterItemSelector"),
        after_item_batcher: read("afterItemBatcher"),
        variables: match read("variables") {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        },
        output: response.output.clone(),
        ..StateTrace::default()
    }
}

/// What changed at a path from one value to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One change between two values: `path` is JSONPath-like (`$.a.b[0]`, `$` for the whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
}

/// At most this many changes are listed (a stage that replaces a large value is one change).
pub const MAX_CHANGES: usize = 50;

/// The changes from `before` to `after`: added, removed and changed object keys (to any
/// depth), array elements by index, and a whole value replaced by one of another kind. An
/// explicit stack walks the values (no recursion on user data); at most [`MAX_CHANGES`].
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value, &Value)> = vec![("$".to_string(), before, after)];
    while let Some((path, b, a)) = stack.pop() {
        if out.len() >= MAX_CHANGES {
            break;
        }
        match (b, a) {
            (Value::Object(bo), Value::Object(ao)) => {
                let mut here = Vec::new();
                for (k, bv) in bo {
                    let p = member_path(&path, k);
                    match ao.get(k) {
                        None => out.push(Change { path: p, kind: ChangeKind::Removed }),
                        Some(av) if av != bv => here.push((p, bv, av)),
                        Some(_) => {}
                    }
                }
                for k in ao.keys().filter(|k| !bo.contains_key(*k)) {
                    out.push(Change { path: member_path(&path, k), kind: ChangeKind::Added });
                }
                stack.extend(here.into_iter().rev());
            }
            (Value::Array(ba), Value::Array(aa)) => {
                let mut here = Vec::new();
                for (i, (bv, av)) in ba.iter().zip(aa).enumerate() {
                    if bv != av {
                        here.push((format!("{path}[{i}]"), bv, av));
                    }
                }
                for i in aa.len()..ba.len() {
                    out.push(Change { path: format!("{path}[{i}]"), kind: ChangeKind::Removed });
                }
                for i in ba.len()..aa.len() {
                    out.push(Change { path: format!("{path}[{i}]"), kind: ChangeKind::Added });
                }
                stack.extend(here.into_iter().rev());
            }
            _ if b != a => out.push(Change { path, kind: ChangeKind::Changed }),
            _ => {}
        }
    }
    out.truncate(MAX_CHANGES);
    out
}

fn member_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}['{}']", key.replace('\'', "\\'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_added_removed_and_changed_paths() {
        let changes = diff(
            &json!({"a": 1, "b": {"c": 2, "d": [1, 2]}, "gone": true}),
            &json!({"a": 1, "b": {"c": 3, "d": [1]}, "new key": 0}),
        );
        let listed: Vec<(String, ChangeKind)> =
            changes.into_iter().map(|c| (c.path, c.kind)).collect();
        assert_eq!(
            listed,
            vec![
                ("$.gone".to_string(), ChangeKind::Removed),
                ("$['new key']".to_string(), ChangeKind::Added),
                ("$.b.c".to_string(), ChangeKind::Changed),
                ("$.b.d[1]".to_string(), ChangeKind::Removed),
            ]
        );
        assert_eq!(diff(&json!("x"), &json!({"x": 1}))[0].kind, ChangeKind::Changed);
        assert!(diff(&json!({"a": [1]}), &json!({"a": [1]})).is_empty());
    }

    #[test]
    fn diff_is_bounded() {
        let many: serde_json::Map<String, Value> =
            (0..500).map(|i| (format!("k{i}"), json!(i))).collect();
        assert_eq!(diff(&json!({}), &Value::Object(many)).len(), MAX_CHANGES);
    }

    #[test]
    fn skipped_and_unreached_stages() {
        let trace = StateTrace {
            state: "T".into(),
            input: Some(json!({"a": 1})),
            after_input_path: Some(json!({"a": 1})),
            after_parameters: Some(json!({"a": 1})),
            result: Some(json!(2)),
            after_result_path: Some(json!({"a": 1, "r": 2})),
            ..StateTrace::default()
        };
        let s = stages(&trace, "Task", false);
        let fields: Vec<&str> = s.iter().map(|s| s.field).collect();
        assert_eq!(
            fields,
            [
                "Input",
                "InputPath",
                "Parameters",
                "Result",
                "ResultSelector",
                "ResultPath",
                "OutputPath"
            ]
        );
        assert_eq!(s[4].value, StageValue::Unchanged);
        assert_eq!(s[6].value, StageValue::NotReached);
    }
}
