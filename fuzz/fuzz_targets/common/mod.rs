//! Shared by the fuzz targets: a watchdog that turns a hang into a finding, and the splicing
//! of extreme numbers into numeric literals.
#![allow(dead_code)] // each target uses a part of it

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one input may run before the watchdog aborts the process (libFuzzer then saves the
/// input as a crash). Above libFuzzer's own `-timeout=10` that `cargo xtask fuzz` passes, so
/// under xtask libFuzzer reports first; without `-timeout` this still catches a hang.
const GUARD: Duration = Duration::from_secs(60);

/// When the current input started (milliseconds since `epoch()`, plus one; 0 = idle).
static STARTED: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    u64::try_from(epoch().elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Runs `f` under the watchdog: if it takes longer than [`GUARD`], the process aborts
/// (libFuzzer records the input as a crash).
pub fn guarded<T>(f: impl FnOnce() -> T) -> T {
    static WATCHDOG: OnceLock<()> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        epoch();
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_millis(200));
            let started = STARTED.load(Ordering::Relaxed);
            if started != 0 && now_ms().saturating_sub(started - 1) > GUARD.as_millis() as u64 {
                eprintln!("fuzz guard: one input ran longer than {} s: a hang", GUARD.as_secs());
                std::process::abort();
            }
        });
    });
    STARTED.store(now_ms().saturating_add(1), Ordering::Relaxed);
    let out = f();
    STARTED.store(0, Ordering::Relaxed);
    out
}

/// Numbers at the edges of what the engine's arithmetic meets: i64/u64 bounds and just past,
/// the largest and smallest doubles, negative zero, 2^53 + 1, AWS's own limits and just past.
pub const EXTREMES: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "4.9e-324",
    "-0",
    "-0.0",
    "0",
    "-1",
    "0.5",
    "1e-7",
    "9007199254740993",
    "2147483648",
    "4294967296",
    "99999999",
    "100000000",
    "31622401",
    "262144",
    "25000",
    "1e400",
];

/// Splits off an optional three-byte splice header and applies it.
///
/// Bytes 0xF8–0xFF never occur in UTF-8, so a first byte in that range cannot belong to a
/// text seed: it marks `[flags, value, occurrence]`. Flag bit 0 picks the part (0 = the
/// first, 1 = the second of `parts`), bit 1 replaces every numeric literal of that part
/// instead of only the `occurrence`-th, and `value` indexes [`EXTREMES`]. Numbers inside
/// strings count too (intrinsic arguments, `{% … %}` expressions).
pub fn splice_extremes(data: &[u8]) -> (u8, usize, u8, &[u8]) {
    match data {
        [flags, value, occurrence, rest @ ..] if *flags >= 0xF8 => {
            (*flags, usize::from(*value) % EXTREMES.len(), *occurrence, rest)
        }
        _ => (0, 0, 0, data),
    }
}

/// Replaces numeric literals of `text` (a run starting with a digit, or `-` and a digit, then
/// digits, `.`, `e`, `E`, `+`, `-`) by `value`: every one when `all`, else the `nth` (modulo
/// how many there are).
pub fn replace_numbers(text: &str, value: &str, all: bool, nth: u8) -> String {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts && !after_word {
            let start = i;
            i += 1;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    if spans.is_empty() {
        return text.to_string();
    }
    let chosen: Vec<(usize, usize)> =
        if all { spans } else { vec![spans[usize::from(nth) % spans.len()]] };
    let mut out = String::with_capacity(text.len() + chosen.len() * value.len());
    let mut last = 0;
    for (start, end) in chosen {
        // Spans start and end at ASCII bytes, so these are character boundaries.
        out.push_str(&text[last..start]);
        out.push_str(value);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}
