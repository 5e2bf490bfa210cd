//! Distributed Map `ItemReader`s served from the mock configuration's `S3Objects` (decision
//! 0019): JSON Lines, CSV with other delimiters, JSON objects with `ItemsPointer`, S3 listings,
//! S3 inventory and Athena manifests, their limits, and the `ResultWriter` files.

use std::sync::Arc;

use asl::{Execution, ExecutionConfig, ExecutionStatus, MockConfig, StateMachine};
use serde_json::{json, Value};

/// A JSONPath Distributed Map whose iterations pass their item through (or `processor`).
fn machine(reader: Value, extra: Value, processor: Option<Value>) -> Value {
    let processor = processor.unwrap_or_else(|| json!({"Pass": {"Type": "Pass", "End": true}}));
    let start = processor.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
    let mut map = json!({
        "Type": "Map",
        "ItemReader": reader,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": start,
            "States": processor
        },
        "End": true
    });
    if let (Some(m), Some(extra)) = (map.as_object_mut(), extra.as_object()) {
        m.extend(extra.clone());
    }
    json!({"StartAt": "Map", "States": {"Map": map}})
}

fn run_with(definition: Value, mocks: Value, input: Value) -> Execution {
    let machine = StateMachine::from_value(&definition).expect("valid definition");
    let has_case = mocks.get("StateMachines").is_some();
    let mut exec = Execution::start(
        Arc::new(machine),
        ExecutionConfig {
            input,
            mock_config: Some(MockConfig::from_value(&mocks).expect("valid mocks")),
            test_case: has_case.then(|| "T".to_string()),
            ..Default::default()
        },
    );
    exec.run_to_completion();
    exec
}

fn get_object(config: Value) -> Value {
    json!({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": config,
        "Parameters": {"Bucket": "data", "Key.$": "$.key"}
    })
}

fn output(exec: &Execution) -> Value {
    let d = exec.describe();
    assert_eq!(exec.status(), ExecutionStatus::Succeeded, "{:?} {:?}", d.error, d.cause);
    d.output.unwrap_or_default()
}

fn failure(exec: &Execution) -> (String, String) {
    let d = exec.describe();
    assert_eq!(exec.status(), ExecutionStatus::Failed, "output {:?}", d.output);
    (d.error.unwrap_or_default(), d.cause.unwrap_or_default())
}

fn types(exec: &Execution) -> Vec<&str> {
    exec.history().iter().map(|e| e.type_name()).collect()
}

#[test]
fn json_lines_give_one_item_per_line_and_the_history_shows_the_map_run() {
    let def = machine(get_object(json!({"InputType": "JSONL"})), json!({}), None);
    let mocks = json!({"S3Objects": {"s3://data/in/items.jsonl": "{\"id\": 1}\n{\"id\": 2}\n\n{\"id\": 3}\n"}});
    let exec = run_with(def, mocks, json!({"key": "in/items.jsonl"}));
    assert_eq!(output(&exec), json!([{"id": 1}, {"id": 2}, {"id": 3}]));
    assert_eq!(
        types(&exec),
        vec![
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    // JSONata: Arguments instead of Parameters.
    let mut def = machine(
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL", "MaxItems": 2},
               "Arguments": {"Bucket": "data", "Key": "{% $states.input.key %}"}}),
        json!({}),
        None,
    );
    def["QueryLanguage"] = json!("JSONata");
    let mocks = json!({"S3Objects": {"s3://data/k": "1\n2\n3\n"}});
    assert_eq!(output(&run_with(def, mocks, json!({"key": "k"}))), json!([1, 2]));
}

