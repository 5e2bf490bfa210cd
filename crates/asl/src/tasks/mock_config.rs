//! Mocks in AWS Step Functions Local's MockConfigFile format.
//!
//! ```json
//! {"StateMachines": {"MyMachine": {"TestCases": {"HappyPath": {"Call API": "CallOk"}}}},
//!  "MockedResponses": {"CallOk": {"0": {"Return": "200 OK"},
//!                                 "1-2": {"Throw": {"Error": "Boom", "Cause": "why"}}}}}
//! ```
//! A test case maps state names to mocked responses; a response maps zero-based invocation
//! indexes of that state (single or `a-b` ranges) to a `Return` value or a `Throw`n error.
//!
//! Stepwise extension (AWS Step Functions Local ignores it): an answer may carry
//! `"LatencySeconds": n` (a non-negative number up to [`MAX_LATENCY_SECONDS`]); the task then
//! answers `n` virtual seconds after it started, so its `TimeoutSeconds` / `HeartbeatSeconds`
//! can run out first (decision 0015).
//!
//! Stepwise extension: a top-level `"S3Objects"` section maps `s3://bucket/key` URIs to the
//! objects a Distributed Map's `ItemReader` reads and lists ([`super::s3_objects`], decision
//! 0019).

use indexmap::IndexMap;
use serde_json::Value;

use super::Outcome;
use crate::errors::StatesError;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MockConfig {
    /// State machine → test case → state → mocked response name.
    pub state_machines: IndexMap<String, IndexMap<String, IndexMap<String, String>>>,
    /// Response name → (first index, last index, answer).
    pub responses: IndexMap<String, Vec<(u64, u64, Outcome)>>,
    /// Response name → (first index, last index, latency in milliseconds) of the answers that
    /// give a `LatencySeconds` (the Stepwise extension).
    pub latencies: IndexMap<String, Vec<(u64, u64, u64)>>,
    /// The `S3Objects` section (the Stepwise extension): what `ItemReader`s read.
    pub s3_objects: super::s3_objects::S3Objects,
}

/// The largest `LatencySeconds` a mocked answer may give: 99,999,999 seconds, the largest
/// `TimeoutSeconds` / `HeartbeatSeconds` AWS accepts, so any timeout can be exceeded.
pub const MAX_LATENCY_SECONDS: u64 = 99_999_999;

/// One test case chosen from a configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestCase {
    pub name: String,
    states: IndexMap<String, Vec<(u64, u64, Outcome)>>,
    latencies: IndexMap<String, Vec<(u64, u64, u64)>>,
}

impl TestCase {
    /// Whether `state` is mocked in this test case.
    pub fn mocks(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }

    /// How long (milliseconds of virtual time) the `invocation`-th call of `state` takes to
    /// answer: its answer's `LatencySeconds`, 0 when it gives none or the state is not mocked.
    pub fn latency_ms(&self, state: &str, invocation: u64) -> u64 {
        self.latencies
            .get(state)
            .and_then(|l| l.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&invocation)))
            .map_or(0, |(_, _, ms)| *ms)
    }

    /// The answer for the `invocation`-th call (zero-based) of `state`; `None` when the state is
    /// not mocked, an error when it is but has no answer for that invocation.
    pub fn answer(&self, state: &str, invocation: u64) -> Option<Result<Outcome, String>> {
        let answers = self.states.get(state)?;
        Some(
            answers
                .iter()
                .find(|(lo, hi, _)| (*lo..=*hi).contains(&invocation))
                .map(|(_, _, o)| o.clone())
                .ok_or_else(|| {
                    format!(
                        "The mock for state '{state}' in test case '{}' has no response for invocation {invocation} (responses are keyed by zero-based invocation index, e.g. \"0\" or \"1-2\")",
                        self.name
                    )
                }),
        )
    }
}

