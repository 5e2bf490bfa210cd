//! A transport form of [`HistoryEvent`]: the typed event, field for field, through serde, so a
//! history can cross a boundary (the app's engine runs in a Web Worker and posts its events to
//! the page) and come back as the same typed values. This is not AWS's shape (that is
//! `serialize`'s `GetExecutionHistory` JSON); it is derived from the types, so nothing on the
//! receiving side reads AWS's JSON text back into fields.
//!
//! [`WireEvent`] wraps a `HistoryEvent` and is `Serialize + Deserialize`; payloads travel as
//! their JSON values.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ErrorCause, Event, HistoryEvent, Payload, TaskFamily};
use crate::definition::StateType;

/// A history event that serde can carry both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireEvent(#[serde(with = "HistoryEventDef")] pub HistoryEvent);

#[derive(Serialize, Deserialize)]
#[serde(remote = "HistoryEvent")]
struct HistoryEventDef {
    id: u64,
    previous_event_id: u64,
    timestamp_ms: i64,
    #[serde(with = "opt_arc_str")]
    state_name: Option<Arc<str>>,
    #[serde(with = "opt_arc_str")]
    resource: Option<Arc<str>>,
    #[serde(with = "EventDef")]
    event: Event,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "StateType")]
enum StateTypeDef {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "TaskFamily")]
enum TaskFamilyDef {
    Lambda,
    Activity,
    Service,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ErrorCause")]
struct ErrorCauseDef {
    error: Option<String>,
    cause: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Event")]
enum EventDef {
    ExecutionStarted {
        #[serde(with = "payload")]
        input: Payload,
        #[serde(with = "arc_str")]
        role_arn: Arc<str>,
    },
    ExecutionSucceeded {
        #[serde(with = "payload")]
        output: Payload,
    },
    ExecutionFailed(#[serde(with = "ErrorCauseDef")] ErrorCause),
    ExecutionAborted(#[serde(with = "ErrorCauseDef")] ErrorCause),
    ExecutionTimedOut(#[serde(with = "ErrorCauseDef")] ErrorCause),
    ExecutionRedriven {
        redrive_count: u32,
    },
    StateEntered {
        #[serde(with = "StateTypeDef")]
        state_type: StateType,
        #[serde(with = "arc_str")]
        name: Arc<str>,
        #[serde(with = "payload")]
        input: Payload,
    },
    StateExited {
        #[serde(with = "StateTypeDef")]
        state_type: StateType,
        #[serde(with = "arc_str")]
        name: Arc<str>,
        #[serde(with = "payload")]
        output: Payload,
        #[serde(with = "assigned")]
        assigned_variables: Option<Vec<(String, Payload)>>,
    },
    StateAborted {
        #[serde(with = "StateTypeDef")]
        state_type: StateType,
        #[serde(with = "arc_str")]
        name: Arc<str>,
    },
    TaskScheduled {
        #[serde(with = "TaskFamilyDef")]
        family: TaskFamily,
        #[serde(with = "arc_str")]
        resource: Arc<str>,
        #[serde(with = "arc_str")]
        region: Arc<str>,
        #[serde(with = "payload")]
        input: Payload,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
    },
    TaskStarted {
        #[serde(with = "TaskFamilyDef")]
        family: TaskFamily,
        #[serde(with = "arc_str")]
        resource: Arc<str>,
        #[serde(default, with = "opt_arc_str")]
        worker_name: Option<Arc<str>>,
    },
    TaskSubmitted {
        #[serde(with = "arc_str")]
        resource: Arc<str>,
        #[serde(with = "payload")]
        output: Payload,
    },
    TaskSucceeded {
        #[serde(with = "TaskFamilyDef")]
        family: TaskFamily,
        #[serde(with = "arc_str")]
        resource: Arc<str>,
        #[serde(with = "payload")]
        output: Payload,
    },
    TaskFailed {
        #[serde(with = "TaskFamilyDef")]
        family: TaskFamily,
        #[serde(with = "arc_str")]
        resource: Arc<str>,
        error: String,
        cause: String,
        timed_out: bool,
    },
    EvaluationFailed {
        error: String,
        cause: String,
        location: Option<String>,
        #[serde(with = "arc_str")]
        state: Arc<str>,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateStarted {
        length: usize,
    },
    MapStateSucceeded,
    MapStateFailed,
    MapIterationStarted {
        index: usize,
        #[serde(with = "arc_str")]
        name: Arc<str>,
    },
    MapIterationSucceeded {
        index: usize,
        #[serde(with = "arc_str")]
        name: Arc<str>,
    },
    MapIterationFailed {
        index: usize,
        #[serde(with = "arc_str")]
        name: Arc<str>,
    },
    MapIterationAborted {
        index: usize,
        #[serde(with = "arc_str")]
        name: Arc<str>,
    },
    MapRunStarted {
        map_run_arn: String,
    },
    MapRunSucceeded,
    MapRunFailed(Option<(String, String)>),
    MapRunAborted,
}

mod arc_str {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(d).map(Arc::from)
    }
}

mod opt_arc_str {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
        value.as_deref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
        Option::<String>::deserialize(d).map(|v| v.map(Arc::from))
    }
}

mod payload {
    use super::*;
    use serde_json::Value;

    pub fn serialize<S: Serializer>(value: &Payload, s: S) -> Result<S::Ok, S::Error> {
        value.value().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Payload, D::Error> {
        Value::deserialize(d).map(Payload::new)
    }
}

mod assigned {
    use super::*;
    use serde::ser::SerializeSeq;
    use serde_json::Value;

    pub fn serialize<S: Serializer>(
        value: &Option<Vec<(String, Payload)>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(pairs) => {
                let mut seq = s.serialize_seq(Some(pairs.len()))?;
                for (name, value) in pairs {
                    seq.serialize_element(&(name, value.value()))?;
                }
                seq.end()
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<(String, Payload)>>, D::Error> {
        let pairs = Option::<Vec<(String, Value)>>::deserialize(d)?;
        Ok(pairs.map(|p| p.into_iter().map(|(n, v)| (n, Payload::new(v))).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Execution, ExecutionConfig, StateMachine};

    #[test]
    fn a_whole_history_round_trips_as_typed_events() {
        let definition = r#"{"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "M", "ResultPath": null, "Branches": [
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}]},
            "M": {"Type": "Map", "ItemsPath": "$.items", "Next": "T",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}},
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
                "Parameters": {"statuscode": "503"}, "Assign": {"x": 1}, "End": true}}}"#;
        let machine = match StateMachine::from_text(definition) {
            Ok(m) => std::sync::Arc::new(m),
            Err(e) => panic!("{e:?}"),
        };
        let config = ExecutionConfig {
            input: serde_json::json!({"items": [1, 2]}),
            ..ExecutionConfig::default()
        };
        let mut execution = Execution::start(machine, config);
        execution.run_to_completion();
        let history: Vec<WireEvent> = execution.history().iter().cloned().map(WireEvent).collect();
        let types: Vec<_> = history.iter().map(|e| e.0.type_name()).collect();
        assert!(history.len() > 15, "{types:?}");
        let text = serde_json::to_string(&history).unwrap_or_default();
        let back: Vec<WireEvent> = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, history);
        assert_eq!(
            back.iter().map(|e| e.0.to_aws_json()).collect::<Vec<_>>(),
            history.iter().map(|e| e.0.to_aws_json()).collect::<Vec<_>>()
        );
    }
}