#[test]
fn csv_with_each_delimiter_and_header_location() {
    let cases = [
        ("COMMA", "a,b\n1,2\n"),
        ("PIPE", "a|b\n1|2\n"),
        ("SEMICOLON", "a;b\n1;2\n"),
        ("SPACE", "a b\n1 2\n"),
        ("TAB", "a\tb\n1\t2\n"),
    ];
    for (delimiter, body) in cases {
        let config = json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": delimiter});
        let def = machine(get_object(config), json!({}), None);
        let exec =
            run_with(def, json!({"S3Objects": {"s3://data/t.csv": body}}), json!({"key": "t.csv"}));
        assert_eq!(output(&exec), json!([{"a": "1", "b": "2"}]), "{delimiter}");
    }
    let config = json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "y"], "CSVDelimiter": "PIPE"});
    let def = machine(get_object(config), json!({}), None);
    let exec = run_with(
        def,
        json!({"S3Objects": {"s3://data/t.csv": "1|\"a|b\"\n3|4\n"}}),
        json!({"key": "t.csv"}),
    );
    assert_eq!(output(&exec), json!([{"x": "1", "y": "a|b"}, {"x": "3", "y": "4"}]));
}

#[test]
fn a_json_object_file_with_items_pointer() {
    let config = json!({"InputType": "JSON", "ItemsPointer": "/result/rows"});
    let def = machine(get_object(config), json!({}), None);
    let body = json!({"result": {"rows": [{"n": 1}, {"n": 2}], "count": 2}});
    let exec = run_with(
        def.clone(),
        json!({"S3Objects": {"s3://data/o.json": {"Body": body}}}),
        json!({"key": "o.json"}),
    );
    assert_eq!(output(&exec), json!([{"n": 1}, {"n": 2}]));
    // Pointing at something that is not an array: AWS's cause for a non-iterable node.
    let body = json!({"result": {"rows": {"n": 1}}});
    let exec = run_with(
        def,
        json!({"S3Objects": {"s3://data/o.json": {"Body": body}}}),
        json!({"key": "o.json"}),
    );
    assert_eq!(
        failure(&exec),
        ("States.ItemReaderFailed".into(), "Attempting to map over non-iterable node.".into())
    );
}

#[test]
fn an_s3_listing_with_prefix_gives_the_object_metadata() {
    let reader = json!({"Resource": "arn:aws:states:::s3:listObjectsV2",
                        "Parameters": {"Bucket": "data", "Prefix.$": "$.prefix"}});
    let def = machine(reader, json!({}), None);
    let mocks = json!({"S3Objects": {
        "s3://data/images/b.jpg": {"Body": "bb", "LastModified": "2024-06-01T12:00:00Z", "StorageClass": "GLACIER"},
        "s3://data/images/a.jpg": "a",
        "s3://data/other/c.jpg": "c",
        "s3://elsewhere/images/d.jpg": "d"
    }});
    let exec = run_with(def, mocks, json!({"prefix": "images/"}));
    assert_eq!(
        output(&exec),
        json!([
            {"Etag": "\"0cc175b9c0f1b6a831c399e269772661\"", "Key": "images/a.jpg",
             "LastModified": 1_704_067_200, "Size": 1, "StorageClass": "STANDARD"},
            {"Etag": "\"21ad0bd836b90d08f4cf640b4c298e7c\"", "Key": "images/b.jpg",
             "LastModified": 1_717_243_200, "Size": 2, "StorageClass": "GLACIER"}
        ])
    );
}

#[test]
fn a_listing_loaded_and_flattened() {
    let reader = json!({"Resource": "arn:aws:states:::s3:listObjectsV2",
                        "ReaderConfig": {"InputType": "JSONL", "Transformation": "LOAD_AND_FLATTEN"},
                        "Parameters": {"Bucket": "data", "Prefix": "logs/"}});
    let def = machine(reader, json!({}), None);
    let mocks =
        json!({"S3Objects": {"s3://data/logs/1.jsonl": "1\n2\n", "s3://data/logs/2.jsonl": "3\n"}});
    assert_eq!(output(&run_with(def, mocks, json!({}))), json!([1, 2, 3]));
}

