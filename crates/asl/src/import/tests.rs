use serde_json::{json, Value};

use super::*;
use crate::diagnostics::Severity;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn definition(imported: &Imported) -> Value {
    serde_json::from_str(&imported.definition).expect("the definition is JSON")
}

/// The line (1-based) of the first line of `text` containing `needle`, and the column of it.
fn find(text: &str, needle: &str) -> (u32, u32) {
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find(needle) {
            return (i as u32 + 1, line[..at].chars().count() as u32 + 1);
        }
    }
    panic!("{needle} not in the text");
}

fn place(d: &Diagnostic) -> (u32, u32) {
    (d.line.unwrap_or(0), d.column.unwrap_or(0))
}

#[test]
fn a_json_definition_is_taken_as_written() {
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
    let imported = import(text, &Options::default()).unwrap();
    assert_eq!(imported.definition, text);
    assert!(imported.is_verbatim() && !imported.template);
    // Broken JSON is left to validation, which reports it where it always did.
    let imported = import("{\"StartAt\": ", &Options::default()).unwrap();
    let v = imported.validate(MachineType::Standard);
    assert_eq!(v.diagnostics[0].code, codes::INVALID_JSON_DESCRIPTION);
}

#[test]
fn a_yaml_definition_validates_with_positions_in_the_yaml() {
    let text = fixture("definition.yaml");
    let imported = import(&text, &Options::default()).unwrap();
    assert_eq!(imported.format, Format::Yaml);
    assert_eq!(definition(&imported)["States"]["Greet"]["Result"], json!({"greeting": "hello"}));
    assert!(imported.compile().is_ok());
    // A missing target is reported at the YAML line of `Next`.
    let broken = text.replace("Next: Done", "Next: Nowhere");
    let imported = import(&broken, &Options::default()).unwrap();
    let errors = imported.compile().unwrap_err();
    assert_eq!(errors[0].code, codes::MISSING_TRANSITION_TARGET);
    assert_eq!(place(&errors[0]), find(&broken, "Next: Nowhere"));
}

#[test]
fn a_yaml_syntax_error_is_located() {
    let text = fixture("bad.yaml");
    let error = import(&text, &Options::default()).unwrap_err();
    let d = error.diagnostic();
    assert_eq!(d.code, INVALID_YAML_DESCRIPTION);
    assert!(d.message.starts_with("Invalid YAML: "), "{}", d.message);
    assert!(matches!(d.line, Some(5 | 6)), "{d:?}");
}

