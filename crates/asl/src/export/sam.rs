//! The AWS SAM template that deploys a definition as it is.
//!
//! What the template holds (docs/decisions/0017-deploy-kit.md):
//!
//! - `StateMachine`, an `AWS::Serverless::StateMachine` (STANDARD) with the definition inline.
//!   Every resource the definition names ([`resource_refs`]) is replaced by a `${…}`
//!   placeholder that `DefinitionSubstitutions` fills in: the tutorial's `MockAPIFunction` with
//!   the deployed function's ARN, any other Lambda function or resource ARN with a template
//!   parameter whose default is the ARN as written;
//! - when the definition calls `MockAPIFunction`: the function itself, an
//!   `AWS::Serverless::Function` running the tutorial's Python code inline, and its role
//!   `LambdaBasicExecution` (the tutorial's `lambda_basic_execution`: trusted by Lambda, with
//!   `AWSLambdaBasicExecutionRole` for its logs);
//! - `StepFunctionsBasicExecution`, the tutorial's `step_functions_basic_execution`: trusted by
//!   `states.amazonaws.com`, with the `AWSLambdaRole` managed policy;
//! - the output `StateMachineArn`, for `aws stepfunctions start-execution`.
//!
//! Nothing is given a fixed name (roles, function, state machine): CloudFormation names them
//! after the stack, so the template deploys next to a hand-made copy of the tutorial and needs
//! only `CAPABILITY_IAM`.

use serde_json::{json, Map, Value};

use super::resources::{resource_refs, Resource};
use super::{json, yaml, Format};
use crate::diagnostics::{codes, Diagnostic};
use crate::source;
use crate::tasks::mock_api;
use crate::StateMachine;

/// The state machine's logical id.
pub const STATE_MACHINE_ID: &str = "StateMachine";
/// The built-in function's logical id.
pub const FUNCTION_ID: &str = mock_api::FUNCTION_NAME;
/// The tutorial's `lambda_basic_execution` role.
pub const FUNCTION_ROLE_ID: &str = "LambdaBasicExecution";
/// The tutorial's `step_functions_basic_execution` role.
pub const STATE_MACHINE_ROLE_ID: &str = "StepFunctionsBasicExecution";
/// The placeholder of the built-in function's ARN in the definition.
pub const FUNCTION_PLACEHOLDER: &str = "MockAPIFunctionArn";
/// The output that gives the state machine's ARN.
pub const STATE_MACHINE_OUTPUT: &str = "StateMachineArn";
/// The function's runtime. The tutorial used Python 3.9, which Lambda no longer supports for
/// new functions; the code runs unchanged on this one.
pub const PYTHON_RUNTIME: &str = "python3.13";
/// Inline code is deployed as `index.py`, so the handler is `index.lambda_handler`.
pub const HANDLER: &str = "index.lambda_handler";

/// Longest parameter name made from an ARN (CloudFormation allows 255 characters).
const MAX_NAME: usize = 200;

/// One `${…}` placeholder of the exported definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The placeholder's name (also the template parameter's, except for the built-in).
    pub name: String,
    /// The ARN as written (the parameter's default); for the built-in, its first spelling.
    pub written: String,
    pub resource: Resource,
    /// Where the definition names it.
    pub pointers: Vec<String>,
}

/// The template for definition `text`, as YAML or JSON. An invalid definition gives its
/// diagnostics (the same as `validate`), since AWS would refuse to create the state machine.
pub fn template(text: &str, format: Format) -> Result<String, Vec<Diagnostic>> {
    let machine = StateMachine::from_text(text)?;
    let (definition, _) = source::parse(text).map_err(|e| {
        vec![Diagnostic::error(
            codes::INVALID_JSON_DESCRIPTION,
            format!("Invalid JSON: {}", e.message),
            "/",
        )]
    })?;
    Ok(render(&template_value(&machine, definition), format))
}

/// A template value as text.
pub fn render(template: &Value, format: Format) -> String {
    match format {
        Format::Yaml => yaml::to_yaml(template),
        Format::Json => json::to_json(template),
    }
}

