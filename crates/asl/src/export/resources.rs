//! Where a compiled definition names AWS resources.
//!
//! A deployable copy of a definition must not keep the account and region it was written with:
//! every resource it names becomes a placeholder the deployment fills in. This module finds
//! them, by walking the compiled model (top level, Parallel branches, Map item processors):
//!
//! - a Task's `Resource` when it is a resource ARN (a Lambda function, an activity, …); the
//!   service integrations (`arn:aws:states:::lambda:invoke`, `…:::sqs:sendMessage`) are
//!   Step Functions' own names and stay as written;
//! - the ARNs written as plain strings in a Task's `Parameters` / `Arguments` and
//!   `Credentials`, and in a Map's `ItemReader` / `ResultWriter` (a `FunctionName`, a
//!   `TopicArn`, a `StateMachineArn`, …); values computed at run time (`key.$` paths,
//!   `{% … %}` expressions) are not names;
//! - the tutorial's `MockAPIFunction` however it is named: a function ARN, or the function
//!   name (bare or partial ARN) in `lambda:invoke`'s `FunctionName`, as the engine answers it.
//!
//! Pass states' `Result` and other data fields are data, not names: they are left alone.

use std::sync::Arc;

use serde_json::Value;

use crate::definition::{Program, State, StateKind, StateMachine};
use crate::source::escape_token;
use crate::tasks::{self, mock_api, ResourceKind};

/// One place in the definition that names a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// The JSON pointer of the string in the definition (`/States/Call API/Resource`).
    pub pointer: String,
    /// The string as written.
    pub written: String,
    pub resource: Resource,
}

/// What a [`ResourceRef`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// The tutorial's built-in `MockAPIFunction`; `qualifier` is what followed the name (a
    /// version or alias such as `:$LATEST`, usually empty), kept after the placeholder.
    MockApi { qualifier: String },
    /// Another Lambda function, by ARN; `function` is what follows `function:` (the name and
    /// any qualifier).
    LambdaFunction { function: String },
    /// Any other resource ARN: `service` (`states`, `sns`, `iam`, …) and the resource part
    /// after the account (`activity:Review`, `role/Worker`).
    Other { service: String, resource: String },
}

/// Every resource the definition names, in the order they are written (a state's nested
/// programs right after its own fields).
pub fn resource_refs(machine: &StateMachine) -> Vec<ResourceRef> {
    let mut out = Vec::new();
    // An explicit stack (program, index of the next state): nesting follows the definition.
    let mut stack: Vec<(Arc<Program>, usize)> = vec![(machine.program.clone(), 0)];
    while let Some((program, index)) = stack.pop() {
        let Some(state) = program.state_at(index) else { continue };
        let nested = state_refs(state, &mut out);
        stack.push((program.clone(), index + 1));
        // Pushed last, walked first: a state's branches come before the next state.
        stack.extend(nested.into_iter().rev().map(|p| (p, 0)));
    }
    out
}

/// The references in one state's own fields; returns its nested programs.
fn state_refs(state: &State, out: &mut Vec<ResourceRef>) -> Vec<Arc<Program>> {
    let at = |field: &str| format!("{}/{}", state.pointer, escape_token(field));
    match &state.kind {
        StateKind::Task(task) => {
            let resource: &str = &task.resource;
            if let Some(r) = classify_arn(resource) {
                out.push(ResourceRef {
                    pointer: at("Resource"),
                    written: resource.to_string(),
                    resource: r,
                });
            }
            let kind = ResourceKind::of(resource);
            let invoke = matches!(&kind, ResourceKind::Service { service, action, .. }
                if service == "lambda" && action == "invoke");
            for (field, template) in
                [("Parameters", &state.parameters), ("Arguments", &state.arguments)]
            {
                if let Some(t) = template {
                    let base = at(field);
                    if invoke {
                        function_name_ref(&kind, t.source(), &base, out);
                    }
                    strings(t.source(), &base, out);
                }
            }
            if let Some(credentials) = &task.credentials {
                strings(credentials, &at("Credentials"), out);
            }
            Vec::new()
        }
        StateKind::Map(map) => {
            if let Some(t) = &map.item_reader {
                strings(t.source(), &at("ItemReader"), out);
            }
            if let Some(t) = &map.result_writer {
                strings(t.source(), &at("ResultWriter"), out);
            }
            vec![map.processor.clone()]
        }
        StateKind::Parallel { branches } => branches.clone(),
        _ => Vec::new(),
    }
}

