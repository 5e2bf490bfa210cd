//! The response shapes of the service integrations Stepwise knows: the one table of what an
//! optimized integration (or an AWS SDK action) returns to a Task state.
//!
//! TestState checks a mocked result against it (`mock.fieldValidationMode`: `STRICT` checks
//! every present field and requires the required ones, `PRESENT` checks only the present
//! fields, `NONE` nothing), with AWS's messages (`Mock result schema validation error: Field
//! 'X' must be a string`, `… Required field 'X' is missing`, …). Fields the table does not
//! list are accepted, as AWS accepts fields that are not part of an API's model. Anything that
//! synthesizes an integration's response (a default answer for an unmocked Task) should build
//! it from these same shapes, so the two never disagree.
//!
//! A shape lists the fields of AWS's API model that Stepwise knows, with the model's types,
//! enumerations, lengths and ranges; it is not the whole model of every action. A resource
//! not in [`RESPONSES`] is not checked.

use serde_json::Value;

/// The type of one field of a response.
#[derive(Debug)]
pub enum Shape {
    /// A string, with an optional minimum length and allowed values (empty: any).
    String {
        min_len: usize,
        values: &'static [&'static str],
    },
    /// An integer (AWS's `Integer` / `Long`), with an optional range.
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// Any JSON number (`Double`, `Float`).
    Number,
    Boolean,
    /// An ISO-8601 timestamp: a string in a Task's result.
    Timestamp,
    /// Binary data: a base64 string in a Task's result.
    Blob {
        min_len: usize,
    },
    /// Any JSON value (a Lambda `Payload`, a `document`).
    Any,
    Object(&'static [Field]),
    List(&'static Shape),
    /// A map from any key to values of one shape.
    Map(&'static Shape),
}

/// One field of an object shape.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
}

const fn opt(name: &'static str, shape: Shape) -> Field {
    Field { name, shape, required: false }
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field { name, shape, required: true }
}

const STRING: Shape = Shape::String { min_len: 0, values: &[] };
const STRING1: Shape = Shape::String { min_len: 1, values: &[] };
const INTEGER: Shape = Shape::Integer { min: None, max: None };

/// A DynamoDB `AttributeValue` (`M` and `L` nest further ones).
static ATTRIBUTE_VALUE: Shape = Shape::Object(&[
    opt("S", STRING),
    opt("N", STRING),
    opt("B", Shape::Blob { min_len: 0 }),
    opt("SS", Shape::List(&STRING)),
    opt("NS", Shape::List(&STRING)),
    opt("BS", Shape::List(&Shape::Blob { min_len: 0 })),
    opt("M", Shape::Map(&ATTRIBUTE_VALUE)),
    opt("L", Shape::List(&ATTRIBUTE_VALUE)),
    opt("NULL", Shape::Boolean),
    opt("BOOL", Shape::Boolean),
]);

const CAPACITY: Shape = Shape::Object(&[
    opt("ReadCapacityUnits", Shape::Number),
    opt("WriteCapacityUnits", Shape::Number),
    opt("CapacityUnits", Shape::Number),
]);

const CONSUMED_CAPACITY: Shape = Shape::Object(&[
    opt("TableName", STRING1),
    opt("CapacityUnits", Shape::Number),
    opt("ReadCapacityUnits", Shape::Number),
    opt("WriteCapacityUnits", Shape::Number),
    opt("Table", CAPACITY),
    opt("LocalSecondaryIndexes", Shape::Map(&CAPACITY)),
    opt("GlobalSecondaryIndexes", Shape::Map(&CAPACITY)),
]);

const ITEM_COLLECTION_METRICS: Shape = Shape::Object(&[
    opt("ItemCollectionKey", Shape::Map(&ATTRIBUTE_VALUE)),
    opt("SizeEstimateRangeGB", Shape::List(&Shape::Number)),
]);

const DYNAMODB_WRITE: &[Field] = &[
    opt("Attributes", Shape::Map(&ATTRIBUTE_VALUE)),
    opt("ConsumedCapacity", CONSUMED_CAPACITY),
    opt("ItemCollectionMetrics", ITEM_COLLECTION_METRICS),
];

const EXECUTION_STATUS: &[&str] =
    &["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

/// `DescribeExecution`'s answer: what `states:startExecution.sync` (`:2`) returns.
const DESCRIBE_EXECUTION: &[Field] = &[
    req("ExecutionArn", STRING1),
    req("StateMachineArn", STRING1),
    opt("Name", STRING1),
    req("Status", Shape::String { min_len: 0, values: EXECUTION_STATUS }),
    req("StartDate", Shape::Timestamp),
    opt("StopDate", Shape::Timestamp),
    opt("Input", Shape::Any),
    opt("Output", Shape::Any),
    opt("Error", STRING),
    opt("Cause", STRING),
    opt("MapRunArn", STRING1),
    opt("RedriveCount", INTEGER),
    opt("RedriveDate", Shape::Timestamp),
    opt(
        "RedriveStatus",
        Shape::String {
            min_len: 0,
            values: &["REDRIVABLE", "NOT_REDRIVABLE", "REDRIVABLE_BY_MAP_RUN"],
        },
    ),
    opt("StateMachineVersionArn", STRING1),
    opt("StateMachineAliasArn", STRING1),
];

const STORAGE_CLASS: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
];

/// Resource (the part of the ARN after `:::`, e.g. `lambda:invoke`) → its response's fields.
pub static RESPONSES: &[(&str, &[Field])] = &[
    (
        "lambda:invoke",
        &[
            opt("StatusCode", INTEGER),
            opt("FunctionError", STRING),
            opt("LogResult", STRING),
            opt("Payload", Shape::Any),
            opt("ExecutedVersion", STRING1),
        ],
    ),
    (
        "sqs:sendMessage",
        &[
            opt("MD5OfMessageBody", STRING),
            opt("MD5OfMessageAttributes", STRING),
            opt("MD5OfMessageSystemAttributes", STRING),
            opt("MessageId", STRING),
            opt("SequenceNumber", STRING),
        ],
    ),
    ("sns:publish", &[opt("MessageId", STRING), opt("SequenceNumber", STRING)]),
    (
        "dynamodb:getItem",
        &[opt("Item", Shape::Map(&ATTRIBUTE_VALUE)), opt("ConsumedCapacity", CONSUMED_CAPACITY)],
    ),
    ("dynamodb:putItem", DYNAMODB_WRITE),
    ("dynamodb:updateItem", DYNAMODB_WRITE),
    ("dynamodb:deleteItem", DYNAMODB_WRITE),
    ("states:startExecution", &[req("ExecutionArn", STRING1), req("StartDate", Shape::Timestamp)]),
    ("states:startExecution.sync", DESCRIBE_EXECUTION),
    ("states:startExecution.sync:2", DESCRIBE_EXECUTION),
    (
        "events:putEvents",
        &[
            opt("FailedEntryCount", INTEGER),
            opt(
                "Entries",
                Shape::List(&Shape::Object(&[
                    opt("EventId", STRING),
                    opt("ErrorCode", STRING),
                    opt("ErrorMessage", STRING),
                ])),
            ),
        ],
    ),
    (
        "aws-sdk:kms:encrypt",
        &[
            opt("CiphertextBlob", Shape::Blob { min_len: 1 }),
            opt("KeyId", STRING1),
            opt(
                "EncryptionAlgorithm",
                Shape::String {
                    min_len: 0,
                    values: &[
                        "SYMMETRIC_DEFAULT",
                        "RSAES_OAEP_SHA_1",
                        "RSAES_OAEP_SHA_256",
                        "SM2PKE",
                    ],
                },
            ),
        ],
    ),
    (
        "aws-sdk:lambda:getFunction",
        &[
            opt(
                "Configuration",
                Shape::Object(&[
                    opt("FunctionName", STRING1),
                    opt("FunctionArn", STRING),
                    opt("Runtime", STRING),
                    opt("Role", STRING),
                    opt("Handler", STRING),
                    opt("CodeSize", INTEGER),
                    opt("Description", STRING),
                    opt("Timeout", Shape::Integer { min: Some(1), max: None }),
                    opt("MemorySize", Shape::Integer { min: Some(128), max: Some(10240) }),
                    opt("LastModified", STRING),
                    opt("CodeSha256", STRING),
                    opt("Version", STRING1),
                    opt("PackageType", Shape::String { min_len: 0, values: &["Zip", "Image"] }),
                    opt("Architectures", Shape::List(&STRING)),
                ]),
            ),
            opt("Code", Shape::Object(&[opt("RepositoryType", STRING), opt("Location", STRING)])),
            opt("Tags", Shape::Map(&STRING)),
        ],
    ),
    (
        "aws-sdk:s3:getObject",
        &[
            opt("Body", Shape::Any),
            opt("ContentLength", INTEGER),
            opt("ContentType", STRING),
            opt("ETag", STRING),
            opt("LastModified", Shape::Timestamp),
            opt("VersionId", STRING),
            opt("StorageClass", Shape::String { min_len: 0, values: STORAGE_CLASS }),
            opt("DeleteMarker", Shape::Boolean),
            opt("Metadata", Shape::Map(&STRING)),
        ],
    ),
];

/// The response fields of `resource` (a Task's `Resource` ARN), when the table has them.
pub fn response_fields(resource: &str) -> Option<&'static [Field]> {
    let (_, action) = resource.split_once(":::")?;
    RESPONSES.iter().find(|(name, _)| *name == action).map(|(_, fields)| *fields)
}