/// The template for a compiled definition; `definition` is its JSON (as parsed, key order
/// kept), which becomes the state machine's `Definition` with the placeholders put in.
pub fn template_value(machine: &StateMachine, mut definition: Value) -> Value {
    let placeholders = placeholders(machine);
    for p in &placeholders {
        for pointer in &p.pointers {
            if let Some(slot) = definition.pointer_mut(pointer) {
                let qualifier = match (&p.resource, slot.as_str()) {
                    (Resource::MockApi { .. }, Some(written)) => mock_qualifier(written),
                    _ => String::new(),
                };
                *slot = Value::String(format!("${{{}}}{qualifier}", p.name));
            }
        }
    }
    let uses_function = placeholders.iter().any(|p| matches!(p.resource, Resource::MockApi { .. }));

    let mut substitutions = Map::new();
    let mut parameters = Map::new();
    for p in &placeholders {
        let value = match p.resource {
            Resource::MockApi { .. } => json!({ "Fn::GetAtt": [FUNCTION_ID, "Arn"] }),
            _ => {
                let description = match p.resource {
                    Resource::LambdaFunction { .. } => {
                        "ARN of a Lambda function the state machine calls (default: as written in the definition)"
                    }
                    _ => "ARN of a resource the state machine uses (default: as written in the definition)",
                };
                parameters.insert(
                    p.name.clone(),
                    json!({ "Type": "String", "Description": description, "Default": p.written }),
                );
                json!({ "Ref": p.name })
            }
        };
        substitutions.insert(p.name.clone(), value);
    }

    let mut properties = Map::new();
    properties.insert("Type".into(), json!("STANDARD"));
    properties.insert("Role".into(), json!({ "Fn::GetAtt": [STATE_MACHINE_ROLE_ID, "Arn"] }));
    if !substitutions.is_empty() {
        properties.insert("DefinitionSubstitutions".into(), Value::Object(substitutions));
    }
    properties.insert("Definition".into(), definition);

    let mut resources = Map::new();
    resources.insert(
        STATE_MACHINE_ID.into(),
        json!({ "Type": "AWS::Serverless::StateMachine", "Properties": properties }),
    );
    resources.insert(
        STATE_MACHINE_ROLE_ID.into(),
        role(
            "states.amazonaws.com",
            "AWSLambdaRole",
            "The tutorial's step_functions_basic_execution: lets the state machine invoke Lambda functions",
        ),
    );
    if uses_function {
        resources.insert(
            FUNCTION_ID.into(),
            json!({
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Description": "The tutorial's mock API: raises TooManyRequestsException for statuscode 429, ServerUnavailableException for 503, UnknownException for anything but 200",
                    "Runtime": PYTHON_RUNTIME,
                    "Handler": HANDLER,
                    "Role": { "Fn::GetAtt": [FUNCTION_ROLE_ID, "Arn"] },
                    "InlineCode": mock_api::PYTHON_SOURCE
                }
            }),
        );
        resources.insert(
            FUNCTION_ROLE_ID.into(),
            role(
                "lambda.amazonaws.com",
                "AWSLambdaBasicExecutionRole",
                "The tutorial's lambda_basic_execution: lets MockAPIFunction run and write its logs",
            ),
        );
    }

    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    template.insert(
        "Description".into(),
        json!(if uses_function {
            "A state machine exported from Stepwise, with the tutorial's MockAPIFunction and IAM roles"
        } else {
            "A state machine exported from Stepwise, with the tutorial's IAM role"
        }),
    );
    if !parameters.is_empty() {
        template.insert("Parameters".into(), Value::Object(parameters));
    }
    template.insert("Resources".into(), Value::Object(resources));
    template.insert(
        "Outputs".into(),
        json!({
            STATE_MACHINE_OUTPUT: {
                "Description": "The state machine's ARN (aws stepfunctions start-execution --state-machine-arn)",
                "Value": { "Ref": STATE_MACHINE_ID }
            }
        }),
    );
    Value::Object(template)
}

/// An IAM role trusted by `service`, with one AWS managed service-role policy.
fn role(service: &str, managed_policy: &str, description: &str) -> Value {
    json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": description,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": service },
                    "Action": "sts:AssumeRole"
                }]
            },
            "ManagedPolicyArns": [{
                "Fn::Sub": format!("arn:${{AWS::Partition}}:iam::aws:policy/service-role/{managed_policy}")
            }]
        }
    })
}

/// What follows the built-in's name in how it is written (`:$LATEST`, usually nothing).
fn mock_qualifier(written: &str) -> String {
    let after = match written.split_once(":function:") {
        Some((_, rest)) => rest,
        None => written,
    };
    after.strip_prefix(mock_api::FUNCTION_NAME).unwrap_or_default().to_string()
}