/// `lambda:invoke`'s `FunctionName` when it names the built-in function without a full ARN
/// (`"MockAPIFunction"`, `"123456789012:function:MockAPIFunction"`): the engine answers those
/// with the built-in, so the deployed copy must call the deployed function. (A full ARN is
/// found by [`strings`].)
fn function_name_ref(kind: &ResourceKind, source: &Value, base: &str, out: &mut Vec<ResourceRef>) {
    let Some(written) = source.get("FunctionName").and_then(Value::as_str) else { return };
    if written.starts_with("arn:") {
        return;
    }
    if tasks::lambda_function_name(kind, source).as_deref() != Some(mock_api::FUNCTION_NAME) {
        return;
    }
    let after = match written.split_once(":function:") {
        Some((_, rest)) => rest,
        None => written,
    };
    let qualifier = after.strip_prefix(mock_api::FUNCTION_NAME).unwrap_or_default();
    out.push(ResourceRef {
        pointer: format!("{base}/FunctionName"),
        written: written.to_string(),
        resource: Resource::MockApi { qualifier: qualifier.to_string() },
    });
}

/// The resource ARNs among the literal strings of a field's JSON (not below a `key.$`, not
/// `{% … %}`), in document order.
fn strings(value: &Value, base: &str, out: &mut Vec<ResourceRef>) {
    // An explicit stack: a template nests as deep as its JSON (bounded by source::MAX_DEPTH).
    let mut stack: Vec<(String, &Value)> = vec![(base.to_string(), value)];
    while let Some((pointer, v)) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(r) = classify_arn(s) {
                    out.push(ResourceRef { pointer, written: s.clone(), resource: r });
                }
            }
            Value::Object(map) => {
                for (key, child) in map.iter().rev() {
                    if !key.ends_with(".$") {
                        stack.push((format!("{pointer}/{}", escape_token(key)), child));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
    }
}

/// What an ARN names, or None when `text` is not a resource ARN: not an ARN at all, a JSONata
/// expression, or a Step Functions service integration (`arn:PARTITION:states:::…`, no region
/// and no account).
pub fn classify_arn(text: &str) -> Option<Resource> {
    let mut parts = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if partition.is_empty() || service.is_empty() || rest.is_empty() {
        return None;
    }
    if service == "states" && region.is_empty() && account.is_empty() {
        return None;
    }
    if let ResourceKind::LambdaFunction { function_name } = ResourceKind::of(text) {
        let function = rest.strip_prefix("function:").unwrap_or(rest);
        if function_name == mock_api::FUNCTION_NAME {
            let qualifier = function.strip_prefix(mock_api::FUNCTION_NAME).unwrap_or_default();
            return Some(Resource::MockApi { qualifier: qualifier.to_string() });
        }
        return Some(Resource::LambdaFunction { function: function.to_string() });
    }
    Some(Resource::Other { service: service.to_string(), resource: rest.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(String, String, Resource)> {
        let machine = StateMachine::from_text(text).expect("valid definition");
        resource_refs(&machine).into_iter().map(|r| (r.pointer, r.written, r.resource)).collect()
    }

    fn mock() -> Resource {
        Resource::MockApi { qualifier: String::new() }
    }

    #[test]
    fn classifies_arns() {
        assert_eq!(
            classify_arn("arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction"),
            Some(mock())
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction:$LATEST"),
            Some(Resource::MockApi { qualifier: ":$LATEST".into() })
        );
        assert_eq!(
            classify_arn("arn:aws:lambda:eu-west-1:111122223333:function:Resize:prod"),
            Some(Resource::LambdaFunction { function: "Resize:prod".into() })
        );
        assert_eq!(
            classify_arn("arn:aws:states:us-east-1:123456789012:activity:Review"),
            Some(Resource::Other { service: "states".into(), resource: "activity:Review".into() })
        );
        assert_eq!(
            classify_arn("arn:aws:iam::123456789012:role/Worker"),
            Some(Resource::Other { service: "iam".into(), resource: "role/Worker".into() })
        );
        assert_eq!(classify_arn("arn:aws:states:::lambda:invoke"), None);
        assert_eq!(classify_arn("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), None);
        assert_eq!(classify_arn("arn:aws-us-gov:states:::s3:getObject"), None);
        assert_eq!(classify_arn("arn:aws:sns"), None);
        assert_eq!(classify_arn("MockAPIFunction"), None);
        assert_eq!(classify_arn("{% $arn %}"), None);
    }

    #[test]
    fn finds_the_tutorial_function() {
        let text = include_str!("../../../../examples/tutorial.asl.json");
        assert_eq!(
            refs(text),
            vec![(
                "/States/Call API/Resource".to_string(),
                "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction".to_string(),
                mock()
            )]
        );
        let text = include_str!("../../../../examples/tutorial-jsonata.asl.json");
        assert_eq!(
            refs(text),
            vec![(
                "/States/Call API/Arguments/FunctionName".to_string(),
                "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction".to_string(),
                mock()
            )]
        );
    }

    #[test]
    fn walks_parallel_branches_and_map_processors_in_document_order() {
        let text = r#"{
          "StartAt": "P",
          "States": {
            "P": {"Type": "Parallel", "Next": "M", "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111122223333:function:First", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "MockAPIFunction:$LATEST", "Payload.$": "$"},
                "End": true}}}
            ]},
            "M": {"Type": "Map", "Next": "Last", "ItemProcessor": {
              "ProcessorConfig": {"Mode": "INLINE"},
              "StartAt": "Inner", "States": {"Inner": {"Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:111122223333:Orders",
                  "Message.$": "$", "Nested": ["arn:aws:sqs:us-east-1:111122223333:q"]},
                "End": true}}}},
            "Last": {"Type": "Task",
              "Resource": "arn:aws:states:us-east-1:111122223333:activity:Review",
              "Credentials": {"RoleArn": "arn:aws:iam::111122223333:role/Reviewer"},
              "End": true}
          }
        }"#;
        let found: Vec<(String, Resource)> =
            refs(text).into_iter().map(|(p, _, r)| (p, r)).collect();
        assert_eq!(
            found,
            vec![
                (
                    "/States/P/Branches/0/States/A/Resource".into(),
                    Resource::LambdaFunction { function: "First".into() }
                ),
                (
                    "/States/P/Branches/1/States/B/Parameters/FunctionName".into(),
                    Resource::MockApi { qualifier: ":$LATEST".into() }
                ),
                (
                    "/States/M/ItemProcessor/States/Inner/Parameters/TopicArn".into(),
                    Resource::Other { service: "sns".into(), resource: "Orders".into() }
                ),
                (
                    "/States/M/ItemProcessor/States/Inner/Parameters/Nested/0".into(),
                    Resource::Other { service: "sqs".into(), resource: "q".into() }
                ),
                (
                    "/States/Last/Resource".into(),
                    Resource::Other {
                        service: "states".into(),
                        resource: "activity:Review".into()
                    }
                ),
                (
                    "/States/Last/Credentials/RoleArn".into(),
                    Resource::Other { service: "iam".into(), resource: "role/Reviewer".into() }
                ),
            ]
        );
    }

    #[test]
    fn computed_values_and_pass_data_are_not_names() {
        let text = r#"{
          "StartAt": "T",
          "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName.$": "$.fn", "Payload": {"arn.$": "$.x"}},
              "Next": "Data"},
            "Data": {"Type": "Pass",
              "Result": {"arn": "arn:aws:sns:us-east-1:111122223333:NotAName"}, "End": true}
          }
        }"#;
        assert_eq!(refs(text), vec![]);
    }

    #[test]
    fn names_with_slashes_and_tildes_are_escaped_in_pointers() {
        let text = r#"{"StartAt": "a/b~c", "States": {"a/b~c": {"Type": "Task",
          "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction",
          "End": true}}}"#;
        assert_eq!(refs(text)[0].0, "/States/a~1b~0c/Resource");
    }
}
