//! What a Distributed Map's `ItemReader` reads, and how the objects become items: the reader
//! half of decision 0019. Pure functions of the reader's resolved fields and the objects
//! supplied (a mock's answer for the first read, and the mock configuration's `S3Objects`);
//! the runner (`runner/states/distributed_map.rs`) turns an `Err` into
//! `States.ItemReaderFailed` with the text as its cause.
//!
//! - `s3:getObject` with `ReaderConfig.InputType`:
//!   `JSON` (an array, or the array `ItemsPointer` points at in an object), `JSONL` (one JSON
//!   value per line), `CSV` (`CSVHeaderLocation`, `CSVHeaders`, `CSVDelimiter`), `MANIFEST`
//!   (an S3 inventory `manifest.json`; its CSV files are read and each row is an item keyed
//!   by the manifest's `fileSchema`), or with `ManifestType: ATHENA_DATA` an Athena data
//!   manifest (one `s3://` URI per line; each data file is read as `InputType` says, or as
//!   its extension says when `InputType` is `MANIFEST`).
//! - `s3:listObjectsV2` with `Bucket` and `Prefix`: one item per object,
//!   `{Etag, Key, LastModified, Size, StorageClass}` (LastModified in epoch seconds, as the
//!   developer guide shows); with `ReaderConfig.Transformation: LOAD_AND_FLATTEN` each listed
//!   object is read as `InputType` says and its items are the Map's items.

use serde_json::{json, Value};

use super::csv;
use super::s3_objects::{split_uri, S3Objects};

/// The largest item (its compact JSON) an `ItemReader` may give: 256 KiB, AWS's payload
/// quota, which every child execution's input must meet.
pub const MAX_ITEM_BYTES: usize = 262_144;

/// The most bytes one `ItemReader` reads in all (objects, manifests and the files they name):
/// Stepwise's bound, so a manifest naming one object a million times cannot exhaust memory.
pub const MAX_READ_BYTES: usize = 64 * 1_048_576;

/// What a reader reads: its `Resource`, resolved `Parameters` / `Arguments` and
/// `ReaderConfig`.
pub struct Reader<'a> {
    pub resource: &'a str,
    pub parameters: &'a Value,
    pub config: &'a Value,
}

/// The objects a reader can read: the mock's answer for the object the reader names (the
/// GetObject or ListObjectsV2 response), then the mock configuration's `S3Objects`.
pub struct Sources<'a> {
    pub answer: Option<Value>,
    pub objects: &'a S3Objects,
    /// `LastModified` of an object that gives none: the execution's start (ms).
    pub now_ms: i64,
    /// The Map state's name (for the message that says how to supply an object).
    pub state: &'a str,
}