/// The placeholders of a definition, one per resource (every spelling of the built-in
/// function shares one), in the order the definition first names them.
pub fn placeholders(machine: &StateMachine) -> Vec<Placeholder> {
    let mut out: Vec<Placeholder> = Vec::new();
    let mut taken: Vec<String> = [
        STATE_MACHINE_ID,
        FUNCTION_ID,
        FUNCTION_ROLE_ID,
        STATE_MACHINE_ROLE_ID,
        FUNCTION_PLACEHOLDER,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in resource_refs(machine) {
        let same = out.iter_mut().find(|p| match (&p.resource, &r.resource) {
            (Resource::MockApi { .. }, Resource::MockApi { .. }) => true,
            (Resource::MockApi { .. }, _) | (_, Resource::MockApi { .. }) => false,
            _ => p.written == r.written,
        });
        if let Some(p) = same {
            p.pointers.push(r.pointer);
            continue;
        }
        let name = match &r.resource {
            Resource::MockApi { .. } => FUNCTION_PLACEHOLDER.to_string(),
            Resource::LambdaFunction { function } => {
                unique(&camel(&[function.as_str()]), &mut taken)
            }
            Resource::Other { service, resource } => {
                unique(&camel(&[service, resource]), &mut taken)
            }
        };
        out.push(Placeholder {
            name,
            written: r.written,
            resource: r.resource,
            pointers: vec![r.pointer],
        });
    }
    out
}

/// `["sns", "order-topic"]` → `SnsOrderTopic`: ASCII letters and digits, each word
/// capitalised; never empty, never starting with a digit, at most [`MAX_NAME`] characters.
fn camel(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        for word in part.split(|c: char| !c.is_ascii_alphanumeric()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "Resource");
    }
    out.truncate(MAX_NAME);
    out
}