#[test]
fn sam_template_with_definition_substitutions() {
    let text = fixture("sam.yaml");
    let imported = import(&text, &Options::default()).unwrap();
    assert!(imported.template);
    assert_eq!(imported.state_machines, vec!["OrderStateMachine".to_string()]);
    let d = definition(&imported);
    let states = &d["States"];
    assert_eq!(
        states["Process order"]["Parameters"]["FunctionName"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:ProcessOrderFunction")
    );
    assert_eq!(states["Save order"]["Parameters"]["TableName"], json!("OrdersTable"));
    // A parameter's Default is used, silently.
    assert_eq!(states["Save order"]["Parameters"]["Item"]["stage"]["S"], json!("dev"));
    // A key DefinitionSubstitutions does not have: an ARN-like stand-in and a warning there.
    let topic = states["Notify"]["Parameters"]["TopicArn"].as_str().unwrap();
    assert_eq!(topic, "arn:aws:stepwise:us-east-1:123456789012:unresolved:AlertsTopicArn");
    let warnings: Vec<_> =
        imported.warnings.iter().map(|w| (place(w), w.message.clone())).collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(imported
        .warnings
        .iter()
        .all(|w| w.severity == Severity::Warning && w.code == UNRESOLVED_REFERENCE));
    // The GetAtt substitution: said where it is used.
    assert_eq!(warnings[0].0, find(&text, "FunctionName: ${ProcessOrderFunctionArn}"));
    assert!(
        warnings[0].1.contains("ProcessOrderFunction.Arn is known only once the stack is deployed"),
        "{warnings:?}"
    );
    assert_eq!(warnings[1].0, find(&text, "TableName: ${OrdersTableName}"));
    assert_eq!(warnings[2].0, find(&text, "TopicArn: ${AlertsTopicArn}"));
    assert!(warnings[2].1.contains("not in DefinitionSubstitutions"), "{warnings:?}");
    // It runs as a definition; validation adds the warnings.
    assert!(imported.compile().is_ok());
    let v = imported.validate(MachineType::Standard);
    assert!(v.is_ok());
    assert_eq!(v.diagnostics.len(), 3);
    // A problem in the definition is located in the template.
    let broken = text.replace("Next: Notify", "Next: Notfy");
    let errors = import(&broken, &Options::default()).unwrap().compile().unwrap_err();
    assert_eq!(place(&errors[0]), find(&broken, "Next: Notfy"));
}

#[test]
fn cloudformation_sub_block_resolves_pseudo_parameters_and_parameters() {
    let text = fixture("cfn-sub.yaml");
    let imported = import(&text, &Options::default()).unwrap();
    let d = definition(&imported);
    assert_eq!(d["Comment"], json!("Runs in us-east-1 for 123456789012"));
    assert_eq!(d["States"]["Work"]["Retry"][0]["MaxAttempts"], json!(3));
    assert_eq!(
        d["States"]["Work"]["Resource"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:WorkerFunction")
    );
    assert_eq!(imported.warnings.len(), 1, "{:?}", imported.warnings);
    assert_eq!(place(&imported.warnings[0]), find(&text, "${WorkerFunction.Arn}"));
    assert!(imported.compile().is_ok());
}

#[test]
fn errors_inside_a_sub_block_point_into_the_block() {
    let text = fixture("cfn-sub-broken.yaml");
    let imported = import(&text, &Options::default()).unwrap();
    let errors = imported.compile().unwrap_err();
    assert_eq!(errors[0].code, codes::MISSING_TRANSITION_TARGET);
    // The pointer /States/Work/Next is at its key, after the substituted ${AWS::Region}
    // (a different length) on the same line.
    assert_eq!(place(&errors[0]), find(&text, "\"Next\": \"Nowhere\""));
    // A JSON syntax error inside the block, too.
    let broken = text.replace("\"StartAt\": \"Work\",", "\"StartAt\": \"Work\"");
    let errors = import(&broken, &Options::default()).unwrap().compile().unwrap_err();
    assert_eq!(errors[0].code, codes::INVALID_JSON_DESCRIPTION);
    assert_eq!(errors[0].line, Some(find(&broken, "\"States\": {").0));
}

#[test]
fn cdk_synth_output_joins_strings_and_references() {
    let text = fixture("cdk.template.json");
    let imported = import(&text, &Options::default()).unwrap();
    assert_eq!(imported.format, Format::Json);
    assert_eq!(imported.state_machine.as_deref(), Some("StateMachine2E01A3A5"));
    let d = definition(&imported);
    assert_eq!(d["States"]["Invoke"]["Resource"], json!("arn:aws:states:::lambda:invoke"));
    assert_eq!(
        d["States"]["Invoke"]["Parameters"]["FunctionName"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:MyFunc8A243A2C")
    );
    assert_eq!(imported.warnings.len(), 1);
    assert!(imported.compile().is_ok());
    // A problem in a joined string is located inside the JSON literal, past its escapes.
    let broken = text.replace("\\\"Next\\\":\\\"Done\\\"", "\\\"Next\\\":\\\"Dne\\\"");
    let errors = import(&broken, &Options::default()).unwrap().compile().unwrap_err();
    assert_eq!(place(&errors[0]), find(&broken, "\\\"Next\\\""));
}

#[test]
fn several_state_machines_need_a_choice() {
    let text = fixture("two-machines.yaml");
    let error = import(&text, &Options::default()).unwrap_err();
    assert_eq!(
        error,
        ImportError::Ambiguous { state_machines: vec!["First".into(), "Second".into()] }
    );
    assert!(error.to_string().contains("First, Second"));
    let chosen =
        import(&text, &Options { state_machine: Some("Second"), ..Options::default() }).unwrap();
    assert_eq!(definition(&chosen)["StartAt"], json!("Two"));
    assert_eq!(chosen.state_machines.len(), 2);
    let unknown = import(&text, &Options { state_machine: Some("Third"), ..Options::default() });
    assert!(matches!(unknown, Err(ImportError::UnknownStateMachine { .. })));
}

#[test]
fn definition_uri_is_read_through_the_callback_or_refused() {
    let text = fixture("sam-uri.yaml");
    let error = import(&text, &Options::default()).unwrap_err();
    let d = error.diagnostic();
    assert!(d.message.contains("the page cannot read"), "{}", d.message);
    assert_eq!(place(&d), find(&text, "DefinitionUri"));
    let read = |path: &str| -> Result<String, String> {
        assert_eq!(path, "statemachine/hello.asl.json");
        Ok(fixture(path))
    };
    let imported =
        import(&text, &Options { read_file: Some(&read), ..Options::default() }).unwrap();
    assert_eq!(imported.definition_file.as_deref(), Some("statemachine/hello.asl.json"));
    assert_eq!(
        definition(&imported)["States"]["Hello"]["Resource"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:HelloFunction")
    );
    // The warning is in the definition's file, at the field.
    assert_eq!(
        place(&imported.warnings[0]),
        find(&fixture("statemachine/hello.asl.json"), "\"Resource\"")
    );
}

#[test]
fn templates_without_state_machines_and_odd_intrinsics() {
    let error =
        import("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", &Options::default()).unwrap_err();
    assert!(error.diagnostic().message.contains("no state machine"));
    let text = "Mappings:\n  M:\n    us-east-1:\n      Name: fromMap\nResources:\n  S:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Result:\n              m: !FindInMap [M, !Ref AWS::Region, Name]\n              s: !Select [1, !Split [',', 'a,b,c']]\n              i: !If [Cond, x, y]\n              n: !Ref Nope\n              e: '${!Literal}'\n            End: true\n";
    let imported = import(text, &Options::default()).unwrap();
    let result = &definition(&imported)["States"]["A"]["Result"];
    assert_eq!(result["m"], json!("fromMap"));
    assert_eq!(result["s"], json!("b"));
    assert_eq!(result["i"], json!("arn:aws:stepwise:us-east-1:123456789012:unresolved:Fn::If"));
    assert_eq!(result["n"], json!("arn:aws:stepwise:us-east-1:123456789012:unresolved:Nope"));
    assert_eq!(result["e"], json!("${!Literal}"));
    assert_eq!(imported.warnings.len(), 2, "{:?}", imported.warnings);
    assert_eq!(place(&imported.warnings[0]), (17, 15));
}

#[test]
fn parse_document_reads_json_and_yaml_with_positions() {
    let json_doc = parse_document("{\n  \"a\": [1, 2]\n}").unwrap();
    assert_eq!(json_doc.format, Format::Json);
    assert_eq!(json_doc.map.position("/a/1").map(|p| (p.line, p.column)), Some((2, 12)));
    let yaml_doc = parse_document("a:\n  - 1\n  - 2\n").unwrap();
    assert_eq!(yaml_doc.value, json!({"a": [1, 2]}));
    assert_eq!(yaml_doc.map.position("/a/1").map(|p| (p.line, p.column)), Some((3, 5)));
}

#[test]
fn hostile_templates_end_with_an_error() {
    // A template whose aliases explode.
    let mut text = String::from("Resources:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        text.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    assert!(matches!(import(&text, &Options::default()), Err(ImportError::Syntax { .. })));
    // Intrinsics nested far beyond the resolver's depth: the document's depth limit says no.
    let mut deep = String::from("Resources:\n  S:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: ");
    deep.push_str(&"!Base64 [".repeat(300));
    deep.push_str(&"]".repeat(300));
    assert!(import(&deep, &Options::default()).is_err());
}
