//! Execution history in the shape of AWS's `GetExecutionHistory`.
//!
//! Each event has an id, the id of the event it follows, a timestamp and a type; its details
//! live under a type-specific key (`stateEnteredEventDetails`, `taskScheduledEventDetails`, …)
//! with inputs and outputs as JSON *strings*, exactly as the API returns them.

use serde_json::{json, Map, Value};

/// One history event. `state_name` and `resource` are not part of AWS's shape: they tell the
/// app which state an event belongs to (AWS's console derives the same from the event order).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub event_type: String,
    pub state_name: Option<String>,
    pub resource: Option<String>,
    /// The `<type>EventDetails` object, or `Value::Null` for events that have none.
    pub details: Value,
}

impl HistoryEvent {
    /// The key AWS puts this event's details under.
    pub fn details_key(&self) -> String {
        details_key(&self.event_type)
    }

    /// The event exactly as `GetExecutionHistory` returns it.
    pub fn to_aws_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("timestamp".into(), json!(crate::time::format_millis(self.timestamp_ms)));
        obj.insert("type".into(), json!(self.event_type));
        obj.insert("id".into(), json!(self.id));
        obj.insert("previousEventId".into(), json!(self.previous_event_id));
        if !self.details.is_null() {
            obj.insert(self.details_key(), self.details.clone());
        }
        Value::Object(obj)
    }
}

/// `TaskStateEntered` → `stateEnteredEventDetails`, `LambdaFunctionFailed` →
/// `lambdaFunctionFailedEventDetails`, and so on.
pub fn details_key(event_type: &str) -> String {
    if event_type.ends_with("StateEntered") {
        return "stateEnteredEventDetails".into();
    }
    if event_type.ends_with("StateExited") {
        return "stateExitedEventDetails".into();
    }
    let mut chars = event_type.chars();
    match chars.next() {
        Some(first) => format!("{}{}EventDetails", first.to_ascii_lowercase(), chars.as_str()),
        None => "eventDetails".into(),
    }
}

/// JSON text of a value as AWS writes payloads into history: compact.
pub fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// `{"input": "<json>", "inputDetails": {"truncated": false}}` and friends.
pub fn payload(key: &str, value: &Value) -> (String, Value, String, Value) {
    (key.to_string(), json!(json_text(value)), format!("{key}Details"), json!({"truncated": false}))
}

/// Builds a details object from `(key, value)` pairs, skipping `None`s.
pub fn details(fields: Vec<(&str, Option<Value>)>) -> Value {
    let mut obj = Map::new();
    for (k, v) in fields {
        if let Some(v) = v {
            obj.insert(k.to_string(), v);
        }
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_keys_follow_aws_naming() {
        assert_eq!(details_key("TaskStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("LambdaFunctionFailed"), "lambdaFunctionFailedEventDetails");
        assert_eq!(details_key("ExecutionStarted"), "executionStartedEventDetails");
        assert_eq!(details_key("MapIterationStarted"), "mapIterationStartedEventDetails");
    }

    #[test]
    fn aws_json_omits_absent_details() {
        let e = HistoryEvent {
            id: 4,
            previous_event_id: 3,
            timestamp_ms: 0,
            event_type: "LambdaFunctionStarted".into(),
            state_name: Some("Call API".into()),
            resource: None,
            details: Value::Null,
        };
        let j = e.to_aws_json();
        assert_eq!(j["type"], "LambdaFunctionStarted");
        assert_eq!(j["previousEventId"], 3);
        assert_eq!(j.as_object().map(|o| o.len()), Some(4));
    }
}
