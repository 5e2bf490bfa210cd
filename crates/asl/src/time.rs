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
    Millis(ms).to_string()
}

/// Milliseconds since the epoch, displayed as `2026-11-21T10:00:00.123Z` (what
/// [`format_millis`] returns) without an intermediate string: history serialisation writes
/// one per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Millis(pub i64);

impl Millis {
    /// The 24 bytes of `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0000–9999.
    fn ascii(self) -> Option<[u8; 24]> {
        let days = self.0.div_euclid(86_400_000);
        let in_day = self.0.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return None;
        }
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, in_day / 3_600_000);
        put(14, 2, in_day / 60_000 % 60);
        put(17, 2, in_day / 1000 % 60);
        put(20, 3, in_day % 1000);
        Some(out)
    }
}

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(ascii) = self.ascii() {
            // Only ASCII digits and separators were written.
            return f.write_str(std::str::from_utf8(&ascii).map_err(|_| std::fmt::Error)?);
        }
        // Years outside 0000–9999 (only reachable by absurd timestamps): chrono's spelling.
        match DateTime::<Utc>::from_timestamp_millis(self.0) {
            Some(dt) => f.write_str(&dt.to_rfc3339_opts(SecondsFormat::Millis, true)),
            None => f.write_str("1970-01-01T00:00:00.000Z"),
        }
    }
}

impl serde::Serialize for Millis {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.ascii() {
            Some(ascii) => match std::str::from_utf8(&ascii) {
                Ok(text) => serializer.serialize_str(text),
                Err(_) => serializer.collect_str(self),
            },
            None => serializer.collect_str(self),
        }
    }
}

/// The proleptic Gregorian (year, month, day) of a day number counted from 1970-01-01, by
/// whole 400-year eras (146,097 days each).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    /// The direct formatter agrees with chrono on every day of four centuries (leap years,
    /// century rules) and on instants before the epoch.
    #[test]
    fn formatter_agrees_with_chrono() {
        let chrono = |ms: i64| match DateTime::<Utc>::from_timestamp_millis(ms) {
            Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
            None => String::new(),
        };
        let mut ms = -62_135_596_800_000; // 0001-01-01
        while ms < 253_402_300_799_999 {
            let t = ms + 45_296_789; // 12:34:56.789 into the day
            assert_eq!(format_millis(t), chrono(t));
            ms += 86_400_000 * 37;
        }
        for t in [0, -1, 1, 951_782_400_000, 4_107_542_399_999, 253_402_300_799_999] {
            assert_eq!(format_millis(t), chrono(t), "{t}");
        }
        assert_eq!(format_millis(i64::MAX), "1970-01-01T00:00:00.000Z");
    }
}
