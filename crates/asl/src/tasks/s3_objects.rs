//! S3 objects that a Distributed Map's `ItemReader` reads: the `S3Objects` section of a mock
//! configuration (a Stepwise extension, decision 0019).
//!
//! ```json
//! {"S3Objects": {
//!    "s3://my-bucket/data/items.jsonl": "{\"id\": 1}\n{\"id\": 2}\n",
//!    "s3://my-bucket/data/rows.csv": {"Body": "a,b\n1,2\n", "LastModified": "2025-01-01T00:00:00Z"},
//!    "s3://my-bucket/data/doc.json": {"Body": {"Rows": [1, 2, 3]}}
//! }}
//! ```
//! Each key is an `s3://bucket/key` URI; each value is the object's text, or an object with
//! its `Body` (text, or any JSON value, stored as its compact JSON text) and optionally the
//! metadata an `s3:listObjectsV2` listing shows (`LastModified` as RFC 3339, `ETag`,
//! `StorageClass`). The same objects answer `s3:getObject` reads (by bucket and key) and
//! `s3:listObjectsV2` listings (by bucket and prefix, in key order as S3 lists them).

use std::collections::BTreeMap;

use serde_json::Value;

/// One stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct S3Object {
    pub body: String,
    /// `LastModified`, milliseconds since the epoch (`None`: the execution's start time).
    pub last_modified_ms: Option<i64>,
    /// `ETag` as S3 gives it, quotes included (`None`: the MD5 of the body, as S3 computes
    /// it for an object uploaded in one part).
    pub etag: Option<String>,
    /// `StorageClass` (`None`: `STANDARD`).
    pub storage_class: Option<String>,
}

impl S3Object {
    /// The `ETag` a listing shows: the given one, or `"<md5 of the body>"` with its quotes.
    pub fn etag(&self) -> String {
        self.etag
            .clone()
            .unwrap_or_else(|| format!("\"{}\"", crate::tasks::submitted::md5_hex(&self.body)))
    }
}

/// The objects of a mock configuration's `S3Objects`, by bucket and key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct S3Objects {
    /// Shared: a configuration is cloned per execution, the objects need not be (and a mock
    /// configuration stays small to move around).
    objects: std::sync::Arc<BTreeMap<(String, String), S3Object>>,
}

impl S3Objects {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn get(&self, bucket: &str, key: &str) -> Option<&S3Object> {
        self.objects.get(&(bucket.to_string(), key.to_string()))
    }

    /// The objects of `bucket` whose key starts with `prefix`, in key order (S3 lists keys in
    /// ascending UTF-8 byte order, which is `String`'s order).
    pub fn list<'a>(
        &'a self,
        bucket: &'a str,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a S3Object)> + 'a {
        self.objects
            .range((bucket.to_string(), prefix.to_string())..)
            .take_while(move |((b, k), _)| b == bucket && k.starts_with(prefix))
            .map(|((_, k), o)| (k.as_str(), o))
    }

    /// Every object, as `(s3://bucket/key, object)`, in bucket and key order.
    pub fn iter(&self) -> impl Iterator<Item = (String, &S3Object)> {
        self.objects.iter().map(|((b, k), o)| (format!("s3://{b}/{k}"), o))
    }

    /// Parses the `S3Objects` section; errors name the URI and the field.
    pub fn from_value(value: &Value) -> Result<S3Objects, String> {
        let entries = value.as_object().ok_or("S3Objects must be an object")?;
        let mut objects = BTreeMap::new();
        for (uri, entry) in entries {
            let (bucket, key) = split_uri(uri).ok_or_else(|| {
                format!("S3Objects: \"{uri}\" is not an S3 URI like \"s3://bucket/key\"")
            })?;
            let object = match entry {
                Value::String(body) => S3Object {
                    body: body.clone(),
                    last_modified_ms: None,
                    etag: None,
                    storage_class: None,
                },
                Value::Object(fields) => {
                    let at = format!("S3Objects.{uri}");
                    if let Some(unknown) = fields.keys().find(|k| {
                        !matches!(k.as_str(), "Body" | "LastModified" | "ETag" | "StorageClass")
                    }) {
                        return Err(format!(
                            "{at} has an unknown field \"{unknown}\" (expected Body, and optionally LastModified, ETag, StorageClass)"
                        ));
                    }
                    let body = match fields.get("Body") {
                        Some(Value::String(text)) => text.clone(),
                        Some(other) => other.to_string(),
                        None => return Err(format!("{at} needs a Body")),
                    };
                    let text = |field: &str| -> Result<Option<String>, String> {
                        match fields.get(field) {
                            None => Ok(None),
                            Some(Value::String(s)) => Ok(Some(s.clone())),
                            Some(_) => Err(format!("{at}.{field} must be a string")),
                        }
                    };
                    let last_modified_ms = match text("LastModified")? {
                        None => None,
                        Some(t) => Some(crate::time::parse_timestamp(&t).ok_or_else(|| {
                            format!("{at}.LastModified must be an RFC 3339 timestamp like \"2025-01-31T12:00:00Z\", not \"{t}\"")
                        })?),
                    };
                    S3Object {
                        body,
                        last_modified_ms,
                        etag: text("ETag")?,
                        storage_class: text("StorageClass")?,
                    }
                }
                _ => {
                    return Err(format!(
                        "S3Objects.{uri} must be the object's text or an object with a Body"
                    ))
                }
            };
            objects.insert((bucket.to_string(), key.to_string()), object);
        }
        Ok(S3Objects { objects: std::sync::Arc::new(objects) })
    }
}

/// `s3://bucket/key` → `(bucket, key)`; the key may be empty only for a bucket URI.
pub fn split_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then_some((bucket, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_text_and_objects_and_lists_by_prefix() {
        let objects = S3Objects::from_value(&json!({
            "s3://b/data/2.csv": "x",
            "s3://b/data/1.json": {"Body": [1, 2], "StorageClass": "GLACIER"},
            "s3://b/other": "y",
            "s3://c/data/3": "z"
        }))
        .unwrap();
        assert_eq!(objects.get("b", "data/1.json").unwrap().body, "[1,2]");
        let listed: Vec<&str> = objects.list("b", "data/").map(|(k, _)| k).collect();
        assert_eq!(listed, vec!["data/1.json", "data/2.csv"]);
        assert_eq!(objects.list("b", "").count(), 3);
        assert_eq!(
            objects.get("b", "data/2.csv").unwrap().etag(),
            "\"9dd4e461268c8034f5c8564e155c67a6\""
        );
    }

    #[test]
    fn refuses_bad_entries_naming_the_uri() {
        let err = |v: Value| S3Objects::from_value(&v).unwrap_err();
        assert!(err(json!({"bucket/key": "x"})).contains("is not an S3 URI"));
        assert!(err(json!({"s3://b/k": 1})).contains("must be the object's text"));
        assert!(err(json!({"s3://b/k": {"Bdy": "x"}})).contains("unknown field \"Bdy\""));
        assert!(err(json!({"s3://b/k": {}})).contains("needs a Body"));
        assert!(err(json!({"s3://b/k": {"Body": "", "LastModified": "yesterday"}}))
            .contains("S3Objects.s3://b/k.LastModified must be an RFC 3339"));
    }
}
