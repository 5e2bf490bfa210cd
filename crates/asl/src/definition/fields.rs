//! The field table of the Amazon States Language: which fields each object of a definition may
//! have (the machine, branches, item processors, each state type by query language, retriers,
//! catchers, choice rules) and the values of its enumerated fields.
//!
//! It is the single source of truth: the parser's unknown-field checks read it, and the editor's
//! completion reads `editor/asl-fields.json`, which is [`table_json`] written out by
//! `cargo xtask fields`; `crates/asl/tests/editor_fields.rs` fails when the two differ
//! (docs/decisions/0005-one-field-table.md). A new state field goes into [`STATES`] only.
//!
//! Lists are in the order the editor offers them: the fields that make an object what it is
//! first (a Task's `Resource`, a Map's `ItemProcessor`), then the rest in AWS's order. The parser
//! only asks whether a field is listed.

use serde_json::{json, Map, Value};

use super::QueryLanguage;
use crate::choice::Operator;
use crate::errors::names;

/// One state type and the fields it allows beyond [`STATE_COMMON`], by query language.
#[derive(Debug, Clone, Copy)]
pub struct StateFields {
    pub state_type: &'static str,
    pub jsonpath: &'static [&'static str],
    pub jsonata: &'static [&'static str],
}

impl StateFields {
    pub fn for_language(&self, lang: QueryLanguage) -> &'static [&'static str] {
        match lang {
            QueryLanguage::JsonPath => self.jsonpath,
            QueryLanguage::Jsonata => self.jsonata,
        }
    }
}

/// Fields every state may have, whatever its type and query language.
pub const STATE_COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// The state types, in the order the parser's "not a state type" message lists them.
pub const STATES: &[StateFields] = &[
    StateFields {
        state_type: "Pass",
        jsonpath: &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
            "Assign",
        ],
        jsonata: &["Next", "End", "Output", "Assign"],
    },
    StateFields {
        state_type: "Task",
        jsonpath: &[
            "Resource",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Assign",
        ],
        jsonata: &[
            "Resource",
            "Next",
            "End",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
            "Assign",
        ],
    },
    StateFields {
        state_type: "Choice",
        jsonpath: &["Choices", "Default", "InputPath", "OutputPath", "Assign"],
        jsonata: &["Choices", "Default", "Output", "Assign"],
    },
    StateFields {
        state_type: "Wait",
        jsonpath: &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
            "Assign",
        ],
        jsonata: &["Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
    },
    StateFields {
        state_type: "Succeed",
        jsonpath: &["InputPath", "OutputPath"],
        jsonata: &["Output"],
    },
    StateFields {
        state_type: "Fail",
        jsonpath: &["Error", "ErrorPath", "Cause", "CausePath"],
        jsonata: &["Error", "Cause"],
    },
    StateFields {
        state_type: "Parallel",
        jsonpath: &[
            "Branches",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Assign",
        ],
        jsonata: &["Branches", "Next", "End", "Arguments", "Output", "Retry", "Catch", "Assign"],
    },
    StateFields {
        state_type: "Map",
        jsonpath: &[
            "ItemProcessor",
            "ItemsPath",
            "ItemSelector",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Iterator",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ItemBatcher",
            "ItemReader",
            "ResultWriter",
            "Label",
            "Assign",
        ],
        jsonata: &[
            "ItemProcessor",
            "Items",
            "ItemSelector",
            "Next",
            "End",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "Iterator",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
            "ItemBatcher",
            "ItemReader",
            "ResultWriter",
            "Label",
            "Assign",
        ],
    },
];

/// The state types, in [`STATES`] order.
pub fn state_types() -> impl Iterator<Item = &'static str> {
    STATES.iter().map(|s| s.state_type)
}

/// The table row of a state type; None when `state_type` is not one.
pub fn state(state_type: &str) -> Option<&'static StateFields> {
    STATES.iter().find(|s| s.state_type == state_type)
}

/// The fields a state type allows beyond [`STATE_COMMON`] (none for an unknown type).
pub fn state_fields(state_type: &str, lang: QueryLanguage) -> &'static [&'static str] {
    state(state_type).map_or(&[], |s| s.for_language(lang))
}

/// Fields of the top-level object.
pub const MACHINE: &[&str] =
    &["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"];

/// Fields of a Parallel branch (the editor offers these).
pub const BRANCH: &[&str] = &["Comment", "StartAt", "States", "QueryLanguage"];

/// Fields of a Map's `ItemProcessor` (or legacy `Iterator`). The parser accepts these in
/// Parallel branches too (`ProcessorConfig` included): it always has.
pub const PROCESSOR: &[&str] =
    &["Comment", "StartAt", "States", "QueryLanguage", "ProcessorConfig"];

/// Fields of an `ItemProcessor`'s `ProcessorConfig` (offered by the editor; the parser reads
/// `Mode` and lets the rest pass).
pub const PROCESSOR_CONFIG: &[&str] = &["Mode", "ExecutionType"];

/// Fields of a `Retry` entry.
pub const RETRIER: &[&str] = &[
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
];