impl MockConfig {
    pub fn from_text(text: &str) -> Result<MockConfig, String> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("mock configuration is not valid JSON: {e}"))?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<MockConfig, String> {
        let root = value.as_object().ok_or("mock configuration must be a JSON object")?;
        let mut config = MockConfig::default();
        if let Some(objects) = root.get("S3Objects") {
            config.s3_objects = super::s3_objects::S3Objects::from_value(objects)?;
        }
        if let Some(sms) = root.get("StateMachines") {
            let sms = sms.as_object().ok_or("StateMachines must be an object")?;
            for (sm, body) in sms {
                let cases = body
                    .get("TestCases")
                    .and_then(Value::as_object)
                    .ok_or_else(|| format!("StateMachines.{sm}.TestCases must be an object"))?;
                let mut out = IndexMap::new();
                for (case, states) in cases {
                    let states = states.as_object().ok_or_else(|| {
                        format!("StateMachines.{sm}.TestCases.{case} must be an object")
                    })?;
                    let mut map = IndexMap::new();
                    for (state, mock) in states {
                        let mock = mock.as_str().ok_or_else(|| {
                            format!("StateMachines.{sm}.TestCases.{case}.{state} must name a mocked response")
                        })?;
                        map.insert(state.clone(), mock.to_string());
                    }
                    out.insert(case.clone(), map);
                }
                config.state_machines.insert(sm.clone(), out);
            }
        }
        if let Some(responses) = root.get("MockedResponses") {
            let responses = responses.as_object().ok_or("MockedResponses must be an object")?;
            for (name, answers) in responses {
                let answers = answers
                    .as_object()
                    .ok_or_else(|| format!("MockedResponses.{name} must be an object"))?;
                let mut list = Vec::new();
                let mut latencies = Vec::new();
                for (key, answer) in answers {
                    let (lo, hi) = parse_range(key).ok_or_else(|| {
                        format!("MockedResponses.{name}: \"{key}\" is not an invocation index or range like \"0\" or \"1-2\"")
                    })?;
                    let outcome = answer_outcome(name, key, answer)?;
                    list.push((lo, hi, outcome));
                    if let Some(ms) = answer_latency(name, key, answer)? {
                        latencies.push((lo, hi, ms));
                    }
                }
                config.responses.insert(name.clone(), list);
                if !latencies.is_empty() {
                    config.latencies.insert(name.clone(), latencies);
                }
            }
        }
        Ok(config)
    }

    /// Selects a test case: from the named state machine if it has it, else from the first
    /// state machine that does.
    pub fn test_case(&self, state_machine: Option<&str>, case: &str) -> Result<TestCase, String> {
        let found = state_machine
            .and_then(|sm| self.state_machines.get(sm))
            .and_then(|cases| cases.get(case))
            .or_else(|| self.state_machines.values().find_map(|cases| cases.get(case)));
        let Some(states) = found else {
            let known: Vec<String> = self
                .state_machines
                .iter()
                .filter(|(_, cases)| !cases.is_empty())
                .map(|(sm, cases)| {
                    let names: Vec<&str> = cases.keys().map(String::as_str).collect();
                    format!("{sm}: {}", names.join(", "))
                })
                .collect();
            return Err(format!(
                "test case '{case}' is not in the mock configuration (it has: {})",
                if known.is_empty() { "none".to_string() } else { known.join("; ") }
            ));
        };
        let mut resolved = IndexMap::new();
        let mut latencies = IndexMap::new();
        for (state, mock) in states {
            let answers = self.responses.get(mock).ok_or_else(|| {
                format!("state '{state}' uses mocked response '{mock}', which MockedResponses does not define")
            })?;
            resolved.insert(state.clone(), answers.clone());
            if let Some(l) = self.latencies.get(mock) {
                latencies.insert(state.clone(), l.clone());
            }
        }
        Ok(TestCase { name: case.to_string(), states: resolved, latencies })
    }
}

/// One answer of a mocked response: `{"Return": value}` or
/// `{"Throw": {"Error": "…", "Cause": "…"}}` (Error and Cause optional strings), nothing else, so a typo or a wrong type is reported here rather than turning into
/// an empty error at run time.
fn answer_outcome(name: &str, key: &str, answer: &Value) -> Result<Outcome, String> {
    let at = format!("MockedResponses.{name}.{key}");
    let Some(fields) = answer.as_object() else {
        return Err(format!(
            "{at} must be an object with a Return or a Throw, not {}",
            type_name(answer)
        ));
    };
    if let Some(unknown) =
        fields.keys().find(|k| !matches!(k.as_str(), "Return" | "Throw" | "LatencySeconds"))
    {
        return Err(format!(
            "{at} has an unknown field \"{unknown}\" (expected Return or Throw, and optionally LatencySeconds)"
        ));
    }
    match (fields.get("Return"), fields.get("Throw")) {
        (Some(_), Some(_)) => Err(format!("{at} has both a Return and a Throw; give one")),
        (Some(ret), None) => Ok(Outcome::Success(ret.clone())),
        (None, Some(throw)) => {
            let Some(throw) = throw.as_object() else {
                return Err(format!(
                    "{at}.Throw must be an object {{\"Error\": \"…\", \"Cause\": \"…\"}}, not {}",
                    type_name(throw)
                ));
            };
            if let Some(unknown) = throw.keys().find(|k| !matches!(k.as_str(), "Error" | "Cause")) {
                return Err(format!(
                    "{at}.Throw has an unknown field \"{unknown}\" (expected Error and Cause)"
                ));
            }
            let error = match throw.get("Error") {
                // Empty is allowed: it is how a recorded task failure without an error name
                // is mocked.
                Some(Value::String(e)) => e.clone(),
                Some(
                    other
                    @ (Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_)),
                ) => {
                    return Err(format!(
                        "{at}.Throw.Error must be a string, not {}",
                        type_name(other)
                    ))
                }
                // No Error: the task fails without an error name (`"Error": null` in a
                // Catch's output, as when SendTaskFailure gives none).
                None | Some(Value::Null) => String::new(),
            };
            let cause = match throw.get("Cause") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(c)) => c.clone(),
                Some(other) => {
                    return Err(format!(
                        "{at}.Throw.Cause must be a string, not {}",
                        type_name(other)
                    ))
                }
            };
            Ok(Outcome::Failure(StatesError::new(error, cause)))
        }
        (None, None) => Err(format!("{at} needs a Return or a Throw")),
    }
}