/// `base` + `Arn`, or with a number (`…Arn2`, `…Arn3`) when that name is taken.
fn unique(base: &str, taken: &mut Vec<String>) -> String {
    let mut name = format!("{base}Arn");
    let mut n = 2u32;
    while taken.contains(&name) {
        name = format!("{base}Arn{n}");
        n = n.saturating_add(1);
    }
    taken.push(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(text: &str) -> Value {
        let machine = StateMachine::from_text(text).expect("valid definition");
        template_value(&machine, serde_json::from_str(text).unwrap())
    }

    #[test]
    fn the_tutorial_gets_its_function_and_roles() {
        let text = include_str!("../../../../examples/tutorial.asl.json");
        let t = export(text);
        let sm = &t["Resources"]["StateMachine"];
        assert_eq!(sm["Type"], "AWS::Serverless::StateMachine");
        assert_eq!(
            sm["Properties"]["Definition"]["States"]["Call API"]["Resource"],
            "${MockAPIFunctionArn}"
        );
        assert_eq!(
            sm["Properties"]["DefinitionSubstitutions"],
            json!({"MockAPIFunctionArn": {"Fn::GetAtt": ["MockAPIFunction", "Arn"]}})
        );
        assert_eq!(
            sm["Properties"]["Role"],
            json!({"Fn::GetAtt": ["StepFunctionsBasicExecution", "Arn"]})
        );
        // The rest of the definition is as written, in its order.
        let mut expected: Value = serde_json::from_str(text).unwrap();
        expected["States"]["Call API"]["Resource"] = json!("${MockAPIFunctionArn}");
        assert_eq!(sm["Properties"]["Definition"], expected);
        let keys: Vec<&String> =
            sm["Properties"]["Definition"]["States"].as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "Call API");

        let f = &t["Resources"]["MockAPIFunction"];
        assert_eq!(f["Type"], "AWS::Serverless::Function");
        assert_eq!(f["Properties"]["InlineCode"], mock_api::PYTHON_SOURCE);
        assert_eq!(f["Properties"]["Handler"], "index.lambda_handler");
        assert_eq!(f["Properties"]["Role"], json!({"Fn::GetAtt": ["LambdaBasicExecution", "Arn"]}));

        let sfn_role = &t["Resources"]["StepFunctionsBasicExecution"]["Properties"];
        assert_eq!(
            sfn_role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "states.amazonaws.com"
        );
        assert_eq!(
            sfn_role["ManagedPolicyArns"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaRole"
        );
        let fn_role = &t["Resources"]["LambdaBasicExecution"]["Properties"];
        assert_eq!(
            fn_role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "lambda.amazonaws.com"
        );
        assert!(t.get("Parameters").is_none());
        assert_eq!(t["Outputs"]["StateMachineArn"]["Value"], json!({"Ref": "StateMachine"}));
    }

    #[test]
    fn a_definition_without_the_function_gets_only_the_state_machine_role() {
        let t = export(include_str!("../../../../examples/choice.asl.json"));
        let resources = t["Resources"].as_object().unwrap();
        let ids: Vec<&String> = resources.keys().collect();
        assert_eq!(ids, ["StateMachine", "StepFunctionsBasicExecution"]);
        assert!(t["Resources"]["StateMachine"]["Properties"]
            .get("DefinitionSubstitutions")
            .is_none());
    }

    #[test]
    fn other_resources_become_parameters_with_their_arn_as_default() {
        let text = r#"{
          "StartAt": "A",
          "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:resize-image", "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "MockAPIFunction", "Payload.$": "$"}, "Next": "C"},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
              "Parameters": {"TopicArn": "arn:aws:sns:eu-west-1:111122223333:Orders", "Message": "hi"},
              "Next": "D"},
            "D": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:resize-image", "Next": "E"},
            "E": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction:$LATEST", "End": true}
          }
        }"#;
        let t = export(text);
        let states = &t["Resources"]["StateMachine"]["Properties"]["Definition"]["States"];
        assert_eq!(states["A"]["Resource"], "${ResizeImageArn}");
        assert_eq!(states["D"]["Resource"], "${ResizeImageArn}");
        assert_eq!(states["B"]["Parameters"]["FunctionName"], "${MockAPIFunctionArn}");
        assert_eq!(states["C"]["Parameters"]["TopicArn"], "${SnsOrdersArn}");
        assert_eq!(states["C"]["Resource"], "arn:aws:states:::sns:publish");
        assert_eq!(states["E"]["Resource"], "${MockAPIFunctionArn}:$LATEST");
        assert_eq!(
            t["Resources"]["StateMachine"]["Properties"]["DefinitionSubstitutions"],
            json!({
                "ResizeImageArn": {"Ref": "ResizeImageArn"},
                "MockAPIFunctionArn": {"Fn::GetAtt": ["MockAPIFunction", "Arn"]},
                "SnsOrdersArn": {"Ref": "SnsOrdersArn"}
            })
        );
        let parameters = t["Parameters"].as_object().unwrap();
        assert_eq!(parameters.len(), 2);
        assert_eq!(
            parameters["ResizeImageArn"]["Default"],
            "arn:aws:lambda:eu-west-1:111122223333:function:resize-image"
        );
        assert_eq!(parameters["ResizeImageArn"]["Type"], "String");
        assert_eq!(
            parameters["SnsOrdersArn"]["Default"],
            "arn:aws:sns:eu-west-1:111122223333:Orders"
        );
        assert!(t["Resources"].get("MockAPIFunction").is_some());
    }

    #[test]
    fn parameter_names_are_identifiers_and_unique() {
        assert_eq!(camel(&["sns", "order-topic"]), "SnsOrderTopic");
        assert_eq!(camel(&["9lives"]), "Resource9lives");
        assert_eq!(camel(&["--"]), "Resource");
        assert_eq!(camel(&["é"]), "Resource");
        assert_eq!(camel(&[&"x".repeat(500)]).len(), MAX_NAME);
        let mut taken = vec!["StateMachine".to_string()];
        assert_eq!(unique("A", &mut taken), "AArn");
        assert_eq!(unique("A", &mut taken), "AArn2");
        assert_eq!(unique("A", &mut taken), "AArn3");
        // Two qualifiers of one function are two resources.
        let text = r#"{"StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:F:1", "Next": "B"},
          "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:F-1", "End": true}}}"#;
        let names: Vec<String> = placeholders(&StateMachine::from_text(text).unwrap())
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["F1Arn", "F1Arn2"]);
    }

    #[test]
    fn invalid_definitions_are_refused_with_their_diagnostics() {
        let errors = template(r#"{"StartAt": "Nope", "States": {}}"#, Format::Yaml).unwrap_err();
        assert!(!errors.is_empty());
        let errors = template("{", Format::Json).unwrap_err();
        assert_eq!(errors[0].code, codes::INVALID_JSON_DESCRIPTION);
    }

    #[test]
    fn yaml_and_json_hold_the_same_template() {
        let text = include_str!("../../../../examples/tutorial.asl.json");
        let json_text = template(text, Format::Json).unwrap();
        let value: Value = serde_json::from_str(&json_text).unwrap();
        assert_eq!(value["Resources"]["MockAPIFunction"]["Properties"]["Runtime"], PYTHON_RUNTIME);
        let yaml_text = template(text, Format::Yaml).unwrap();
        assert!(yaml_text.starts_with(
            "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: \"AWS::Serverless-2016-10-31\"\n"
        ));
        assert!(yaml_text.contains(
            "      InlineCode: |\n        class TooManyRequestsException(Exception): pass\n"
        ));
        assert!(yaml_text.contains("\"Call API\":"));
        assert!(yaml_text.contains("Resource: \"${MockAPIFunctionArn}\""));
    }
}