/// How strictly a mocked result is checked (TestState's `mock.fieldValidationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strictness {
    /// Every present field must fit the shape and every required field be present.
    #[default]
    Strict,
    /// Every present field must fit the shape.
    Present,
}

/// Checks `value` against the response of `resource`: `Err` holds the first problem in
/// AWS's words (`Field 'EventId' must be a string`); a resource without a shape passes.
pub fn check_response(resource: &str, value: &Value, strictness: Strictness) -> Result<(), String> {
    match response_fields(resource) {
        Some(fields) => check_object(fields, value, strictness),
        None => Ok(()),
    }
}

fn check_object(fields: &[Field], value: &Value, strictness: Strictness) -> Result<(), String> {
    let Value::Object(object) = value else {
        // The result itself is not an object: nothing of the shape can be checked by name.
        return Ok(());
    };
    for field in fields {
        match object.get(field.name) {
            Some(v) => check(field.name, &field.shape, v, strictness)?,
            None if field.required && strictness == Strictness::Strict => {
                return Err(format!("Required field '{}' is missing", field.name));
            }
            None => {}
        }
    }
    Ok(())
}

/// Checks one field's value (`serde_json` bounds a parsed value's nesting at 128 levels, which
/// bounds this recursion).
fn check(name: &str, shape: &Shape, v: &Value, strictness: Strictness) -> Result<(), String> {
    let fail = |what: &str| Err(format!("Field '{name}' {what}"));
    match shape {
        Shape::String { min_len, values } => {
            let Some(s) = v.as_str() else { return fail("must be a string") };
            if s.chars().count() < *min_len {
                return fail("is smaller than the minimum length");
            }
            if !values.is_empty() && !values.contains(&s) {
                return fail("is not an expected value");
            }
        }
        Shape::Blob { min_len } => {
            let Some(s) = v.as_str() else { return fail("must be a string") };
            if s.len() < *min_len {
                return fail("is smaller than the minimum length");
            }
        }
        Shape::Timestamp => {
            if !v.is_string() {
                return fail("must be a string");
            }
        }
        Shape::Integer { min, max } => {
            let Value::Number(n) = v else { return fail("must be a number") };
            let Some(i) = n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)) else {
                return fail("must be an integer");
            };
            if min.is_some_and(|m| i < m) {
                return fail("is less than the minimum value");
            }
            if max.is_some_and(|m| i > m) {
                return fail("exceeds the maximum value");
            }
        }
        Shape::Number => {
            if !v.is_number() {
                return fail("must be a number");
            }
        }
        Shape::Boolean => {
            if !v.is_boolean() {
                return fail("must be a boolean");
            }
        }
        Shape::Any => {}
        Shape::Object(fields) => {
            if !v.is_object() {
                return fail("must be an object");
            }
            check_object(fields, v, strictness)?;
        }
        Shape::List(item) => {
            let Some(items) = v.as_array() else { return fail("must be an array") };
            for i in items {
                check(name, item, i, strictness)?;
            }
        }
        Shape::Map(item) => {
            let Some(entries) = v.as_object() else { return fail("must be an object") };
            for (k, i) in entries {
                check(k, item, i, strictness)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_resource_is_listed_once() {
        for (i, (name, _)) in RESPONSES.iter().enumerate() {
            assert!(RESPONSES[i + 1..].iter().all(|(n, _)| n != name), "{name} twice");
        }
    }

    #[test]
    fn list_items_are_named_by_their_field() {
        let r = "arn:aws:states:::events:putEvents";
        let bad = json!({"Entries": [{"EventId": "a"}, {"EventId": ["b"]}]});
        assert_eq!(
            check_response(r, &bad, Strictness::Present),
            Err("Field 'EventId' must be a string".into())
        );
        assert_eq!(check_response(r, &json!({"random": 1}), Strictness::Strict), Ok(()));
    }

    #[test]
    fn required_fields_only_in_strict_mode() {
        let r = "arn:aws:states:::states:startExecution";
        assert_eq!(
            check_response(r, &json!({}), Strictness::Strict),
            Err("Required field 'ExecutionArn' is missing".into())
        );
        assert_eq!(check_response(r, &json!({}), Strictness::Present), Ok(()));
    }

    #[test]
    fn dynamodb_attribute_values_nest() {
        let r = "arn:aws:states:::dynamodb:getItem";
        let ok = json!({"Item": {"a": {"M": {"b": {"L": [{"S": "x"}, {"N": "1"}]}}}}});
        assert_eq!(check_response(r, &ok, Strictness::Strict), Ok(()));
        let bad = json!({"Item": {"a": {"M": {"b": {"L": [{"S": 1}]}}}}});
        assert_eq!(
            check_response(r, &bad, Strictness::Strict),
            Err("Field 'S' must be a string".into())
        );
    }
}
