//! `Retry` and `Catch`: retriers and catchers, their `ErrorEquals`, and the rule that
//! `States.ALL` comes last.

use serde_json::{Map, Value};

use super::state::template;
use super::{child, fields, Parser};
use crate::definition::{Catcher, Jitter, QueryLanguage, Retrier};

impl Parser {
    fn error_equals(&mut self, o: &Map<String, Value>, pointer: &str) -> Vec<String> {
        match o.get("ErrorEquals") {
            Some(Value::Array(list)) if !list.is_empty() => {
                let mut names = Vec::new();
                for (i, v) in list.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => names.push(s.to_string()),
                        None => self.schema(
                            "ErrorEquals entries must be strings",
                            format!("{pointer}/ErrorEquals/{i}"),
                        ),
                    }
                }
                if names.len() > 1 && names.iter().any(|n| n == crate::errors::names::ALL) {
                    self.schema(
                        "States.ALL must appear alone in ErrorEquals",
                        child(pointer, "ErrorEquals"),
                    );
                }
                names
            }
            Some(_) => {
                self.schema(
                    "ErrorEquals must be a non-empty array of strings",
                    child(pointer, "ErrorEquals"),
                );
                Vec::new()
            }
            None => {
                self.schema("These fields are required: [ErrorEquals]", pointer);
                Vec::new()
            }
        }
    }

    fn states_all_last(&mut self, lists: &[(String, Vec<String>)], what: &str) {
        let n = lists.len();
        for (i, (ptr, names)) in lists.iter().enumerate() {
            if i + 1 < n && names.iter().any(|e| e == crate::errors::names::ALL) {
                self.schema(format!("States.ALL must appear in the last {what}"), ptr.clone());
            }
        }
    }

    pub(super) fn retriers(&mut self, obj: &Map<String, Value>, pointer: &str) -> Vec<Retrier> {
        let Some(v) = obj.get("Retry") else { return Vec::new() };
        let Some(list) = v.as_array() else {
            self.schema("Retry must be an array", child(pointer, "Retry"));
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut lists = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let rp = format!("{pointer}/Retry/{i}");
            let Some(o) = r.as_object() else {
                self.schema("A retrier must be an object", rp);
                continue;
            };
            for key in o.keys() {
                if !fields::RETRIER.contains(&key.as_str()) {
                    self.schema(format!("Field \"{key}\" is not supported"), child(&rp, key));
                }
            }
            let error_equals = self.error_equals(o, &rp);
            lists.push((rp.clone(), error_equals.clone()));
            let int = |p: &mut Parser, key: &str, min: u64, max: u64, default: Option<u64>| match o
                .get(key)
            {
                None => default,
                Some(v) => match v.as_u64() {
                    Some(n) if (min..=max).contains(&n) => Some(n),
                    _ => {
                        p.schema(
                            format!("{key} must be an integer from {min} to {max}"),
                            child(&rp, key),
                        );
                        default
                    }
                },
            };
            let interval_seconds =
                int(self, "IntervalSeconds", 1, 99_999_999, Some(1)).unwrap_or(1);
            let max_attempts = int(self, "MaxAttempts", 0, 99_999_999, Some(3)).unwrap_or(3);
            let max_delay_seconds = int(self, "MaxDelaySeconds", 1, 31_622_400, None);
            let backoff_rate = match o.get("BackoffRate") {
                None => 2.0,
                Some(v) => match v.as_f64() {
                    Some(f) if f >= 1.0 => f,
                    _ => {
                        self.schema(
                            "BackoffRate must be a number greater than or equal to 1.0",
                            child(&rp, "BackoffRate"),
                        );
                        2.0
                    }
                },
            };
            let jitter = match o.get("JitterStrategy") {
                None => Jitter::None,
                Some(Value::String(s)) if s == "NONE" => Jitter::None,
                Some(Value::String(s)) if s == "FULL" => Jitter::Full,
                Some(_) => {
                    self.schema(
                        "JitterStrategy must be \"FULL\" or \"NONE\"",
                        child(&rp, "JitterStrategy"),
                    );
                    Jitter::None
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter,
            });
        }
        self.states_all_last(&lists, "retrier");
        out
    }

    pub(super) fn catchers(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        lang: QueryLanguage,
    ) -> Vec<Catcher> {
        let Some(v) = obj.get("Catch") else { return Vec::new() };
        let Some(list) = v.as_array() else {
            self.schema("Catch must be an array", child(pointer, "Catch"));
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut lists = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let cp = format!("{pointer}/Catch/{i}");
            let Some(o) = c.as_object() else {
                self.schema("A catcher must be an object", cp);
                continue;
            };
            for key in o.keys() {
                if !fields::catcher(lang).contains(&key.as_str()) {
                    self.schema(format!("Field \"{key}\" is not supported"), child(&cp, key));
                }
            }
            let error_equals = self.error_equals(o, &cp);
            lists.push((cp.clone(), error_equals.clone()));
            let next = match o.get("Next") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    self.schema("These fields are required: [Next]", cp.clone());
                    String::new()
                }
            };
            let result_path = self.path_spec(o, &cp, "ResultPath");
            out.push(Catcher {
                error_equals,
                next,
                result_path,
                output: template(o, "Output", lang),
                assign: template(o, "Assign", lang),
            });
        }
        self.states_all_last(&lists, "catcher");
        out
    }
}