/// The items `reader` gives, or the cause of `States.ItemReaderFailed`.
pub fn read_items(reader: &Reader, mut sources: Sources) -> Result<Vec<Value>, String> {
    let action = reader.resource.rsplit(':').next().unwrap_or_default();
    let mut budget = MAX_READ_BYTES;
    let text_param = |key: &str| reader.parameters.get(key).and_then(Value::as_str);
    let bucket = text_param("Bucket").unwrap_or_default();
    let items = match action {
        "listObjectsV2" => {
            let prefix = text_param("Prefix").unwrap_or_default();
            let listing = match sources.answer.take() {
                Some(answer) => listing_from_answer(answer)?,
                None => sources
                    .objects
                    .list(bucket, prefix)
                    .map(|(key, o)| {
                        json!({
                            "Etag": o.etag(),
                            "Key": key,
                            "LastModified": o.last_modified_ms.unwrap_or(sources.now_ms).div_euclid(1000),
                            "Size": o.body.len(),
                            "StorageClass": o.storage_class.as_deref().unwrap_or("STANDARD"),
                        })
                    })
                    .collect(),
            };
            match reader.config.get("Transformation").and_then(Value::as_str) {
                Some("LOAD_AND_FLATTEN") => {
                    let mut items = Vec::new();
                    for entry in &listing {
                        let key = entry.get("Key").and_then(Value::as_str).unwrap_or_default();
                        let body = fetch(sources.objects, bucket, key, sources.state, &mut budget)?;
                        let format = reader.config.get("InputType").and_then(Value::as_str);
                        items.extend(parse_object(&body, format, reader.config)?);
                    }
                    items
                }
                None | Some("NONE") => listing,
                Some(other) => {
                    return Err(format!(
                        "ReaderConfig.Transformation must be NONE or LOAD_AND_FLATTEN, not {other}"
                    ))
                }
            }
        }
        _ => {
            let key = text_param("Key").unwrap_or_default();
            let body = match sources.answer.take() {
                Some(answer) => {
                    let body = match answer {
                        Value::Object(mut o) if o.contains_key("Body") => {
                            o.remove("Body").unwrap_or(Value::Null)
                        }
                        other => other,
                    };
                    let text = match body {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    charge(&mut budget, text.len(), bucket, key)?;
                    text
                }
                None => fetch(sources.objects, bucket, key, sources.state, &mut budget)?,
            };
            let input_type = reader.config.get("InputType").and_then(Value::as_str);
            match reader.config.get("ManifestType").and_then(Value::as_str) {
                Some("ATHENA_DATA") => {
                    athena_manifest(&body, input_type, reader.config, &sources, &mut budget)?
                }
                None | Some("S3_INVENTORY") if input_type == Some("MANIFEST") => {
                    inventory_manifest(&body, &sources, &mut budget)?
                }
                None => parse_object(&body, input_type, reader.config)?,
                Some(other) => {
                    return Err(format!(
                        "ReaderConfig.ManifestType must be ATHENA_DATA or S3_INVENTORY, not {other}"
                    ))
                }
            }
        }
    };
    for (index, item) in items.iter().enumerate() {
        let bytes = crate::template::budget::approximate_bytes(item, MAX_ITEM_BYTES + 1);
        if bytes > MAX_ITEM_BYTES {
            return Err(format!(
                "The item at index {index} is larger than the maximum item size of {MAX_ITEM_BYTES} bytes."
            ));
        }
    }
    Ok(items)
}

/// The items of one object's text, by `InputType` (`JSON` when absent).
fn parse_object(
    body: &str,
    input_type: Option<&str>,
    config: &Value,
) -> Result<Vec<Value>, String> {
    match input_type {
        Some("CSV") => csv::items(body, config),
        Some("JSONL") => json_lines(body),
        Some("PARQUET") => {
            Err("Stepwise cannot read PARQUET objects: supply the data as CSV, JSON or JSONL."
                .into())
        }
        None | Some("JSON") => json_items(body, config),
        Some(other) => Err(format!(
            "ReaderConfig.InputType must be CSV, JSON, JSONL, PARQUET or MANIFEST, not {other}"
        )),
    }
}

/// A JSON object's items: the array itself, or the array `ItemsPointer` (a JSON Pointer,
/// RFC 6901) selects inside it.
fn json_items(body: &str, config: &Value) -> Result<Vec<Value>, String> {
    const NOT_ITERABLE: &str = "Attempting to map over non-iterable node.";
    let parsed: Value = serde_json::from_str(body).map_err(|_| NOT_ITERABLE.to_string())?;
    let selected = match config.get("ItemsPointer") {
        None => parsed,
        Some(Value::String(pointer)) => {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(format!(
                    "ItemsPointer must be a JSON Pointer starting with '/', not \"{pointer}\""
                ));
            }
            let mut parsed = parsed;
            match parsed.pointer_mut(pointer) {
                Some(v) => v.take(),
                None => {
                    return Err(format!(
                        "ItemsPointer \"{pointer}\" does not point at anything in the JSON object."
                    ))
                }
            }
        }
        Some(other) => return Err(format!("ItemsPointer must be a string, not {other}")),
    };
    match selected {
        Value::Array(items) => Ok(items),
        _ => Err(NOT_ITERABLE.into()),
    }
}