#[test]
fn an_s3_inventory_manifest_reads_its_csv_files() {
    let def = machine(get_object(json!({"InputType": "MANIFEST"})), json!({}), None);
    let manifest = json!({
        "sourceBucket": "source",
        "destinationBucket": "arn:aws:s3:::inventory",
        "version": "2016-11-30",
        "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size, LastModifiedDate",
        "files": [{"key": "inv/data/1.csv.gz", "size": 10, "MD5checksum": "x"},
                  {"key": "inv/data/2.csv.gz", "size": 10, "MD5checksum": "y"}]
    });
    let mocks = json!({"S3Objects": {
        "s3://data/inv/manifest.json": {"Body": manifest},
        "s3://inventory/inv/data/1.csv.gz": "\"source\",\"a.txt\",\"5\",\"2024-01-01T00:00:00.000Z\"\n",
        "s3://inventory/inv/data/2.csv.gz": "\"source\",\"b.txt\",\"7\",\"2024-01-02T00:00:00.000Z\"\n"
    }});
    let exec = run_with(def, mocks, json!({"key": "inv/manifest.json"}));
    assert_eq!(
        output(&exec),
        json!([
            {"Bucket": "source", "Key": "a.txt", "Size": "5", "LastModifiedDate": "2024-01-01T00:00:00.000Z"},
            {"Bucket": "source", "Key": "b.txt", "Size": "7", "LastModifiedDate": "2024-01-02T00:00:00.000Z"}
        ])
    );
    // ORC inventories are refused with the reason.
    let def = machine(get_object(json!({"InputType": "MANIFEST"})), json!({}), None);
    let manifest = json!({"destinationBucket": "arn:aws:s3:::inventory", "fileFormat": "ORC", "fileSchema": "x", "files": []});
    let exec = run_with(
        def,
        json!({"S3Objects": {"s3://data/m.json": {"Body": manifest}}}),
        json!({"key": "m.json"}),
    );
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.ItemReaderFailed");
    assert!(cause.contains("only CSV inventories"), "{cause}");
}

