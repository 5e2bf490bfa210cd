//! Suite text → [`Suite`]: JSON or YAML, read by the importer's positioned reader
//! ([`crate::import::parse_document`]: the engine's JSON parser, or the YAML reader), so every
//! problem (bad syntax, an unknown field, a wrong type) comes with its line and column in the
//! file as written. Unknown fields are refused: a misspelt expectation must not pass silently.

use serde_json::{Map, Value};

use super::{Case, Expect, Source, StateExpect, Suite, SuiteError, DEFAULT_STATE_MACHINE_NAME};
use crate::import;
use crate::source::{escape_token, SourceMap};

/// The statuses an execution can end (or stay) in, as AWS spells them.
const STATUSES: [&str; 5] = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING"];

/// Parses a suite (JSON, or YAML when the text does not start with `{`) and checks its shape.
pub fn load_suite(text: &str) -> Result<Suite, SuiteError> {
    let syntax = match import::format_of(text) {
        import::Format::Json => "JSON",
        import::Format::Yaml => "YAML",
    };
    let document = import::parse_document(text).map_err(|e| SuiteError {
        message: format!("the suite is not valid {syntax}: {}", e.message),
        position: Some(e.position),
    })?;
    suite_from_value(&document.value, &document.map)
}

/// Builds a suite from a parsed document and its source map (any loader that gives positions
/// by JSON pointer, JSON or YAML, ends here).
pub fn suite_from_value(value: &Value, map: &SourceMap) -> Result<Suite, SuiteError> {
    if let Some(dup) = map.duplicate_keys().first() {
        return Err(at(map, dup, format!("the field {} is given twice", show_pointer(dup))));
    }
    let root = object(value, map, "", "the suite")?;
    known_fields(
        root,
        map,
        "",
        &["definition", "stateMachine", "mockConfig", "stateMachineName", "cases"],
    )?;
    let definition = match root.get("definition") {
        Some(v) => source_of(v, map, "/definition", "definition")?,
        None => return Err(at(map, "", "the suite has no \"definition\"".into())),
    };
    let state_machine = match root.get("stateMachine") {
        Some(v) => Some(string(v, map, "/stateMachine", "stateMachine")?.to_string()),
        None => None,
    };
    let mock_config = match root.get("mockConfig") {
        Some(v) => Some(source_of(v, map, "/mockConfig", "mockConfig")?),
        None => None,
    };
    let state_machine_name = match root.get("stateMachineName") {
        Some(v) => string(v, map, "/stateMachineName", "stateMachineName")?.to_string(),
        None => DEFAULT_STATE_MACHINE_NAME.to_string(),
    };
    let Some(cases_value) = root.get("cases") else {
        return Err(at(map, "", "the suite has no \"cases\"".into()));
    };
    let Value::Array(items) = cases_value else {
        return Err(at(map, "/cases", "\"cases\" must be an array of cases".into()));
    };
    let mut cases: Vec<Case> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ptr = format!("/cases/{i}");
        let case = case_of(item, map, &ptr)?;
        if cases.iter().any(|c| c.name == case.name) {
            return Err(at(
                map,
                &format!("{ptr}/name"),
                format!("two cases are named \"{}\"", case.name),
            ));
        }
        cases.push(case);
    }
    Ok(Suite {
        definition,
        state_machine,
        mock_config,
        state_machine_name,
        cases,
        positions: map.clone(),
    })
}

fn case_of(value: &Value, map: &SourceMap, ptr: &str) -> Result<Case, SuiteError> {
    let obj = object(value, map, ptr, "a case")?;
    known_fields(obj, map, ptr, &["name", "input", "testCase", "expect"])?;
    let name = match obj.get("name") {
        Some(v) => string(v, map, &format!("{ptr}/name"), "name")?.to_string(),
        None => return Err(at(map, ptr, "a case needs a \"name\"".into())),
    };
    let test_case = match obj.get("testCase") {
        Some(v) => Some(string(v, map, &format!("{ptr}/testCase"), "testCase")?.to_string()),
        None => None,
    };
    let expect = match obj.get("expect") {
        Some(v) => expect_of(v, map, &format!("{ptr}/expect"))?,
        None => Expect::default(),
    };
    Ok(Case {
        name,
        input: obj.get("input").cloned().unwrap_or_else(|| Value::Object(Map::new())),
        test_case,
        expect,
        position: map.position(ptr),
    })
}