/// JSON Lines: one JSON value per line; blank lines are skipped.
fn json_lines(body: &str) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    for (n, line) in body.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(line).map_err(|e| {
            format!("Line {} of the JSONL object is not valid JSON: {e}", n.saturating_add(1))
        })?;
        items.push(item);
    }
    Ok(items)
}

/// A ListObjectsV2 response mocked for the Map state: its `Contents`, or (as before this
/// reader existed) a `{"Body": "<JSON array text>"}`.
fn listing_from_answer(answer: Value) -> Result<Vec<Value>, String> {
    let value = match answer {
        Value::Object(mut o) if o.contains_key("Contents") => {
            o.remove("Contents").unwrap_or(Value::Null)
        }
        Value::Object(mut o) if o.contains_key("Body") => match o.remove("Body") {
            Some(Value::String(text)) => serde_json::from_str(&text)
                .map_err(|_| "Attempting to map over non-iterable node.".to_string())?,
            Some(other) => other,
            None => Value::Null,
        },
        other => other,
    };
    match value {
        Value::Array(items) => Ok(items),
        _ => Err("Attempting to map over non-iterable node.".into()),
    }
}

/// An S3 inventory `manifest.json`: its CSV files (in the destination bucket) are read, each
/// row an item whose fields are named by `fileSchema`.
fn inventory_manifest(
    body: &str,
    sources: &Sources,
    budget: &mut usize,
) -> Result<Vec<Value>, String> {
    let manifest: Value = serde_json::from_str(body)
        .map_err(|e| format!("The S3 inventory manifest is not valid JSON: {e}"))?;
    let format = manifest.get("fileFormat").and_then(Value::as_str).unwrap_or_default();
    if !format.eq_ignore_ascii_case("CSV") {
        return Err(format!(
            "The S3 inventory manifest's fileFormat is \"{format}\": only CSV inventories can be read."
        ));
    }
    let schema: Vec<Value> = manifest
        .get("fileSchema")
        .and_then(Value::as_str)
        .ok_or("The S3 inventory manifest has no fileSchema.")?
        .split(',')
        .map(|h| Value::String(h.trim().to_string()))
        .collect();
    let destination = manifest
        .get("destinationBucket")
        .and_then(Value::as_str)
        .ok_or("The S3 inventory manifest has no destinationBucket.")?;
    // `arn:aws:s3:::bucket` (any partition) or a bare name.
    let bucket = destination.rsplit(":::").next().unwrap_or(destination);
    let files = manifest
        .get("files")
        .and_then(Value::as_array)
        .ok_or("The S3 inventory manifest has no files.")?;
    let config = json!({"CSVHeaderLocation": "GIVEN", "CSVHeaders": schema});
    let mut items = Vec::new();
    for file in files {
        let key = file
            .get("key")
            .and_then(Value::as_str)
            .ok_or("An entry of the S3 inventory manifest's files has no key.")?;
        let text = fetch(sources.objects, bucket, key, sources.state, budget)?;
        items.extend(csv::items(&text, &config)?);
    }
    Ok(items)
}

/// An Athena data manifest: one `s3://bucket/key` per line, each a data file read as
/// `input_type` says (or, for `MANIFEST` / none, as its extension says).
fn athena_manifest(
    body: &str,
    input_type: Option<&str>,
    config: &Value,
    sources: &Sources,
    budget: &mut usize,
) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (bucket, key) = split_uri(line).ok_or_else(|| {
            format!("The Athena manifest line \"{line}\" is not an S3 URI like s3://bucket/key.")
        })?;
        let text = fetch(sources.objects, bucket, key, sources.state, budget)?;
        let format = match input_type {
            Some("MANIFEST") | None => {
                let lower = key.to_ascii_lowercase();
                if lower.ends_with(".json") || lower.ends_with(".jsonl") {
                    Some("JSONL")
                } else if lower.ends_with(".parquet") {
                    Some("PARQUET")
                } else {
                    Some("CSV")
                }
            }
            given => given,
        };
        let format = if format == Some("JSON") { Some("JSONL") } else { format };
        items.extend(parse_object(&text, format, config)?);
    }
    Ok(items)
}

