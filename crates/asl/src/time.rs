//! Timestamps: AWS's RFC 3339 rules for Wait states and choice rules, and the ISO format the
//! engine writes (context object, history). Milliseconds since the Unix epoch throughout.
//!
//! Also every conversion from a user's number of seconds to the virtual clock: definitions and
//! inputs are user data, so these saturate instead of overflowing (a panic would kill the
//! browser tab). A wait, timeout or retry delay that would end after [`LATEST_MS`] ends there.

use chrono::{DateTime, SecondsFormat, Utc};

/// The most seconds AWS accepts in a definition's `TimeoutSeconds`, `HeartbeatSeconds`,
/// `IntervalSeconds` or Wait `Seconds` (`SCHEMA_VALIDATION_FAILED: Maximum value is 99999999`).
pub const MAX_SECONDS: u64 = 99_999_999;

/// The latest instant the engine schedules: `9999-12-31T23:59:59.999Z`, the last one an RFC 3339
/// timestamp (four-digit year) can write, so a Wait `Timestamp` can name it and the history
/// can show it.
pub const LATEST_MS: i64 = 253_402_300_799_999;

/// Parses a timestamp as Step Functions accepts it: RFC 3339 with an uppercase `T` and a `Z`
/// or numeric offset. Returns milliseconds since the epoch (fractions below a millisecond are
/// dropped), at most [`LATEST_MS`] (only a negative offset on 9999-12-31 goes past it).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    if !s.contains('T') || s.contains('t') || s.ends_with('z') {
        return None;
    }
    let dt = DateTime::parse_from_rfc3339(s).ok()?;
    Some(dt.timestamp_millis().min(LATEST_MS))
}

/// `2026-11-21T10:00:00.123Z`, the form of `$$.Execution.StartTime` and history timestamps.
/// An instant outside chrono's range (about ±262,000 years) shows as the nearest end of it.
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
    pub(crate) fn ascii(self) -> Option<[u8; 24]> {
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
        // Years outside 0000–9999 (only reachable by absurd timestamps): chrono's spelling,
        // and past chrono's range the nearest end of it.
        let dt = DateTime::<Utc>::from_timestamp_millis(self.0).unwrap_or(if self.0 < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        });
        f.write_str(&dt.to_rfc3339_opts(SecondsFormat::Millis, true))
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

/// Whole seconds as milliseconds, saturating at `i64::MAX`.
pub fn seconds_to_millis(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000)
}

/// Fractional seconds (a retry delay, a JSONata number) as whole milliseconds, rounded half
/// away from zero; infinity saturates at `i64::MAX`, NaN and negatives are 0.
pub fn fractional_seconds_to_millis(secs: f64) -> i64 {
    let ms = (secs * 1000.0).round();
    if ms.is_nan() || ms <= 0.0 {
        0
    } else if ms >= i64::MAX as f64 {
        i64::MAX
    } else {
        ms as i64
    }
}

/// The instant `ms` milliseconds after `now`, at most [`LATEST_MS`] (or `now`, if the clock is
/// already past it).
pub fn after_millis(now: i64, ms: i64) -> i64 {
    now.saturating_add(ms).min(LATEST_MS.max(now))
}

/// The instant `secs` whole seconds after `now` (see [`after_millis`]).
pub fn after_seconds(now: i64, secs: u64) -> i64 {
    after_millis(now, seconds_to_millis(secs))
}

/// The instant `secs` fractional seconds after `now` (see [`fractional_seconds_to_millis`] and
/// [`after_millis`]).
pub fn after_fractional_seconds(now: i64, secs: f64) -> i64 {
    after_millis(now, fractional_seconds_to_millis(secs))
}

/// A retrier's interval before retry number `attempt + 1`: `IntervalSeconds × BackoffRate^attempt`
/// seconds, before `MaxDelaySeconds` and jitter. May be infinite (a large `BackoffRate`); the
/// conversions above saturate it.
pub fn backoff_seconds(interval_seconds: u64, backoff_rate: f64, attempt: u64) -> f64 {
    interval_seconds as f64 * backoff_rate.powi(i32::try_from(attempt).unwrap_or(i32::MAX))
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
    }

    #[test]
    fn the_latest_instant_is_the_last_four_digit_year() {
        assert_eq!(format_millis(LATEST_MS), "9999-12-31T23:59:59.999Z");
        assert_eq!(parse_timestamp("9999-12-31T23:59:59.999Z"), Some(LATEST_MS));
        // A negative offset on the last day would go past it.
        assert_eq!(parse_timestamp("9999-12-31T23:59:59-23:59"), Some(LATEST_MS));
        assert_eq!(parse_timestamp("0000-01-01T00:00:00Z"), Some(-62_167_219_200_000));
    }

    #[test]
    fn out_of_range_instants_format_at_the_nearest_end_never_1970() {
        assert!(format_millis(i64::MAX).starts_with("+262142-"), "{}", format_millis(i64::MAX));
        assert!(format_millis(i64::MIN).starts_with("-262143-"), "{}", format_millis(i64::MIN));
    }

    #[test]
    fn conversions_saturate() {
        assert_eq!(seconds_to_millis(5), 5_000);
        assert_eq!(seconds_to_millis(u64::MAX), i64::MAX);
        assert_eq!(seconds_to_millis(i64::MAX as u64), i64::MAX);
        assert_eq!(fractional_seconds_to_millis(1.5), 1_500);
        assert_eq!(fractional_seconds_to_millis(0.0004), 0);
        assert_eq!(fractional_seconds_to_millis(1e308), i64::MAX);
        assert_eq!(fractional_seconds_to_millis(f64::INFINITY), i64::MAX);
        assert_eq!(fractional_seconds_to_millis(f64::NAN), 0);
        assert_eq!(fractional_seconds_to_millis(-3.0), 0);
        let now = 1_704_067_200_000;
        assert_eq!(after_seconds(now, 10), now + 10_000);
        assert_eq!(after_seconds(now, u64::MAX), LATEST_MS);
        assert_eq!(after_millis(i64::MAX, i64::MAX), i64::MAX, "never before now");
        assert_eq!(after_fractional_seconds(now, f64::INFINITY), LATEST_MS);
        assert_eq!(backoff_seconds(3, 2.0, 2), 12.0);
        assert_eq!(backoff_seconds(1, 1e308, 2), f64::INFINITY);
        assert_eq!(backoff_seconds(99_999_999, 1.0, u64::MAX), 99_999_999.0);
    }
}