/// An answer's `LatencySeconds` in milliseconds: a non-negative number of seconds (fractions
/// allowed, rounded to the millisecond) up to [`MAX_LATENCY_SECONDS`].
fn answer_latency(name: &str, key: &str, answer: &Value) -> Result<Option<u64>, String> {
    let Some(latency) = answer.get("LatencySeconds") else { return Ok(None) };
    let at = format!("MockedResponses.{name}.{key}.LatencySeconds");
    let Some(seconds) = latency.as_f64() else {
        return Err(format!("{at} must be a number of seconds, not {}", type_name(latency)));
    };
    if !(0.0..=MAX_LATENCY_SECONDS as f64).contains(&seconds) {
        return Err(format!(
            "{at} must be between 0 and {MAX_LATENCY_SECONDS} seconds (the largest TimeoutSeconds AWS accepts), not {latency}"
        ));
    }
    // In range, so the product fits: at most 99,999,999,000 ms.
    Ok(Some((seconds * 1000.0).round() as u64))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_range(key: &str) -> Option<(u64, u64)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let n = key.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CONFIG: &str = r#"{
      "StateMachines": {"M": {"TestCases": {"T": {"Call": "CallMock"}}}},
      "MockedResponses": {"CallMock": {
        "0": {"Throw": {"Error": "Boom", "Cause": "first"}},
        "1-2": {"Return": {"ok": true}}
      }}
    }"#;

    #[test]
    fn answers_by_invocation_index() {
        let config = MockConfig::from_text(CONFIG).unwrap();
        let case = config.test_case(Some("M"), "T").unwrap();
        assert_eq!(
            case.answer("Call", 0),
            Some(Ok(Outcome::Failure(StatesError::new("Boom", "first"))))
        );
        assert_eq!(case.answer("Call", 2), Some(Ok(Outcome::Success(json!({"ok": true})))));
        assert!(case.answer("Call", 3).unwrap().is_err());
        assert_eq!(case.answer("Other", 0), None);
    }

    #[test]
    fn explains_bad_configurations() {
        assert!(MockConfig::from_text("{").unwrap_err().contains("not valid JSON"));
        let config = MockConfig::from_text(CONFIG).unwrap();
        assert!(config.test_case(None, "Nope").unwrap_err().contains("it has: M: T"));
        let bad = r#"{"MockedResponses": {"X": {"zero": {"Return": 1}}}}"#;
        assert!(MockConfig::from_text(bad).unwrap_err().contains("\"zero\""));
    }

    #[test]
    fn refuses_malformed_answers_naming_the_mock_and_field() {
        let err = |answer: &str| {
            let text = format!(r#"{{"MockedResponses": {{"CallMock": {{"0": {answer}}}}}}}"#);
            MockConfig::from_text(&text).unwrap_err()
        };
        assert_eq!(
            err(r#"{"Throw": 5}"#),
            "MockedResponses.CallMock.0.Throw must be an object {\"Error\": \"…\", \"Cause\": \"…\"}, not a number"
        );
        // No Error is a failure without an error name (a null error), not a mistake.
        assert!(MockConfig::from_text(
            r#"{"MockedResponses": {"CallMock": {"0": {"Throw": {}}}}}"#
        )
        .is_ok());
        assert_eq!(
            err(r#"{"Throw": {"Error": 1}}"#),
            "MockedResponses.CallMock.0.Throw.Error must be a string, not a number"
        );
        assert_eq!(
            err(r#"{"Throw": {"Error": "E", "Cause": []}}"#),
            "MockedResponses.CallMock.0.Throw.Cause must be a string, not an array"
        );
        assert!(err(r#"{"Throw": {"Eror": "E"}}"#).contains("unknown field \"Eror\""));
        assert!(err(r#"{"Retrun": 1}"#).contains("unknown field \"Retrun\""));
        assert!(
            err(r#"{"Return": 1, "Throw": {"Error": "E"}}"#).contains("both a Return and a Throw")
        );
        assert!(err("7").contains("must be an object with a Return or a Throw, not a number"));
        // A Throw without a Cause is fine; the cause is empty.
        let ok = MockConfig::from_text(
            r#"{"MockedResponses": {"M": {"0": {"Throw": {"Error": "E"}}}}}"#,
        )
        .unwrap();
        assert_eq!(ok.responses["M"][0].2, Outcome::Failure(StatesError::new("E", "")));
    }
}