#[test]
fn an_athena_data_manifest_reads_each_data_file() {
    let config = json!({"ManifestType": "ATHENA_DATA", "InputType": "CSV",
                        "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "name"]});
    let def = machine(get_object(config), json!({}), None);
    let mocks = json!({"S3Objects": {
        "s3://data/athena/q-manifest.csv": "s3://results/q/part-1.csv\ns3://results/q/part-2.csv\n",
        "s3://results/q/part-1.csv": "1,ann\n",
        "s3://results/q/part-2.csv": "2,bob\n3,cy\n"
    }});
    let exec = run_with(def, mocks, json!({"key": "athena/q-manifest.csv"}));
    assert_eq!(
        output(&exec),
        json!([{"id": "1", "name": "ann"}, {"id": "2", "name": "bob"}, {"id": "3", "name": "cy"}])
    );
    // InputType MANIFEST: each data file's extension says its format.
    let config = json!({"ManifestType": "ATHENA_DATA", "InputType": "MANIFEST"});
    let def = machine(get_object(config), json!({}), None);
    let mocks = json!({"S3Objects": {
        "s3://data/m": "s3://results/q/part-1.json\n",
        "s3://results/q/part-1.json": "{\"id\": 1}\n{\"id\": 2}\n"
    }});
    assert_eq!(output(&run_with(def, mocks, json!({"key": "m"}))), json!([{"id": 1}, {"id": 2}]));
}

#[test]
fn reader_failures_record_the_map_run_failure_with_the_cause() {
    let def = machine(get_object(json!({"InputType": "JSONL"})), json!({}), None);
    let exec = run_with(def.clone(), json!({"S3Objects": {}}), json!({"key": "missing.jsonl"}));
    let (error, cause) = failure(&exec);
    assert_eq!(error, "States.ItemReaderFailed");
    assert!(cause.starts_with("Stepwise has no S3 object s3://data/missing.jsonl"), "{cause}");
    assert!(types(&exec).contains(&"MapRunFailed"));
    // An item over 256 KiB.
    let big = format!("\"{}\"\n", "x".repeat(262_144));
    let exec = run_with(def, json!({"S3Objects": {"s3://data/big": big}}), json!({"key": "big"}));
    assert_eq!(
        failure(&exec),
        (
            "States.ItemReaderFailed".into(),
            "The item at index 0 is larger than the maximum item size of 262144 bytes.".into()
        )
    );
}

#[test]
fn a_mock_of_the_map_state_still_answers_before_s3_objects() {
    let def = machine(
        get_object(json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"})),
        json!({}),
        None,
    );
    let mocks = json!({
        "StateMachines": {"MyStateMachine": {"TestCases": {"T": {"Map": "Items"}}}},
        "MockedResponses": {"Items": {"0": {"Return": {"Body": "a\n1\n"}}}},
        "S3Objects": {"s3://data/k": "a\n2\n"}
    });
    assert_eq!(output(&run_with(def, mocks, json!({"key": "k"}))), json!([{"a": "1"}]));
}

/// A Distributed Map exporting its results to `s3://out/runs`.
fn exporting(writer_config: Option<Value>, processor: Option<Value>, extra: Value) -> Value {
    let mut writer = json!({"Resource": "arn:aws:states:::s3:putObject",
                            "Parameters": {"Bucket": "out", "Prefix": "runs"}});
    if let Some(c) = writer_config {
        writer["WriterConfig"] = c;
    }
    let mut extra = extra;
    extra["ResultWriter"] = writer;
    machine(get_object(json!({"InputType": "JSONL"})), extra, processor)
}

fn file<'a>(exec: &'a Execution, name: &str) -> &'a asl::runner::result_files::ResultFile {
    exec.result_files()
        .iter()
        .find(|f| f.uri.ends_with(name))
        .unwrap_or_else(|| panic!("no {name} in {:?}", exec.result_files()))
}

#[test]
fn result_writer_files_have_aws_contents() {
    let def = exporting(None, None, json!({}));
    let mocks = json!({"S3Objects": {"s3://data/k": "{\"n\":1}\n{\"n\":2}\n"}});
    let exec = run_with(def, mocks, json!({"key": "k"}));
    let out = output(&exec);
    let run_arn = out["MapRunArn"].as_str().unwrap_or_default().to_string();
    let run_id = run_arn.rsplit(':').next().unwrap_or_default().to_string();
    assert!(run_arn.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:MyStateMachine/Map:"));
    assert_eq!(
        out["ResultWriterDetails"],
        json!({"Bucket": "out", "Key": format!("runs/{run_id}/manifest.json")})
    );
    let uris: Vec<&str> = exec.result_files().iter().map(|f| f.uri.as_str()).collect();
    assert_eq!(
        uris,
        vec![
            format!("s3://out/runs/{run_id}/SUCCEEDED_0.json"),
            format!("s3://out/runs/{run_id}/manifest.json")
        ]
    );
    let succeeded = file(&exec, "SUCCEEDED_0.json");
    let manifest: Value = serde_json::from_str(&file(&exec, "manifest.json").contents).unwrap();
    assert_eq!(
        manifest,
        json!({
            "DestinationBucket": "out",
            "MapRunArn": run_arn,
            "ResultFiles": {
                "FAILED": [],
                "PENDING": [],
                "SUCCEEDED": [{"Key": format!("runs/{run_id}/SUCCEEDED_0.json"), "Size": succeeded.contents.len()}]
            }
        })
    );
    let entries: Value = serde_json::from_str(&succeeded.contents).unwrap();
    let first = &entries[0];
    let name = first["Name"].as_str().unwrap_or_default();
    assert_eq!(name.len(), 36);
    assert_eq!(
        first,
        &json!({
            "ExecutionArn": format!("arn:aws:states:us-east-1:123456789012:execution:MyStateMachine/Map:{run_id}:{name}"),
            "Input": "{\"n\":1}",
            "InputDetails": {"Included": true},
            "Name": name,
            "Output": "{\"n\":1}",
            "OutputDetails": {"Included": true},
            "RedriveCount": 0,
            "RedriveStatus": "NOT_REDRIVABLE",
            "StartDate": "2024-01-01T00:00:00.000Z",
            "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:MyStateMachine/Map",
            "Status": "SUCCEEDED",
            "StopDate": "2024-01-01T00:00:00.000Z"
        })
    );
    assert_eq!(entries[1]["Input"], json!("{\"n\":2}"));
    // Keys in AWS's (alphabetical) order, compact JSON.
    assert!(succeeded.contents.starts_with("[{\"ExecutionArn\":"), "{}", succeeded.contents);
}

#[test]
fn failed_and_pending_children_go_to_their_files() {
    // Item 2 fails; MaxConcurrency 1 leaves items 3 and 4 pending when the map run fails.
    let processor = json!({"Check": {"Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Next": "Boom"}], "Default": "Ok"},
        "Boom": {"Type": "Fail", "Error": "Bad", "Cause": "two"},
        "Ok": {"Type": "Wait", "Seconds": 1, "End": true}});
    let def = exporting(None, Some(processor), json!({"MaxConcurrency": 1}));
    let mocks =
        json!({"S3Objects": {"s3://data/k": "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n"}});
    let exec = run_with(def, mocks, json!({"key": "k"}));
    assert_eq!(exec.status(), ExecutionStatus::Failed);
    let failed: Value = serde_json::from_str(&file(&exec, "FAILED_0.json").contents).unwrap();
    assert_eq!(failed.as_array().map(Vec::len), Some(1));
    assert_eq!(failed[0]["Status"], json!("FAILED"));
    assert_eq!(failed[0]["Error"], json!("Bad"));
    assert_eq!(failed[0]["Cause"], json!("two"));
    assert_eq!(failed[0]["Input"], json!("{\"n\":2}"));
    assert!(failed[0].get("Output").is_none());
    assert_eq!(failed[0]["StartDate"], json!("2024-01-01T00:00:01.000Z"));
    let pending: Value = serde_json::from_str(&file(&exec, "PENDING_0.json").contents).unwrap();
    assert_eq!(
        pending,
        json!([
            {"Input": "{\"n\":3}", "InputDetails": {"Included": true}, "Status": "PENDING"},
            {"Input": "{\"n\":4}", "InputDetails": {"Included": true}, "Status": "PENDING"}
        ])
    );
    let succeeded: Value = serde_json::from_str(&file(&exec, "SUCCEEDED_0.json").contents).unwrap();
    assert_eq!(succeeded[0]["StopDate"], json!("2024-01-01T00:00:01.000Z"));
    let manifest: Value = serde_json::from_str(&file(&exec, "manifest.json").contents).unwrap();
    for status in ["FAILED", "PENDING", "SUCCEEDED"] {
        assert_eq!(manifest["ResultFiles"][status].as_array().map(Vec::len), Some(1), "{status}");
    }
}

