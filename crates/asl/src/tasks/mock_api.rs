//! The tutorial's `MockAPIFunction`, built in: a Python Lambda function that answers by
//! `statuscode`, reproduced with the errors and causes a Python Lambda produces.

use serde_json::{json, Value};

use super::Outcome;
use crate::errors::StatesError;

/// The function's source as the tutorial deploys it (shown read-only in the app).
pub const PYTHON_SOURCE: &str = r#"class TooManyRequestsException(Exception): pass
class ServerUnavailableException(Exception): pass
class UnknownException(Exception): pass

def lambda_handler(event, context):
    statuscode = event["statuscode"]
    if statuscode == "429":
        raise TooManyRequestsException('429 Too Many Requests')
    elif statuscode == "503":
        raise ServerUnavailableException('503 Server Unavailable')
    elif statuscode == "200":
        return '200 OK'
    else:
        raise UnknownException('Unknown error')
"#;

/// The function name the built-in answers to.
pub const FUNCTION_NAME: &str = "MockAPIFunction";

/// Runs the function on `event`. `request_id` is the invocation's (deterministic) request id.
pub fn invoke(event: &Value, request_id: &str) -> Outcome {
    // `event["statuscode"]`: a missing key (or a non-object event) raises KeyError / TypeError.
    let statuscode = match event {
        Value::Object(map) => match map.get("statuscode") {
            Some(v) => v,
            None => {
                return raise(
                    "KeyError",
                    "'statuscode'",
                    6,
                    "statuscode = event[\"statuscode\"]",
                    request_id,
                )
            }
        },
        other => {
            let type_name = python_type(other);
            let message = if matches!(other, Value::Array(_)) {
                "list indices must be integers or slices, not str".to_string()
            } else {
                format!("'{type_name}' object is not subscriptable")
            };
            return raise(
                "TypeError",
                &message,
                6,
                "statuscode = event[\"statuscode\"]",
                request_id,
            );
        }
    };
    match statuscode.as_str() {
        Some("200") => Outcome::Success(json!("200 OK")),
        Some("429") => raise(
            "TooManyRequestsException",
            "429 Too Many Requests",
            8,
            "raise TooManyRequestsException('429 Too Many Requests')",
            request_id,
        ),
        Some("503") => raise(
            "ServerUnavailableException",
            "503 Server Unavailable",
            10,
            "raise ServerUnavailableException('503 Server Unavailable')",
            request_id,
        ),
        _ => raise(
            "UnknownException",
            "Unknown error",
            14,
            "raise UnknownException('Unknown error')",
            request_id,
        ),
    }
}

fn python_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// A Python Lambda's failure: error = errorType, cause = the JSON error document.
fn raise(error_type: &str, message: &str, line: u32, code: &str, request_id: &str) -> Outcome {
    let frame = format!(
        "  File \"/var/task/lambda_function.py\", line {line}, in lambda_handler\n    {code}\n"
    );
    let cause = json!({
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": [frame],
    });
    Outcome::Failure(StatesError::new(error_type, crate::history::json_text(&cause)))
}

/// The response `arn:aws:states:::lambda:invoke` returns around a function's result.
pub fn invoke_response(payload: Value, request_id: &str) -> Value {
    let length = crate::history::json_text(&payload).len().to_string();
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [request_id],
                "Content-Length": [length],
                "Content-Type": ["application/json"]
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": request_id
            },
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(outcome: Outcome) -> (String, Value) {
        match outcome {
            Outcome::Failure(e) => (e.error, serde_json::from_str(&e.cause).unwrap()),
            Outcome::Success(v) => panic!("expected a failure, got {v}"),
        }
    }

    #[test]
    fn answers_by_statuscode() {
        assert_eq!(invoke(&json!({"statuscode": "200"}), "r"), Outcome::Success(json!("200 OK")));
        let (error, cause) = failure(invoke(&json!({"statuscode": "429"}), "r-1"));
        assert_eq!(error, "TooManyRequestsException");
        assert_eq!(cause["errorMessage"], "429 Too Many Requests");
        assert_eq!(cause["errorType"], "TooManyRequestsException");
        assert_eq!(cause["requestId"], "r-1");
        let (error, cause) = failure(invoke(&json!({"statuscode": "503"}), "r"));
        assert_eq!(error, "ServerUnavailableException");
        assert_eq!(cause["errorMessage"], "503 Server Unavailable");
        let (error, cause) = failure(invoke(&json!({"statuscode": "500"}), "r"));
        assert_eq!(error, "UnknownException");
        assert_eq!(cause["errorMessage"], "Unknown error");
    }

    #[test]
    fn missing_key_raises_key_error() {
        let (error, cause) = failure(invoke(&json!({"statusCode": "200"}), "r"));
        assert_eq!(error, "KeyError");
        assert_eq!(cause["errorMessage"], "'statuscode'");
        let (error, _) = failure(invoke(&json!("200"), "r"));
        assert_eq!(error, "TypeError");
    }

    #[test]
    fn invoke_response_wraps_the_payload() {
        let r = invoke_response(json!("200 OK"), "id");
        assert_eq!(r["Payload"], "200 OK");
        assert_eq!(r["StatusCode"], 200);
        assert_eq!(r["SdkResponseMetadata"]["RequestId"], "id");
    }
}
