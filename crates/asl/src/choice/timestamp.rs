//! Timestamps as AWS accepts them in Choice rules (RFC 3339, uppercase `T` and `Z`).
//!
//! Apart because both parsing (literal operands) and evaluation (values from the input) need
//! it, and the calendar arithmetic has nothing to do with rules.

/// An instant parsed from an RFC 3339 timestamp: seconds since the Unix epoch (UTC) and
/// nanoseconds. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

/// Parse a timestamp the way AWS accepts it in Choice rules: `YYYY-MM-DDThh:mm:ss`, an optional
/// fraction of 1 to 9 digits, then `Z` or `±hh:mm`. The `T` and `Z` must be uppercase; the date
/// and time must exist (no month 13, no February 30, no second 60).
pub fn parse_timestamp(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .try_fold(0i64, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
    };
    let byte = |i: usize| b.get(i).copied();
    let year = digits(0, 4)?;
    (byte(4) == Some(b'-')).then_some(())?;
    let month = digits(5, 2)?;
    (byte(7) == Some(b'-')).then_some(())?;
    let day = digits(8, 2)?;
    (byte(10) == Some(b'T')).then_some(())?;
    let hour = digits(11, 2)?;
    (byte(13) == Some(b':')).then_some(())?;
    let minute = digits(14, 2)?;
    (byte(16) == Some(b':')).then_some(())?;
    let second = digits(17, 2)?;
    let mut i = 19;
    let mut nanos: u32 = 0;
    if byte(i) == Some(b'.') {
        i += 1;
        let start = i;
        while byte(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        let len = i - start;
        if len == 0 || len > 9 {
            return None;
        }
        let frac = u32::try_from(digits(start, len)?).ok()?;
        nanos = frac * 10u32.pow(u32::try_from(9 - len).ok()?);
    }
    let offset_seconds = match byte(i)? {
        b'Z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let oh = digits(i + 1, 2)?;
            (byte(i + 3) == Some(b':')).then_some(())?;
            let om = digits(i + 4, 2)?;
            if oh > 18 || om > 59 || (oh == 18 && om > 0) {
                return None;
            }
            i += 6;
            let total = oh * 3600 + om * 60;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    if i != b.len() {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(Instant { seconds, nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
