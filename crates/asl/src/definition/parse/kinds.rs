//! The fields particular to each state type: Task, Choice, Wait, Fail, Parallel and Map.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::state::template;
use super::{child, fields, is_jsonata_expression, Parser};
use crate::definition::{
    ChoiceBranch, ChoiceCondition, ChoiceState, Fail, MapInnerFields, MapMode, MapState,
    NumberSpec, QueryLanguage, StateKind, Task, TextSpec, TimestampSpec, Wait,
};
use crate::jsonpath::Path;
use crate::template::Template;

impl Parser {
    pub(super) fn task(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<Task> {
        let resource = match obj.get("Resource") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.schema("Resource must be a string", child(pointer, "Resource"));
                return None;
            }
            None => {
                self.schema("These fields are required: [Resource]", pointer);
                return None;
            }
        };
        let timeout_seconds = self.number_spec(obj, pointer, "TimeoutSeconds", lang, true);
        let heartbeat_seconds = self.number_spec(obj, pointer, "HeartbeatSeconds", lang, true);
        self.over_max_seconds(obj, pointer, "TimeoutSeconds");
        self.over_max_seconds(obj, pointer, "HeartbeatSeconds");
        Some(Task {
            resource: resource.into(),
            timeout_seconds,
            heartbeat_seconds,
            credentials: obj.get("Credentials").cloned(),
        })
    }

    pub(super) fn choice(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<ChoiceState> {
        let default = self.opt_string(obj, pointer, "Default");
        let Some(list) = obj.get("Choices").and_then(Value::as_array) else {
            self.schema("Choices must be a non-empty array", child(pointer, "Choices"));
            return None;
        };
        if list.is_empty() {
            self.schema("Choices must be a non-empty array", child(pointer, "Choices"));
        }
        let mut choices = Vec::new();
        for (i, rule) in list.iter().enumerate() {
            let rp = format!("{pointer}/Choices/{i}");
            let Some(ro) = rule.as_object() else {
                self.schema("A choice rule must be an object", rp);
                continue;
            };
            let next = match ro.get("Next") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    self.schema("These fields are required: [Next]", rp.clone());
                    continue;
                }
            };
            let assign = template(ro, "Assign", lang);
            let output = template(ro, "Output", lang);
            let condition = match lang {
                QueryLanguage::Jsonata => {
                    match ro.get("Condition") {
                        Some(c) => {
                            for key in ro.keys() {
                                if !fields::CHOICE_RULE_JSONATA.contains(&key.as_str()) {
                                    self.schema(
                                    format!("Field \"{key}\" is not supported in a JSONata choice rule"),
                                    child(&rp, key),
                                );
                                }
                            }
                            ChoiceCondition::Condition(Template::compile(c, lang))
                        }
                        None => {
                            self.schema("These fields are required: [Condition]", rp.clone());
                            continue;
                        }
                    }
                }
                QueryLanguage::JsonPath => match crate::choice::parse_choice(rule) {
                    Ok(c) => ChoiceCondition::Rule(c.rule),
                    Err(problems) => {
                        for (suffix, message) in problems {
                            self.schema(message, format!("{rp}{suffix}"));
                        }
                        continue;
                    }
                },
            };
            choices.push(ChoiceBranch { rule: condition, next, assign, output, pointer: rp });
        }
        Some(ChoiceState { choices, default })
    }

    pub(super) fn wait(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Option<Wait> {
        let keys = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
        let present: Vec<&str> = keys.into_iter().filter(|k| obj.contains_key(*k)).collect();
        if present.len() != 1 {
            self.schema(
                "A Wait state must have exactly one of Seconds, SecondsPath, Timestamp or TimestampPath",
                pointer,
            );
            return None;
        }
        let key = present[0];
        let value = obj.get(key)?;
        let at = child(pointer, key);
        let expr = |v: &Value| match v {
            Value::String(s) if lang == QueryLanguage::Jsonata && is_jsonata_expression(s) => {
                Some(Template::compile(v, lang))
            }
            _ => None,
        };
        Some(match key {
            "Seconds" => {
                if let Some(e) = expr(value) {
                    Wait::Seconds(NumberSpec::Expression(e))
                } else if value.as_u64().is_some() {
                    if self.over_max_seconds(obj, pointer, key) {
                        return None;
                    }
                    Wait::Seconds(NumberSpec::Literal(value.clone()))
                } else {
                    self.schema("Seconds must be a non-negative integer", at);
                    return None;
                }
            }
            "SecondsPath" => match value.as_str() {
                Some(s) => Wait::Seconds(NumberSpec::Path(Path::compile(s))),
                None => {
                    self.schema("SecondsPath must be a string", at);
                    return None;
                }
            },
            "Timestamp" => {
                if let Some(e) = expr(value) {
                    Wait::Timestamp(TimestampSpec::Expression(e))
                } else {
                    match value.as_str() {
                        Some(s) if crate::time::parse_timestamp(s).is_some() => {
                            Wait::Timestamp(TimestampSpec::Literal(s.to_string()))
                        }
                        _ => {
                            self.schema("String does not match RFC3339 timestamp", at);
                            return None;
                        }
                    }
                }
            }
            _ => match value.as_str() {
                Some(s) => Wait::Timestamp(TimestampSpec::Path(Path::compile(s))),
                None => {
                    self.schema("TimestampPath must be a string", at);
                    return None;
                }
            },
        })
    }

    pub(super) fn fail(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Fail {
        let text = |p: &mut Parser, key: &str| -> Option<TextSpec> {
            let path_key = format!("{key}Path");
            if obj.contains_key(key) && obj.contains_key(&path_key) {
                p.schema(format!("Only one of {key} or {path_key} can be set"), pointer);
            }
            if let Some(v) = obj.get(key) {
                return match v.as_str() {
                    Some(s) if lang == QueryLanguage::Jsonata && is_jsonata_expression(s) => {
                        Some(TextSpec::Expression(Template::compile(v, lang)))
                    }
                    Some(s) => Some(TextSpec::Literal(s.to_string())),
                    None => {
                        p.schema(format!("{key} must be a string"), child(pointer, key));
                        None
                    }
                };
            }
            match obj.get(&path_key) {
                Some(Value::String(s)) => Some(TextSpec::Path(Path::compile_or_intrinsic(s))),
                Some(_) => {
                    p.schema(format!("{path_key} must be a string"), child(pointer, &path_key));
                    None
                }
                None => None,
            }
        };
        let error = text(self, "Error");
        let cause = text(self, "Cause");
        Fail { error, cause }
    }

    /// A Parallel state's branches.
    pub(super) fn parallel(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
        depth: usize,
    ) -> StateKind {
        let mut branches = Vec::new();
        match obj.get("Branches") {
            Some(Value::Array(list)) if !list.is_empty() => {
                for (i, b) in list.iter().enumerate() {
                    let bp = format!("{pointer}/Branches/{i}");
                    match b.as_object() {
                        Some(bo) => {
                            self.sub_program_fields(bo, &bp);
                            let bl = self.query_language(bo, &bp, lang, false);
                            if let Some(prog) = self.program(bo, &bp, bl, depth + 1) {
                                branches.push(Arc::new(prog));
                            }
                        }
                        None => self.schema("A branch must be an object", bp),
                    }
                }
            }
            // AWS's wording for an empty array (recorded by TestState).
            Some(Value::Array(_)) => {
                self.schema("Value cannot be empty", child(pointer, "Branches"))
            }
            Some(_) => {
                self.schema("Branches must be a non-empty array", child(pointer, "Branches"))
            }
            None => self.schema("These fields are required: [Branches]", pointer),
        }
        StateKind::Parallel { branches }
    }

    pub(super) fn map(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
        depth: usize,
    ) -> Option<MapState> {
        let (key, proc_value) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(i)) => ("Iterator", i),
            (Some(_), Some(_)) => {
                self.schema("Only one of ItemProcessor or Iterator can be set", pointer);
                return None;
            }
            (None, None) => {
                self.schema("These fields are required: [ItemProcessor]", pointer);
                return None;
            }
        };
        let pp = child(pointer, key);
        let Some(po) = proc_value.as_object() else {
            self.schema(format!("{key} must be an object"), pp);
            return None;
        };
        self.sub_program_fields(po, &pp);
        let mode = match po.get("ProcessorConfig").and_then(|c| c.get("Mode")) {
            None => MapMode::Inline,
            Some(Value::String(m)) if m == "INLINE" => MapMode::Inline,
            Some(Value::String(m)) if m == "DISTRIBUTED" => MapMode::Distributed,
            Some(_) => {
                self.schema(
                    "ProcessorConfig.Mode must be \"INLINE\" or \"DISTRIBUTED\"",
                    format!("{pp}/ProcessorConfig/Mode"),
                );
                MapMode::Inline
            }
        };
        let express = po
            .get("ProcessorConfig")
            .and_then(|c| c.get("ExecutionType"))
            .is_some_and(|t| t == "EXPRESS");
        let plang = self.query_language(po, &pp, lang, false);
        let processor = self.program(po, &pp, plang, depth + 1)?;
        let items_path = self.path_spec(obj, pointer, "ItemsPath");
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(_), Some(_)) => {
                self.schema("Only one of ItemSelector or Parameters can be set", pointer);
                None
            }
            (Some(s), None) | (None, Some(s)) => Some(Template::compile(s, lang)),
            (None, None) => None,
        };
        let max_concurrency = self.number_spec(obj, pointer, "MaxConcurrency", lang, false);
        let tolerated_failure_count =
            self.number_spec(obj, pointer, "ToleratedFailureCount", lang, false);
        let tolerated_failure_percentage = match obj.get("ToleratedFailurePercentage") {
            Some(Value::Number(n)) if n.as_f64().is_some_and(|f| (0.0..=100.0).contains(&f)) => {
                Some(NumberSpec::Literal(Value::Number(n.clone())))
            }
            Some(v @ Value::String(s)) if is_jsonata_expression(s) => {
                Some(NumberSpec::Expression(Template::compile(v, lang)))
            }
            Some(_) => {
                self.schema(
                    "ToleratedFailurePercentage must be a number from 0 to 100",
                    child(pointer, "ToleratedFailurePercentage"),
                );
                None
            }
            None => obj
                .get("ToleratedFailurePercentagePath")
                .and_then(Value::as_str)
                .map(|s| NumberSpec::Path(Path::compile(s))),
        };
        Some(MapState {
            processor: Arc::new(processor),
            mode,
            express,
            items_path,
            items: template(obj, "Items", lang),
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            item_batcher: template(obj, "ItemBatcher", lang),
            item_reader: template(obj, "ItemReader", lang),
            result_writer: template(obj, "ResultWriter", lang),
            inner: map_inner_fields(obj, lang),
            label: obj.get("Label").and_then(Value::as_str).map(str::to_string),
        })
    }
}

/// The parts of `ItemReader`, `ItemBatcher` and `ResultWriter` a JSONPath state evaluates.
fn map_inner_fields(obj: &Map<String, Value>, lang: QueryLanguage) -> MapInnerFields {
    if lang != QueryLanguage::JsonPath {
        return MapInnerFields::default();
    }
    let at = |field: &str, key: &str| obj.get(field).and_then(|f| f.get(key));
    let path = |v: Option<&Value>| v.and_then(Value::as_str).map(Path::compile);
    MapInnerFields {
        reader_max_items: path(
            obj.get("ItemReader")
                .and_then(|r| r.get("ReaderConfig"))
                .and_then(|c| c.get("MaxItemsPath")),
        ),
        batcher_max_items: path(at("ItemBatcher", "MaxItemsPerBatchPath")),
        batch_input: at("ItemBatcher", "BatchInput").map(|t| Template::compile(t, lang)),
        writer_parameters: at("ResultWriter", "Parameters").map(|t| Template::compile(t, lang)),
    }
}
