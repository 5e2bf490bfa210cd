//! Task resources: what a `Resource` ARN is, and who answers when a Task calls it.
//!
//! A call is answered, in order, by the mock configuration (AWS Step Functions Local's
//! MockConfigFile format) when it mocks the state, then by a built-in resource (the tutorial's
//! `MockAPIFunction`), and otherwise fails with an error that says how to mock it.

pub mod csv;
pub mod item_reader;
pub mod mock_api;
pub mod mock_config;
pub mod responses;
pub mod s3_objects;
pub mod submitted;

use serde_json::Value;

use crate::errors::StatesError;

/// What a Task's `Resource` names; it decides the history event family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: `LambdaFunction*` events.
    LambdaFunction { function_name: String },
    /// `arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`: `Task*` events.
    Service { service: String, action: String, pattern: Pattern },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: `Activity*` events.
    Activity { name: String },
    /// Anything else that is still an ARN (handled like a service integration).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

impl ResourceKind {
    pub fn of(resource: &str) -> ResourceKind {
        let parts: Vec<&str> = resource.splitn(7, ':').collect();
        match parts.as_slice() {
            ["arn", _, "lambda", _, _, "function", rest] => ResourceKind::LambdaFunction {
                function_name: rest.split(':').next().unwrap_or(rest).to_string(),
            },
            ["arn", _, "states", _, _, "activity", name] => {
                ResourceKind::Activity { name: name.to_string() }
            }
            ["arn", _, "states", "", "", service, action] => {
                let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
                    (a, Pattern::WaitForTaskToken)
                } else if let Some(a) = action.strip_suffix(".sync:2") {
                    (a, Pattern::Sync)
                } else if let Some(a) = action.strip_suffix(".sync") {
                    (a, Pattern::Sync)
                } else {
                    (*action, Pattern::RequestResponse)
                };
                ResourceKind::Service {
                    service: service.to_string(),
                    action: action.to_string(),
                    pattern,
                }
            }
            _ => ResourceKind::Other,
        }
    }

    /// `resourceType` / `resource` of `Task*` events: `("lambda", "invoke")`,
    /// `("sqs", "sendMessage.waitForTaskToken")`.
    pub fn type_and_name(resource: &str) -> (String, String) {
        match resource
            .strip_prefix("arn:aws:states:::")
            .or_else(|| resource.split_once(":states:::").map(|(_, rest)| rest))
        {
            Some(rest) => match rest.split_once(':') {
                Some((service, action)) => (service.to_string(), action.to_string()),
                None => (rest.to_string(), String::new()),
            },
            None => (String::new(), resource.to_string()),
        }
    }
}

/// What a resource answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Success(Value),
    Failure(StatesError),
}

/// The name of a Lambda function a Task invokes, through either resource form.
pub fn lambda_function_name(kind: &ResourceKind, parameters: &Value) -> Option<String> {
    match kind {
        ResourceKind::LambdaFunction { function_name } => Some(function_name.clone()),
        ResourceKind::Service { service, action, .. }
            if service == "lambda" && action == "invoke" =>
        {
            let name = parameters.get("FunctionName")?.as_str()?;
            // FunctionName may be a name, a partial ARN or a full ARN, with a qualifier.
            let name = match name.split_once(":function:") {
                Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
                None => name.split(':').next().unwrap_or(name),
            };
            Some(name.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_resources() {
        assert_eq!(
            ResourceKind::of("arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction"),
            ResourceKind::LambdaFunction { function_name: "MockAPIFunction".into() }
        );
        assert_eq!(
            ResourceKind::of("arn:aws:lambda:us-east-1:123456789012:function:F:$LATEST"),
            ResourceKind::LambdaFunction { function_name: "F".into() }
        );
        assert_eq!(
            ResourceKind::of("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            ResourceKind::Service {
                service: "sqs".into(),
                action: "sendMessage".into(),
                pattern: Pattern::WaitForTaskToken
            }
        );
        assert_eq!(
            ResourceKind::type_and_name("arn:aws:states:::lambda:invoke"),
            ("lambda".to_string(), "invoke".to_string())
        );
    }

    #[test]
    fn finds_function_names_in_invoke_parameters() {
        let kind = ResourceKind::of("arn:aws:states:::lambda:invoke");
        let p = serde_json::json!({"FunctionName": "arn:aws:lambda:us-east-1:1:function:MockAPIFunction:$LATEST"});
        assert_eq!(lambda_function_name(&kind, &p).as_deref(), Some("MockAPIFunction"));
    }
}