#[test]
fn writer_config_compact_flatten_and_jsonl() {
    let processor = json!({"Pair": {"Type": "Pass", "Parameters": {"v.$": "States.Array($.n, $.n)"},
                                    "OutputPath": "$.v", "End": true}});
    let mocks = json!({"S3Objects": {"s3://data/k": "{\"n\":1}\n{\"n\":2}\n"}});
    let def = exporting(
        Some(json!({"OutputType": "JSON", "Transformation": "COMPACT"})),
        Some(processor.clone()),
        json!({}),
    );
    let exec = run_with(def, mocks.clone(), json!({"key": "k"}));
    assert_eq!(file(&exec, "SUCCEEDED_0.json").contents, "[[1,1],[2,2]]");
    let def = exporting(
        Some(json!({"OutputType": "JSONL", "Transformation": "FLATTEN"})),
        Some(processor),
        json!({}),
    );
    let exec = run_with(def, mocks, json!({"key": "k"}));
    assert_eq!(file(&exec, "SUCCEEDED_0.jsonl").contents, "1\n1\n2\n2\n");
}

#[test]
fn no_files_without_an_export() {
    let def = machine(get_object(json!({"InputType": "JSONL"})), json!({}), None);
    let exec = run_with(def, json!({"S3Objects": {"s3://data/k": "1\n"}}), json!({"key": "k"}));
    assert_eq!(output(&exec), json!([1]));
    assert!(exec.result_files().is_empty());
}
