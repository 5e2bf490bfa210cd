//! The app's view of an execution: what the status banner, the input/output tabs and the
//! event history table show. Filled from the engine (`asl::Execution`) once it is merged into
//! this branch; until then `start` reports that no engine is present.

use serde_json::Value;

/// Execution status as the console names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Running => "Running",
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::TimedOut => "Timed out",
            Status::Aborted => "Aborted",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::TimedOut => "timed-out",
            Status::Aborted => "aborted",
        }
    }
}

/// How virtual time advances while an execution runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Waits and retry intervals take no wall time.
    Instant,
    /// One virtual second per second.
    RealTime,
    /// Ten virtual seconds per second.
    Times10,
}

impl Clock {
    pub const ALL: [Clock; 3] = [Clock::Instant, Clock::RealTime, Clock::Times10];

    pub fn label(self) -> &'static str {
        match self {
            Clock::Instant => "Instant",
            Clock::RealTime => "Real time",
            Clock::Times10 => "×10",
        }
    }

    /// Virtual milliseconds per wall-clock millisecond (None: as fast as possible).
    pub fn speed(self) -> Option<f64> {
        match self {
            Clock::Instant => None,
            Clock::RealTime => Some(1.0),
            Clock::Times10 => Some(10.0),
        }
    }
}

/// One row of the event history table.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: u64,
    pub event_type: String,
    pub step: Option<String>,
    pub resource: Option<String>,
    pub elapsed_ms: i64,
    pub timestamp_ms: i64,
    pub details: Value,
}

/// Everything the execution panels show.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub status: Status,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub input: Value,
    pub output: Option<Value>,
    pub events: Vec<EventRow>,
}

/// Starts an execution. The engine is not part of this branch yet, so this says so.
pub fn start(_definition: &str, _input: &Value, _mocks: &str) -> Result<RunView, String> {
    Err("The execution engine is not part of this build yet: the definition is checked, but \
         executions cannot run."
        .into())
}

/// `2025-11-21 08:47:03.123 UTC` for milliseconds since the Unix epoch.
pub fn format_timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{millis:03} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(format_timestamp(1_763_714_823_123), "2025-11-21 08:47:03.123 UTC");
        assert_eq!(format_timestamp(951_782_400_000), "2000-02-29 00:00:00.000 UTC");
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999 UTC");
    }

    #[test]
    fn labels() {
        assert_eq!(Status::TimedOut.label(), "Timed out");
        assert_eq!(Clock::Times10.speed(), Some(10.0));
    }

    #[test]
    fn start_says_the_engine_is_missing() {
        let err = start("{}", &Value::Null, "").err().unwrap_or_default();
        assert!(err.starts_with("The execution engine is not part of this build yet"));
    }
}
