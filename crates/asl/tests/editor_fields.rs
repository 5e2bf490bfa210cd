//! The editor's completion reads the engine's field table: `editor/asl-fields.json` must be
//! exactly `asl::definition::fields::table_json()`, and `editor/asl-complete.js` must take its
//! field names from that file rather than from lists of its own.
//!
//! `UPDATE_FIELDS=1` writes the file instead of checking it (`cargo xtask fields` does that).

use std::collections::BTreeSet;
use std::path::PathBuf;

use asl::definition::fields::table_json;
use serde_json::Value;

const REGENERATE: &str = "regenerate it with `cargo xtask fields` \
    (or `UPDATE_FIELDS=1 cargo test -p asl --test editor_fields`) and commit it";

fn editor_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../editor").join(name)
}

/// The file's text: pretty-printed, one trailing newline.
fn rendered() -> String {
    let mut text = serde_json::to_string_pretty(&table_json()).expect("the table serialises");
    text.push('\n');
    text
}

#[test]
fn the_editor_field_table_is_the_engine_s() {
    let path = editor_file("asl-fields.json");
    let expected = rendered();
    if std::env::var_os("UPDATE_FIELDS").is_some() {
        std::fs::write(&path, &expected)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("wrote {}", path.display());
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let first_difference = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        panic!(
            "editor/asl-fields.json differs from asl::definition::fields::table_json() \
             (first at line {}); {REGENERATE}",
            first_difference + 1
        );
    }
}

/// Every string in the table (field names, values, error names, resources).
fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The names the completion logic itself steers by (which object is a state, a retrier, a
/// Map's processor; which value a key takes): all it may spell out.
const STEERING: &[&str] = &[
    "States",
    "StartAt",
    "Type",
    "QueryLanguage",
    "JSONPath",
    "JSONata",
    "Next",
    "End",
    "Default",
    "Resource",
    "Branches",
    "Retry",
    "Catch",
    "Choices",
    "ErrorEquals",
    "Error",
    "ItemProcessor",
    "Iterator",
    "ProcessorConfig",
    "And",
    "Or",
    "Not",
    "JitterStrategy",
    "Mode",
    "ExecutionType",
];

#[test]
fn the_completion_has_no_field_lists_of_its_own() {
    let js = std::fs::read_to_string(editor_file("asl-complete.js")).expect("asl-complete.js");
    assert!(
        js.contains("from \"./asl-fields.json\""),
        "editor/asl-complete.js should import ./asl-fields.json"
    );
    let mut names = BTreeSet::new();
    strings(&table_json(), &mut names);
    let spelled: Vec<&String> = names
        .iter()
        .filter(|n| !STEERING.contains(&n.as_str()))
        .filter(|n| js.contains(&format!("\"{n}\"")) || js.contains(&format!("'{n}'")))
        .collect();
    assert!(
        spelled.is_empty(),
        "editor/asl-complete.js spells out names from the field table: {spelled:?}; \
         read them from asl-fields.json (a new one goes into crates/asl/src/definition/fields.rs)"
    );
}