fn expect_of(value: &Value, map: &SourceMap, ptr: &str) -> Result<Expect, SuiteError> {
    let obj = object(value, map, ptr, "\"expect\"")?;
    known_fields(
        obj,
        map,
        ptr,
        &[
            "status",
            "output",
            "outputIncludes",
            "outputPaths",
            "error",
            "cause",
            "path",
            "visited",
            "notVisited",
            "states",
        ],
    )?;
    let field = |name: &str| format!("{ptr}/{name}");
    let mut expect = Expect::default();
    if let Some(v) = obj.get("status") {
        let s = string(v, map, &field("status"), "status")?;
        if !STATUSES.contains(&s) {
            return Err(at(
                map,
                &field("status"),
                format!("\"status\" is \"{s}\"; it must be one of {}", STATUSES.join(", ")),
            ));
        }
        expect.status = Some(s.to_string());
    }
    expect.output = obj.get("output").cloned();
    expect.output_includes = obj.get("outputIncludes").cloned();
    if let Some(v) = obj.get("outputPaths") {
        let paths = object(v, map, &field("outputPaths"), "\"outputPaths\"")?;
        for (path, expected) in paths {
            let at_path = format!("{}/{}", field("outputPaths"), escape_token(path));
            match crate::jsonpath::parse_target(path) {
                Ok(crate::jsonpath::PathTarget::Input(_)) => {}
                Ok(_) => {
                    return Err(at(
                        map,
                        &at_path,
                        format!("\"{path}\" must be a path into the output, starting with $"),
                    ))
                }
                Err(e) => {
                    return Err(at(
                        map,
                        &at_path,
                        format!("\"{path}\" is not a JSONPath: {}", e.message),
                    ))
                }
            }
            expect.output_paths.push((path.clone(), expected.clone()));
        }
    }
    if let Some(v) = obj.get("error") {
        expect.error = Some(string(v, map, &field("error"), "error")?.to_string());
    }
    if let Some(v) = obj.get("cause") {
        expect.cause = Some(string(v, map, &field("cause"), "cause")?.to_string());
    }
    if let Some(v) = obj.get("path") {
        expect.path = Some(names(v, map, &field("path"), "path")?);
    }
    if let Some(v) = obj.get("visited") {
        expect.visited = Some(names(v, map, &field("visited"), "visited")?);
    }
    if let Some(v) = obj.get("notVisited") {
        expect.not_visited = names(v, map, &field("notVisited"), "notVisited")?;
    }
    if let Some(v) = obj.get("states") {
        let states = object(v, map, &field("states"), "\"states\"")?;
        for (name, body) in states {
            let sp = format!("{}/{}", field("states"), escape_token(name));
            expect.states.push((name.clone(), state_expect_of(body, map, &sp)?));
        }
    }
    Ok(expect)
}

fn state_expect_of(value: &Value, map: &SourceMap, ptr: &str) -> Result<StateExpect, SuiteError> {
    let obj = object(value, map, ptr, "a state's expectations")?;
    known_fields(obj, map, ptr, &["input", "output", "outputIncludes", "retries", "entered"])?;
    let count = |name: &str| -> Result<Option<u64>, SuiteError> {
        match obj.get(name) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                at(
                    map,
                    &format!("{ptr}/{name}"),
                    format!("\"{name}\" must be a whole number of at least 0"),
                )
            }),
        }
    };
    Ok(StateExpect {
        input: obj.get("input").cloned(),
        output: obj.get("output").cloned(),
        output_includes: obj.get("outputIncludes").cloned(),
        retries: count("retries")?,
        entered: count("entered")?,
    })
}

/// `"file.json"` (a path) or the JSON object itself.
fn source_of(value: &Value, map: &SourceMap, ptr: &str, what: &str) -> Result<Source, SuiteError> {
    match value {
        Value::String(path) if !path.is_empty() => Ok(Source::File(path.clone())),
        Value::Object(_) => Ok(Source::Inline(value.clone())),
        _ => Err(at(
            map,
            ptr,
            format!("\"{what}\" must be a file path (relative to the suite) or an object"),
        )),
    }
}

