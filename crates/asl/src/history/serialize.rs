//! AWS's JSON for history events, produced only here, where events leave the engine.
//!
//! `HistoryEvent` implements `serde::Serialize` in `GetExecutionHistory`'s shape, so a caller
//! can stream a whole history to text (the CLI) or build `serde_json::Value`s (the app) without
//! an intermediate copy. Payloads are written as their already-rendered JSON text.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{ErrorCause, Event, HistoryEvent, TaskFamily};
use crate::tasks::ResourceKind;

impl Serialize for HistoryEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let event_type = self.event.event_type();
        let details = has_details(&self.event);
        let mut map = serializer.serialize_map(Some(4 + usize::from(details)))?;
        map.serialize_entry("timestamp", &Timestamp(self.timestamp_ms))?;
        map.serialize_entry("type", event_type.as_str())?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("previousEventId", &self.previous_event_id)?;
        if details {
            map.serialize_entry(event_type.details_key(), &Details(&self.event))?;
        }
        map.end()
    }
}

/// Events AWS records without a details object.
fn has_details(event: &Event) -> bool {
    !matches!(
        event,
        Event::TaskStarted { family: TaskFamily::Lambda | TaskFamily::Activity, .. }
            | Event::ParallelStateStarted
            | Event::ParallelStateSucceeded
            | Event::ParallelStateFailed
            | Event::MapStateSucceeded
            | Event::MapStateFailed
            | Event::MapRunSucceeded
            | Event::MapRunFailed(None)
            | Event::MapRunAborted
    )
}

/// A history timestamp, `2024-01-01T00:00:00.000Z`.
struct Timestamp(i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&crate::time::Millis(self.0))
    }
}

/// `{"truncated": false}`: Stepwise never truncates a payload in its history.
struct NotTruncated;

impl Serialize for NotTruncated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("truncated", &false)?;
        map.end()
    }
}

/// Assigned variables: each name with its value's JSON text.
struct Assigned<'a>(&'a [(String, String)]);

impl Serialize for Assigned<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The details object of one event.
struct Details<'a>(&'a Event);

impl Serialize for Details<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.0 {
            Event::ExecutionStarted { input, role_arn } => {
                map.serialize_entry("input", input.text())?;
                map.serialize_entry("inputDetails", &NotTruncated)?;
                map.serialize_entry("roleArn", &**role_arn)?;
            }
            Event::ExecutionSucceeded { output } => {
                map.serialize_entry("output", output.text())?;
                map.serialize_entry("outputDetails", &NotTruncated)?;
            }
            Event::ExecutionFailed(e)
            | Event::ExecutionAborted(e)
            | Event::ExecutionTimedOut(e) => {
                error_cause(&mut map, e)?;
            }
            Event::StateEntered { name, input, .. } => {
                map.serialize_entry("name", &**name)?;
                map.serialize_entry("input", input.text())?;
                map.serialize_entry("inputDetails", &NotTruncated)?;
            }
            Event::StateExited { name, output, assigned_variables, .. } => {
                map.serialize_entry("name", &**name)?;
                map.serialize_entry("output", output.text())?;
                map.serialize_entry("outputDetails", &NotTruncated)?;
                if let Some(assigned) = assigned_variables {
                    map.serialize_entry("assignedVariables", &Assigned(assigned))?;
                    map.serialize_entry("assignedVariablesDetails", &NotTruncated)?;
                }
            }
            Event::StateAborted { name, .. } => map.serialize_entry("name", &**name)?,
            Event::TaskScheduled {
                family,
                resource,
                region,
                input,
                timeout_seconds,
                heartbeat_seconds,
            } => {
                if *family == TaskFamily::Service {
                    service_ids(&mut map, resource)?;
                    map.serialize_entry("region", &**region)?;
                    map.serialize_entry("parameters", input.text())?;
                } else {
                    map.serialize_entry("resource", &**resource)?;
                    map.serialize_entry("input", input.text())?;
                    map.serialize_entry("inputDetails", &NotTruncated)?;
                }
                if let Some(t) = timeout_seconds {
                    map.serialize_entry("timeoutInSeconds", t)?;
                }
                if let (TaskFamily::Service | TaskFamily::Activity, Some(h)) =
                    (family, heartbeat_seconds)
                {
                    map.serialize_entry("heartbeatInSeconds", h)?;
                }
            }
            Event::TaskStarted { resource, .. } => service_ids(&mut map, resource)?,
            Event::TaskSubmitted { resource, output } => {
                service_ids(&mut map, resource)?;
                map.serialize_entry("output", output.text())?;
                map.serialize_entry("outputDetails", &NotTruncated)?;
            }
            Event::TaskSucceeded { family, resource, output } => {
                if *family == TaskFamily::Service {
                    service_ids(&mut map, resource)?;
                }
                map.serialize_entry("output", output.text())?;
                map.serialize_entry("outputDetails", &NotTruncated)?;
            }
            Event::TaskFailed { family, resource, error, cause, .. } => {
                if *family == TaskFamily::Service {
                    service_ids(&mut map, resource)?;
                }
                map.serialize_entry("error", error)?;
                if !cause.is_empty() {
                    map.serialize_entry("cause", cause)?;
                }
            }
            Event::EvaluationFailed { error, cause, location, state } => {
                map.serialize_entry("cause", cause)?;
                map.serialize_entry("error", error)?;
                if let Some(location) = location {
                    map.serialize_entry("location", location)?;
                }
                map.serialize_entry("state", &**state)?;
            }
            Event::MapStateStarted { length } => map.serialize_entry("length", length)?,
            Event::MapIterationStarted { index, name }
            | Event::MapIterationSucceeded { index, name }
            | Event::MapIterationFailed { index, name }
            | Event::MapIterationAborted { index, name } => {
                map.serialize_entry("index", index)?;
                map.serialize_entry("name", &**name)?;
            }
            Event::MapRunStarted { map_run_arn } => {
                map.serialize_entry("mapRunArn", map_run_arn)?
            }
            Event::MapRunFailed(Some((error, cause))) => {
                map.serialize_entry("error", error)?;
                map.serialize_entry("cause", cause)?;
            }
            Event::ParallelStateStarted
            | Event::ParallelStateSucceeded
            | Event::ParallelStateFailed
            | Event::MapStateSucceeded
            | Event::MapStateFailed
            | Event::MapRunSucceeded
            | Event::MapRunFailed(None)
            | Event::MapRunAborted => {}
        }
        map.end()
    }
}

/// `error` and `cause` of an execution-level event (an empty cause is left out).
fn error_cause<M: SerializeMap>(map: &mut M, e: &ErrorCause) -> Result<(), M::Error> {
    if let Some(error) = &e.error {
        map.serialize_entry("error", error)?;
    }
    if let Some(cause) = e.cause.as_deref().filter(|c| !c.is_empty()) {
        map.serialize_entry("cause", cause)?;
    }
    Ok(())
}

/// `resourceType` and `resource` of a service integration (`lambda` / `invoke` for
/// `arn:aws:states:::lambda:invoke`).
fn service_ids<M: SerializeMap>(map: &mut M, resource: &str) -> Result<(), M::Error> {
    let (resource_type, name) = ResourceKind::type_and_name(resource);
    map.serialize_entry("resourceType", &resource_type)?;
    map.serialize_entry("resource", &name)
}