/// An object's text from `S3Objects`, counted against the read budget.
fn fetch(
    objects: &S3Objects,
    bucket: &str,
    key: &str,
    state: &str,
    budget: &mut usize,
) -> Result<String, String> {
    let object = objects.get(bucket, key).ok_or_else(|| {
        format!(
            "Stepwise has no S3 object s3://{bucket}/{key} for the ItemReader of state '{state}': add it to the mock configuration's S3Objects (or mock the Map state '{state}' with a Return of {{\"Body\": \"<the object's text>\"}})"
        )
    })?;
    charge(budget, object.body.len(), bucket, key)?;
    Ok(object.body.clone())
}

fn charge(budget: &mut usize, bytes: usize, bucket: &str, key: &str) -> Result<(), String> {
    *budget = budget.checked_sub(bytes).ok_or_else(|| {
        format!(
            "Reading s3://{bucket}/{key} takes the ItemReader past Stepwise's limit of {MAX_READ_BYTES} bytes read per ItemReader."
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        resource: &str,
        params: Value,
        config: Value,
        objects: Value,
    ) -> Result<Vec<Value>, String> {
        let objects = S3Objects::from_value(&objects).unwrap();
        let reader = Reader { resource, parameters: &params, config: &config };
        read_items(
            &reader,
            Sources { answer: None, objects: &objects, now_ms: 1_700_000_000_000, state: "M" },
        )
    }

    const GET: &str = "arn:aws:states:::s3:getObject";

    #[test]
    fn jsonl_and_items_pointer() {
        let got = read(
            GET,
            json!({"Bucket": "b", "Key": "k"}),
            json!({"InputType": "JSONL"}),
            json!({"s3://b/k": "{\"a\":1}\n\n[2]\n3\n"}),
        )
        .unwrap();
        assert_eq!(got, vec![json!({"a": 1}), json!([2]), json!(3)]);
        let err = read(
            GET,
            json!({"Bucket": "b", "Key": "k"}),
            json!({"InputType": "JSONL"}),
            json!({"s3://b/k": "{\"a\":1}\n{oops\n"}),
        )
        .unwrap_err();
        assert!(err.starts_with("Line 2 of the JSONL object is not valid JSON"), "{err}");
        let cfg = json!({"InputType": "JSON", "ItemsPointer": "/data/rows"});
        let got = read(
            GET,
            json!({"Bucket": "b", "Key": "k"}),
            cfg.clone(),
            json!({"s3://b/k": {"Body": {"data": {"rows": [1, 2]}}}}),
        )
        .unwrap();
        assert_eq!(got, vec![json!(1), json!(2)]);
        let err = read(
            GET,
            json!({"Bucket": "b", "Key": "k"}),
            cfg,
            json!({"s3://b/k": {"Body": {"data": {}}}}),
        )
        .unwrap_err();
        assert!(err.contains("does not point at anything"), "{err}");
    }

    #[test]
    fn missing_objects_and_oversized_items() {
        let err =
            read(GET, json!({"Bucket": "b", "Key": "nope"}), json!({}), json!({})).unwrap_err();
        assert!(err.contains("no S3 object s3://b/nope"), "{err}");
        let big = format!("[\"{}\"]", "x".repeat(MAX_ITEM_BYTES));
        let err =
            read(GET, json!({"Bucket": "b", "Key": "k"}), json!({}), json!({"s3://b/k": big}))
                .unwrap_err();
        assert_eq!(
            err,
            "The item at index 0 is larger than the maximum item size of 262144 bytes."
        );
    }
}