fn object<'a>(
    value: &'a Value,
    map: &SourceMap,
    ptr: &str,
    what: &str,
) -> Result<&'a Map<String, Value>, SuiteError> {
    value
        .as_object()
        .ok_or_else(|| at(map, ptr, format!("{what} must be an object, not {}", kind(value))))
}

fn string<'a>(
    value: &'a Value,
    map: &SourceMap,
    ptr: &str,
    what: &str,
) -> Result<&'a str, SuiteError> {
    value
        .as_str()
        .ok_or_else(|| at(map, ptr, format!("\"{what}\" must be a string, not {}", kind(value))))
}

fn names(value: &Value, map: &SourceMap, ptr: &str, what: &str) -> Result<Vec<String>, SuiteError> {
    let Value::Array(items) = value else {
        return Err(at(map, ptr, format!("\"{what}\" must be an array of state names")));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                at(map, &format!("{ptr}/{i}"), format!("\"{what}\" holds state names (strings)"))
            })
        })
        .collect()
}

fn known_fields(
    obj: &Map<String, Value>,
    map: &SourceMap,
    ptr: &str,
    known: &[&str],
) -> Result<(), SuiteError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(at(
            map,
            &format!("{ptr}/{}", escape_token(unknown)),
            format!("unknown field \"{unknown}\" (expected one of: {})", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn show_pointer(ptr: &str) -> String {
    ptr.rsplit('/').next().map_or_else(|| ptr.to_string(), |k| format!("\"{k}\""))
}

fn at(map: &SourceMap, ptr: &str, message: String) -> SuiteError {
    SuiteError { message, position: map.position(ptr) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_loads_with_its_cases_and_expectations() {
        let suite = load_suite(
            r#"{"definition": "m.asl.json", "mockConfig": {"StateMachines": {}},
               "cases": [{"name": "ok", "input": {"a": 1}, "testCase": "T",
                          "expect": {"status": "SUCCEEDED", "outputPaths": {"$.a": 1},
                                     "path": ["A", "B"], "states": {"A": {"retries": 2}}}}]}"#,
        )
        .expect("loads");
        assert_eq!(suite.definition, Source::File("m.asl.json".into()));
        assert!(matches!(suite.mock_config, Some(Source::Inline(_))));
        assert_eq!(suite.state_machine_name, DEFAULT_STATE_MACHINE_NAME);
        let case = &suite.cases[0];
        assert_eq!(case.test_case.as_deref(), Some("T"));
        assert_eq!(case.expect.output_paths, vec![("$.a".to_string(), serde_json::json!(1))]);
        assert_eq!(case.expect.states[0].1.retries, Some(2));
        assert_eq!(case.position.map(|p| p.line), Some(2));
    }

    #[test]
    fn problems_are_located() {
        let e = load_suite("{\"definition\": \"m\",\n \"cases\": [{\"name\": \"x\",\n \"expect\": {\"stauts\": \"FAILED\"}}]}")
            .expect_err("refused");
        assert!(e.message.contains("unknown field \"stauts\""), "{}", e.message);
        assert_eq!(e.position.map(|p| (p.line, p.column)), Some((3, 13)));

        let e = load_suite("{\"definition\": \"m\", \"cases\": [{\"name\": \"x\", \"expect\": {\"status\": \"OK\"}}]}")
            .expect_err("refused");
        assert!(e.message.contains("must be one of SUCCEEDED"), "{}", e.message);

        let e = load_suite("{\"definition\": \"m\",\n  \"cases\": [}").expect_err("refused");
        assert_eq!(e.position.map(|p| p.line), Some(2));
        assert!(e.message.starts_with("the suite is not valid JSON"));

        let e = load_suite(r#"{"definition": "m", "cases": [{"name": "a"}, {"name": "a"}]}"#)
            .expect_err("refused");
        assert!(e.message.contains("two cases are named \"a\""));

        let e = load_suite(r#"{"definition": "m", "cases": [{"name": "a", "expect": {"outputPaths": {"$$.x": 1}}}]}"#)
            .expect_err("refused");
        assert!(e.message.contains("path into the output"), "{}", e.message);
    }
}