/// Fields of a `Catch` entry, by query language.
pub fn catcher(lang: QueryLanguage) -> &'static [&'static str] {
    match lang {
        QueryLanguage::JsonPath => &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"],
        QueryLanguage::Jsonata => &["ErrorEquals", "Next", "Output", "Assign", "Comment"],
    }
}

/// Fields of a JSONata `Choices` entry.
pub const CHOICE_RULE_JSONATA: &[&str] = &["Condition", "Next", "Assign", "Output", "Comment"];

/// The boolean combinators and the compared field of a JSONPath choice rule.
const RULE_LOGIC: &[&str] = &["Variable", "And", "Or", "Not"];

/// Fields a JSONPath top-level choice rule has besides [`RULE_LOGIC`] and the operators
/// (a nested rule has only `Comment`). `crate::choice` parses JSONPath rules; this is the list
/// its parser accepts, and a test here holds it to that.
const JSONPATH_RULE_EXTRA: &[&str] = &["Next", "Assign", "Comment"];

/// The comparison operator fields, in AWS's order, each followed by its `…Path` form if any.
pub fn operator_fields() -> Vec<String> {
    Operator::ALL
        .iter()
        .flat_map(|op| {
            let name = op.name();
            let path = op.has_path_form().then(|| format!("{name}Path"));
            std::iter::once(name.to_string()).chain(path)
        })
        .collect()
}

/// Fields of a JSONPath choice rule: top-level (`Choices` entries) or nested (in And/Or/Not).
pub fn jsonpath_rule_fields(top_level: bool) -> Vec<String> {
    let extra: &[&str] = if top_level { JSONPATH_RULE_EXTRA } else { &["Comment"] };
    let mut fields: Vec<String> = RULE_LOGIC.iter().map(|s| s.to_string()).collect();
    fields.extend(operator_fields());
    fields.extend(extra.iter().map(|s| s.to_string()));
    fields
}

/// `QueryLanguage` values.
pub const QUERY_LANGUAGES: &[QueryLanguage] = &[QueryLanguage::JsonPath, QueryLanguage::Jsonata];

/// `JitterStrategy` values of a retrier.
pub const JITTER_STRATEGIES: &[&str] = &["FULL", "NONE"];

/// `ProcessorConfig.Mode` values.
pub const MAP_MODES: &[&str] = &["INLINE", "DISTRIBUTED"];

/// `ProcessorConfig.ExecutionType` values (a Distributed Map's child executions).
pub const EXECUTION_TYPES: &[&str] = &["STANDARD", "EXPRESS"];

/// Resources the editor suggests for a Task: the built-in tutorial function and the optimised
/// Lambda integration.
pub const RESOURCES: &[&str] =
    &[crate::validate::MOCK_API_FUNCTION_ARN, "arn:aws:states:::lambda:invoke"];

/// The predefined error names a retrier or catcher can match, most used first.
/// (`States.Runtime` is left out: no retrier or catcher ever matches it.)
pub const PREDEFINED_ERRORS: &[&str] = &[
    names::ALL,
    names::TIMEOUT,
    names::TASK_FAILED,
    names::PERMISSIONS,
    names::HEARTBEAT_TIMEOUT,
    names::DATA_LIMIT_EXCEEDED,
    names::NO_CHOICE_MATCHED,
    names::INTRINSIC_FAILURE,
    names::PARAMETER_PATH_FAILURE,
    names::RESULT_PATH_MATCH_FAILURE,
    names::QUERY_EVALUATION_ERROR,
    names::BRANCH_FAILED,
    names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
    names::ITEM_READER_FAILED,
    names::RESULT_WRITER_FAILED,
    names::HTTP_SOCKET,
];

/// The Lambda service errors AWS recommends retrying (suggested in `ErrorEquals`).
pub const LAMBDA_ERRORS: &[&str] = &[
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
];

/// The `Type` values in the order the editor offers them: Task (the most common) first, then
/// the rest in [`STATES`] order.
fn type_values() -> Vec<&'static str> {
    std::iter::once("Task").chain(state_types().filter(|t| *t != "Task")).collect()
}

fn by_language(jsonpath: Value, jsonata: Value) -> Value {
    let mut m = Map::new();
    m.insert(QueryLanguage::JsonPath.as_str().into(), jsonpath);
    m.insert(QueryLanguage::Jsonata.as_str().into(), jsonata);
    Value::Object(m)
}

