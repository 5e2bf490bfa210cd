//! The response a `.waitForTaskToken` or `.sync` task's submission call returns: what AWS
//! records as the `TaskSubmitted` event's output.
//!
//! AWS calls the service first (SQS `SendMessage`, SNS `Publish`, `StartExecution`, ...) and
//! records that call's own response before it waits for the token or the job. Stepwise calls no
//! service, so it synthesizes the response AWS would have returned for the integrations whose
//! shape it knows, deterministically: ids come from the execution's seeded [`Random`], dates
//! from the virtual clock, `MD5OfMessageBody` is the real MD5 of the body sent. Integrations not
//! listed keep an empty output (docs/compatibility.md).

use md5::{Digest, Md5};
use serde_json::{json, Map, Value};

use crate::random::Random;

/// The submission response for `service:action` called with `parameters` at `now_ms`, or
/// `None` when Stepwise does not know the integration's response shape.
pub fn submission_response(
    service: &str,
    action: &str,
    parameters: &Value,
    now_ms: i64,
    random: &mut Random,
) -> Option<Value> {
    match (service, action) {
        ("sqs", "sendMessage") => Some(sqs_send_message(parameters, now_ms, random)),
        ("sns", "publish") => Some(sns_publish(now_ms, random)),
        ("states", "startExecution") => Some(start_execution(parameters, now_ms, random)),
        _ => None,
    }
}

/// The text SQS receives as the message body: a string as is, any other JSON value serialized
/// (compact, keys in their order).
pub fn sqs_message_body(parameters: &Value) -> String {
    match parameters.get("MessageBody") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Lowercase hex MD5 of `text`'s UTF-8 bytes (SQS's `MD5OfMessageBody`).
pub fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn sqs_send_message(parameters: &Value, now_ms: i64, random: &mut Random) -> Value {
    let md5 = md5_hex(&sqs_message_body(parameters));
    let message_id = random.uuid_v4();
    let request_id = random.uuid_v4();
    // The JSON protocol's body: {"MD5OfMessageBody":"…","MessageId":"…"}.
    let body = json!({"MD5OfMessageBody": md5, "MessageId": message_id}).to_string();
    let mut out = Map::new();
    out.insert("MD5OfMessageBody".into(), Value::String(md5));
    out.insert("MessageId".into(), Value::String(message_id));
    add_metadata(&mut out, &request_id, body.len(), "application/x-amz-json-1.0", now_ms);
    Value::Object(out)
}

fn sns_publish(now_ms: i64, random: &mut Random) -> Value {
    let message_id = random.uuid_v4();
    let request_id = random.uuid_v4();
    // SNS answers in XML (query protocol).
    let body = format!(
        "<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\">\n  <PublishResult>\n    <MessageId>{message_id}</MessageId>\n  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n"
    );
    let mut out = Map::new();
    out.insert("MessageId".into(), Value::String(message_id));
    add_metadata(&mut out, &request_id, body.len(), "text/xml", now_ms);
    Value::Object(out)
}

fn start_execution(parameters: &Value, now_ms: i64, random: &mut Random) -> Value {
    let name = match parameters.get("Name").and_then(Value::as_str) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => random.uuid_v4(),
    };
    let machine = parameters.get("StateMachineArn").and_then(Value::as_str).unwrap_or("");
    // arn:…:stateMachine:NAME[:version or alias] → arn:…:execution:NAME:EXECUTION
    let execution_arn = match machine.split_once(":stateMachine:") {
        Some((prefix, rest)) => {
            let machine_name = rest.split(':').next().unwrap_or(rest);
            format!("{prefix}:execution:{machine_name}:{name}")
        }
        None => format!("{machine}:{name}"),
    };
    let request_id = random.uuid_v4();
    // The JSON body: {"executionArn":"…","startDate":1.713421621425E9} (epoch seconds as the
    // service's JSON writes a double).
    let body_len = format!(
        "{{\"executionArn\":\"{execution_arn}\",\"startDate\":{}}}",
        java_double_seconds(now_ms)
    )
    .len();
    let mut out = Map::new();
    out.insert("ExecutionArn".into(), Value::String(execution_arn));
    add_metadata(&mut out, &request_id, body_len, "application/x-amz-json-1.0", now_ms);
    // The SDK's Date, as the integration serializes it: epoch milliseconds.
    out.insert("StartDate".into(), Value::from(now_ms));
    Value::Object(out)
}

/// `1.713421621425E9`: epoch seconds in Java's `Double.toString` form (for the body length).
fn java_double_seconds(ms: i64) -> String {
    let secs = ms as f64 / 1000.0;
    if secs.abs() < 1e7 {
        return format!("{secs:?}");
    }
    let text = format!("{secs:e}"); // 1.713421621425e9
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa =
        if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exp}")
}

/// `SdkHttpMetadata` and `SdkResponseMetadata` as the AWS SDK for Java reports them: every
/// header twice (`AllHttpHeaders` as lists in arrival order, `HttpHeaders` sorted
/// case-insensitively), the status, and the request id.
fn add_metadata(
    out: &mut Map<String, Value>,
    request_id: &str,
    content_length: usize,
    content_type: &str,
    now_ms: i64,
) {
    let date = http_date(now_ms);
    let length = content_length.to_string();
    let all = json!({
        "x-amzn-RequestId": [request_id],
        "connection": ["keep-alive"],
        "Content-Length": [length],
        "Date": [date],
        "Content-Type": [content_type]
    });
    let headers = json!({
        "connection": "keep-alive",
        "Content-Length": length,
        "Content-Type": content_type,
        "Date": date,
        "x-amzn-RequestId": request_id
    });
    out.insert(
        "SdkHttpMetadata".into(),
        json!({"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": 200}),
    );
    out.insert("SdkResponseMetadata".into(), json!({"RequestId": request_id}));
}

/// An HTTP `Date` header (RFC 7231 IMF-fixdate): `Thu, 18 Apr 2024 06:27:01 GMT`.
fn http_date(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) => t.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_the_rfc_1321_examples() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn start_execution_body_length_is_the_recorded_one() {
        // Recorded on AWS: Content-Length 161 for this ARN (local_mocking SFN_SYNC2).
        let arn = "arn:aws:states:us-east-1:111111111111:execution:statemachine_create_and_record_execution_c4baa6bd:TestStartTarget";
        let body = format!(
            "{{\"executionArn\":\"{arn}\",\"startDate\":{}}}",
            java_double_seconds(1_713_421_621_425)
        );
        assert_eq!(java_double_seconds(1_713_421_621_425), "1.713421621425E9");
        assert_eq!(body.len(), 161);
    }

    #[test]
    fn http_dates_are_imf_fixdate() {
        assert_eq!(http_date(1_713_421_621_000), "Thu, 18 Apr 2024 06:27:01 GMT");
    }
}
