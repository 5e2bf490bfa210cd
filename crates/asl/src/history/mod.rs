//! Execution history: typed events, turned into AWS's `GetExecutionHistory` shape only when
//! they leave the engine.
//!
//! - [`Event`] says what happened, with typed details; [`EventType`] is the table of AWS's
//!   event type names and detail keys.
//! - [`Payload`] is a JSON value shared between a state, its events and the next state, with
//!   its JSON text rendered once.
//! - `serialize` writes AWS's JSON (`HistoryEvent: serde::Serialize`).
//! - [`reader`] reads a history back: each state's status and runs (the one place a history
//!   is interpreted); [`compare`] lists a history's state visits and aligns two histories.

pub mod compare;
mod event;
mod event_type;
mod payload;
pub mod reader;
mod serialize;
pub mod wire;

use std::sync::Arc;

use serde_json::Value;

pub use event::{ErrorCause, Event, TaskFamily};
pub use event_type::EventType;
pub use payload::Payload;
pub use serialize::PrettyJson;

/// One history event. `state_name` and `resource` are not part of AWS's shape: they tell the
/// app which state an event belongs to (AWS's console derives the same from the event order).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub state_name: Option<Arc<str>>,
    pub resource: Option<Arc<str>>,
    pub event: Event,
}

impl HistoryEvent {
    pub fn event_type(&self) -> EventType {
        self.event.event_type()
    }

    /// AWS's name of the event's type, e.g. `"TaskStateEntered"`.
    pub fn type_name(&self) -> &'static str {
        self.event.event_type().as_str()
    }

    /// The event exactly as `GetExecutionHistory` returns it.
    pub fn to_aws_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The event's `<type>EventDetails` object as AWS shows it, or `null` when it has none.
    pub fn details_json(&self) -> Value {
        match self.to_aws_json() {
            Value::Object(mut m) => {
                m.remove(self.event_type().details_key()).unwrap_or(Value::Null)
            }
            _ => Value::Null,
        }
    }
}

/// JSON text of a value as AWS writes payloads into history: compact.
pub fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::StateType;
    use serde_json::json;

    fn event(id: u64, event: Event) -> HistoryEvent {
        HistoryEvent {
            id,
            previous_event_id: id - 1,
            timestamp_ms: 0,
            state_name: Some("Call API".into()),
            resource: None,
            event,
        }
    }

    #[test]
    fn aws_json_omits_absent_details() {
        let e = event(
            4,
            Event::TaskStarted {
                family: TaskFamily::Lambda,
                resource: "arn:aws:lambda:f".into(),
                worker_name: None,
            },
        );
        let j = e.to_aws_json();
        assert_eq!(j["type"], "LambdaFunctionStarted");
        assert_eq!(j["previousEventId"], 3);
        assert_eq!(j.as_object().map(|o| o.len()), Some(4));
    }

    #[test]
    fn payloads_are_written_as_json_text_with_details() {
        let e = event(
            2,
            Event::StateEntered {
                state_type: StateType::Task,
                name: "Call API".into(),
                input: Payload::new(json!({"statuscode": "200"})),
            },
        );
        assert_eq!(
            e.to_aws_json(),
            json!({
                "timestamp": "1970-01-01T00:00:00.000Z",
                "type": "TaskStateEntered",
                "id": 2,
                "previousEventId": 1,
                "stateEnteredEventDetails": {
                    "name": "Call API",
                    "input": "{\"statuscode\":\"200\"}",
                    "inputDetails": {"truncated": false}
                }
            })
        );
    }

    #[test]
    fn service_task_events_name_the_resource_type() {
        let e = event(
            5,
            Event::TaskFailed {
                family: TaskFamily::Service,
                resource: "arn:aws:states:::lambda:invoke".into(),
                error: "E".into(),
                cause: String::new(),
                timed_out: false,
            },
        );
        assert_eq!(
            e.details_json(),
            json!({"resourceType": "lambda", "resource": "invoke", "error": "E"})
        );
        assert_eq!(e.type_name(), "TaskFailed");
    }
}