/// The whole table as JSON: what `editor/asl-fields.json` holds (see the module docs).
pub fn table_json() -> Value {
    let mut states = Map::new();
    for s in STATES {
        states.insert(s.state_type.into(), by_language(json!(s.jsonpath), json!(s.jsonata)));
    }
    let query_languages: Vec<&str> = QUERY_LANGUAGES.iter().map(|l| l.as_str()).collect();
    json!({
        "generated": "by `cargo xtask fields` from crates/asl/src/definition/fields.rs; do not edit",
        "machine": MACHINE,
        "branch": BRANCH,
        "processor": PROCESSOR,
        "processorConfig": PROCESSOR_CONFIG,
        "stateCommon": STATE_COMMON,
        "states": states,
        "retrier": RETRIER,
        "catcher": by_language(
            json!(catcher(QueryLanguage::JsonPath)),
            json!(catcher(QueryLanguage::Jsonata)),
        ),
        "choiceRule": by_language(json!(jsonpath_rule_fields(true)), json!(CHOICE_RULE_JSONATA)),
        "nestedChoiceRule": jsonpath_rule_fields(false),
        "values": {
            "Type": type_values(),
            "QueryLanguage": query_languages,
            "JitterStrategy": JITTER_STRATEGIES,
            "Mode": MAP_MODES,
            "ExecutionType": EXECUTION_TYPES,
            "Resource": RESOURCES,
        },
        "errors": {
            "predefined": PREDEFINED_ERRORS,
            "lambda": LAMBDA_ERRORS,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse::parse;

    fn errors_of(def: &Value) -> Vec<String> {
        match parse(def) {
            Ok(_) => Vec::new(),
            Err(d) => d.into_iter().map(|d| format!("{} {}", d.location, d.message)).collect(),
        }
    }

    fn machine_with(state: Value) -> Value {
        json!({"StartAt": "S", "States": {"S": state, "N": {"Type": "Succeed"}}})
    }

    #[test]
    fn every_listed_state_field_passes_the_unknown_field_check() {
        for s in STATES {
            for lang in QUERY_LANGUAGES {
                for field in STATE_COMMON.iter().chain(s.for_language(*lang)) {
                    let mut state = json!({"Type": s.state_type, "QueryLanguage": lang.as_str()});
                    state[*field] = json!(null);
                    let errs = errors_of(&machine_with(state));
                    assert!(
                        !errs.iter().any(|e| e.starts_with(&format!("/States/S/{field} "))
                            && e.contains("is not supported")),
                        "{} {field} ({}): {errs:?}",
                        s.state_type,
                        lang.as_str()
                    );
                }
            }
        }
        let errs = errors_of(&machine_with(json!({"Type": "Pass", "End": true, "Bogus": 1})));
        assert_eq!(errs, ["/States/S/Bogus Field \"Bogus\" is not supported for Pass states"]);
    }

    #[test]
    fn the_enumerated_values_parse() {
        for lang in QUERY_LANGUAGES {
            let def = json!({"QueryLanguage": lang.as_str(), "StartAt": "S",
                "States": {"S": {"Type": "Succeed"}}});
            assert_eq!(errors_of(&def), Vec::<String>::new(), "{}", lang.as_str());
        }
        for jitter in JITTER_STRATEGIES {
            let def = machine_with(json!({"Type": "Task", "Resource": "x", "End": true,
                "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": jitter}]}));
            assert_eq!(errors_of(&def), Vec::<String>::new(), "{jitter}");
        }
        for mode in MAP_MODES {
            let def = machine_with(json!({"Type": "Map", "End": true, "ItemProcessor": {
                "ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}));
            assert_eq!(errors_of(&def), Vec::<String>::new(), "{mode}");
        }
        let mut types: Vec<&str> = type_values();
        types.sort_unstable();
        let mut listed: Vec<&str> = state_types().collect();
        listed.sort_unstable();
        assert_eq!(types, listed);
    }

    #[test]
    fn the_jsonpath_rule_fields_are_the_ones_the_choice_parser_accepts() {
        let base = json!({"Variable": "$.a", "IsPresent": true, "Next": "N"});
        for field in jsonpath_rule_fields(true) {
            let mut rule = base.clone();
            rule[field.as_str()] = json!(null);
            let problems = crate::choice::parse_choice(&rule).err().unwrap_or_default();
            assert!(
                !problems.iter().any(|(at, m)| at == &format!("/{field}")
                    && (m.contains("not supported") || m.contains("no …Path form"))),
                "{field}: {problems:?}"
            );
        }
        let mut rule = base.clone();
        rule["Bogus"] = json!(1);
        assert!(crate::choice::parse_choice(&rule).is_err());
        assert!(jsonpath_rule_fields(false).iter().all(|f| jsonpath_rule_fields(true).contains(f)));
    }

    #[test]
    fn the_lists_have_no_duplicates() {
        let mut lists: Vec<Vec<String>> = vec![jsonpath_rule_fields(true)];
        for list in
            [MACHINE, PROCESSOR, PROCESSOR_CONFIG, RETRIER, PREDEFINED_ERRORS, LAMBDA_ERRORS]
        {
            lists.push(list.iter().map(|s| s.to_string()).collect());
        }
        for s in STATES {
            for lang in QUERY_LANGUAGES {
                let own = s.for_language(*lang);
                lists.push(STATE_COMMON.iter().chain(own).map(|s| s.to_string()).collect());
            }
        }
        for list in lists {
            let mut sorted = list.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "{list:?}");
        }
        assert!(!PREDEFINED_ERRORS.contains(&names::RUNTIME));
    }
}
