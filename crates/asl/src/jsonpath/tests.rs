//! Unit tests for JSONPath: definite and indefinite selection, Jayway's error messages,
//! writing at reference paths, parse errors and scopes.

use serde_json::{json, Value};

use super::*;

fn sel(path: &str, doc: &Value) -> Option<Value> {
    JsonPath::parse(path).unwrap().select(doc)
}

fn doc() -> Value {
    json!({
        "store": {
            "book": [
                {"title": "A", "price": 8, "tags": ["x"]},
                {"title": "B", "price": 12.5},
                {"title": "C", "price": 20, "isbn": "1"}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "a b": 1,
        "n": null
    })
}

#[test]
fn definite_paths() {
    let d = doc();
    assert_eq!(sel("$", &d), Some(d.clone()));
    assert_eq!(sel("$.store.bicycle.color", &d), Some(json!("red")));
    assert_eq!(sel("$['a b']", &d), Some(json!(1)));
    assert_eq!(sel("$.store.book[0].title", &d), Some(json!("A")));
    assert_eq!(sel("$.store.book[-1].title", &d), Some(json!("C")));
    assert_eq!(sel("$.n", &d), Some(Value::Null));
    assert_eq!(sel("$.missing", &d), None);
    assert_eq!(sel("$.store.book[7]", &d), None);
    assert_eq!(sel("$.store.book.length()", &d), Some(json!(3)));
    let p = JsonPath::parse("$.store.book[0]").unwrap();
    assert!(p.is_definite() && p.is_reference_path());
}

#[test]
fn indefinite_paths() {
    let d = doc();
    assert_eq!(sel("$.store.book[*].title", &d), Some(json!(["A", "B", "C"])));
    assert_eq!(sel("$.store.book[1:3].title", &d), Some(json!(["B", "C"])));
    assert_eq!(sel("$.store.book[-1:].title", &d), Some(json!(["C"])));
    assert_eq!(sel("$.store.book[:1].title", &d), Some(json!(["A"])));
    assert_eq!(sel("$.store.book[0,2].title", &d), Some(json!(["A", "C"])));
    assert_eq!(sel("$..price", &d), Some(json!([8, 12.5, 20, 19.95])));
    assert_eq!(sel("$.store.book[?(@.price > 10)].title", &d), Some(json!(["B", "C"])));
    assert_eq!(
        sel("$.store.book[?(@.price >= 8 && @.title != 'C')].title", &d),
        Some(json!(["A", "B"]))
    );
    assert_eq!(
        sel("$.store.book[?(@.price < 9 || @.title == \"C\")].title", &d),
        Some(json!(["A", "C"]))
    );
    assert_eq!(sel("$.store.book[?(@.isbn)].title", &d), Some(json!(["C"])));
    assert_eq!(sel("$.items[*]", &json!({})), Some(json!([])));
    assert_eq!(sel("$.item.items[1:5].itemValue", &json!({})), Some(json!([])));
    assert!(!JsonPath::parse("$..a").unwrap().is_definite());
    assert!(!JsonPath::parse("$.a[*]").unwrap().is_reference_path());
}

#[test]
fn jayway_error_messages() {
    let d = json!({"int-literal": 0});
    let err = JsonPath::parse("$.NoSuchInputPath").unwrap().evaluate(&d).unwrap_err();
    assert_eq!(err.message, "No results for path: $['NoSuchInputPath']");
    let err = JsonPath::parse("$.no.such.result.path").unwrap().evaluate(&json!({}));
    assert_eq!(err.unwrap_err().message, "Missing property in path $['no']");
}

#[test]
fn backslash_in_bracket_names_is_kept() {
    // Recorded: `$['Test\""Name"']` selects the key `Test\""Name"`.
    let d = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(sel("$['Test\\\"\"Name\"']", &d), Some(json!("Value\"\\")));
}

#[test]
fn set_creates_objects() {
    let mut d = json!({"a": 1});
    JsonPath::parse("$.b.c").unwrap().set(&mut d, json!(2)).unwrap();
    assert_eq!(d, json!({"a": 1, "b": {"c": 2}}));
    let mut d = json!({"a": [1, 2]});
    JsonPath::parse("$.a[1]").unwrap().set(&mut d, json!("x")).unwrap();
    assert_eq!(d, json!({"a": [1, "x"]}));
    let mut d = json!("str");
    assert!(JsonPath::parse("$.a").unwrap().set(&mut d, json!(1)).is_err());
    let mut d = json!({});
    JsonPath::parse("$").unwrap().set(&mut d, json!(5)).unwrap();
    assert_eq!(d, json!(5));
}

#[test]
fn parse_errors() {
    for bad in ["", "a", "$.", "$[", "$['a'", "$[abc]", "$.a)"] {
        assert!(JsonPath::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn scopes() {
    let input = json!({"a": 1});
    let ctx = json!({"Execution": {"Name": "e"}});
    let vars = |name: &str| (name == "x").then(|| json!({"y": [10, 20]}));
    let scope = Scope { input: &input, context: &ctx, variables: Some(&vars) };
    assert_eq!(select_in(&scope, "$.a").unwrap(), Some(json!(1)));
    assert_eq!(select_in(&scope, "$$.Execution.Name").unwrap(), Some(json!("e")));
    assert_eq!(select_in(&scope, "$$").unwrap(), Some(ctx.clone()));
    assert_eq!(select_in(&scope, "$x.y[1]").unwrap(), Some(json!(20)));
    assert_eq!(select_in(&scope, "$x").unwrap(), Some(json!({"y": [10, 20]})));
    assert_eq!(select_in(&scope, "$nope").unwrap(), None);
}
