//! Timestamps: AWS's RFC 3339 rules for Wait states and choice rules, and the ISO format the
//! engine writes (context object, history). Milliseconds since the Unix epoch throughout.

use chrono::{DateTime, SecondsFormat, Utc};

/// Parses a timestamp as Step Functions accepts it: RFC 3339 with an uppercase `T` and a `Z`
/// or numeric offset. Returns milliseconds since the epoch (fractions below a millisecond are
/// dropped).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    if !s.contains('T') || s.contains('t') || s.ends_with('z') {
        return None;
    }
    let dt = DateTime::parse_from_rfc3339(s).ok()?;
    Some(dt.timestamp_millis())
}

/// `2026-11-21T10:00:00.123Z`, the form of `$$.Execution.StartTime` and history timestamps.
pub fn format_millis(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::from("1970-01-01T00:00:00.000Z"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339_with_zone() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_timestamp("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_timestamp("2016-03-14T01:59:00.5Z"), Some(1_457_920_740_500));
    }

    #[test]
    fn rejects_what_aws_rejects() {
        for bad in [
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-12-05t21:29:29Z",
            "2016-12-05 21:29:29Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_with_millis_and_z() {
        assert_eq!(format_millis(1_457_920_740_500), "2016-03-14T01:59:00.500Z");
    }
}
