//! `cargo xtask bench-peer [runs]`: `asl run` against the TypeScript peer
//! aws-local-stepfunctions on the same Choice/Pass loop, each run a whole process.
//!
//! It prints figures and never asserts timings. It does check, once before timing, that both
//! sides finish the loop with the same output (and that `asl` records the whole history), so
//! the figures compare the same work.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{cmd, output_of, root, run, target_dir, Result};

/// The peer's npm package and the exact version measured (pinned in the scratch package.json).
const PEER_PACKAGE: &str = "aws-local-stepfunctions";
const PEER_VERSION: &str = "3.0.0";
/// The loop definition, relative to the workspace root.
const DEFINITION: &str = "crates/asl/benches/loop.asl.json";
const INPUT: &str = r#"{"n":4000}"#;
/// `Init`, then 4,000 × (`Check`, `Inc`), then the last `Check` and `Done`.
const TRANSITIONS: usize = 8_003;
/// ExecutionStarted + entered/exited per state + ExecutionSucceeded.
const EVENTS: usize = 2 * TRANSITIONS + 2;
const DEFAULT_RUNS: usize = 11;

/// Wall time and peak resident set size of one process.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    max_rss_kib: u64,
}

pub fn bench_peer(args: &[String]) -> Result<()> {
    let runs = match args {
        [] => DEFAULT_RUNS,
        [n] => n
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("runs must be a positive number, not '{n}'"))?,
        _ => return Err("usage: cargo xtask bench-peer [runs]".into()),
    };

    let mut build = cmd("cargo");
    build.args(["build", "--release", "-p", "asl-cli"]);
    run(build)?;
    let asl = target_dir().join("release").join("asl");
    let peer_dir = target_dir().join("bench-peer");
    install_peer(&peer_dir)?;
    let node = output_of({
        let mut c = cmd("node");
        c.arg("--version");
        c
    })
    .ok_or("node is not installed (Node.js 20 or newer is needed)")?;

    let definition = root().join(DEFINITION);
    let script = root().join("xtask").join("bench-peer").join("peer.mjs");
    let asl_command = || {
        let mut c = Command::new(&asl);
        c.arg("run").arg(&definition).args(["--input", INPUT]);
        c
    };
    let peer_command = || {
        let mut c = Command::new("node");
        c.arg(&script).arg(&peer_dir).arg(&definition).arg(INPUT);
        c
    };
    let node_command = || {
        let mut c = Command::new("node");
        c.args(["-e", ""]);
        c
    };

    check_same_work(&mut asl_command(), &mut peer_command())?;

    eprintln!("xtask: {runs} runs each, alternating asl, peer, node -e ''");
    let load_before = load_average();
    let (mut asl_runs, mut peer_runs, mut node_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        asl_runs.push(measure(&mut asl_command())?);
        peer_runs.push(measure(&mut peer_command())?);
        node_runs.push(measure(&mut node_command())?);
    }
    let load_after = load_average();

    let asl = summary(&asl_runs);
    let peer = summary(&peer_runs);
    let node_start = summary(&node_runs);
    let peer_net = peer.median - node_start.median;
    println!(
        "loop: {DEFINITION}, input {INPUT}: {TRANSITIONS} transitions, {EVENTS} events; \
         {runs} runs each, whole processes, stdout to /dev/null"
    );
    println!("peer: {PEER_PACKAGE} {PEER_VERSION} on node {node}");
    println!("{:<38} {:>9} {:>9} {:>9} {:>13}", "", "median", "min", "max", "peak RSS");
    print_row("asl run (release)", &asl);
    print_row("peer (node + aws-local-stepfunctions)", &peer);
    print_row("node -e '' (start-up baseline)", &node_start);
    println!(
        "peer/asl: {:.2}x (medians); peer without node start-up: {:.3} s, {:.2}x asl",
        peer.median / asl.median,
        peer_net,
        peer_net / asl.median
    );
    println!(
        "asl: peak RSS {:.1} MiB (median), {:.0} transitions/s",
        asl.rss_mib,
        TRANSITIONS as f64 / asl.median
    );
    if let (Some(before), Some(after)) = (load_before, load_after) {
        println!("load average (1 min): {before} before, {after} after");
    }
    Ok(())
}

/// Installs the pinned peer into `dir/node_modules` unless that exact version is there.
fn install_peer(dir: &Path) -> Result<()> {
    let installed = dir.join("node_modules").join(PEER_PACKAGE).join("package.json");
    let version = fs::read_to_string(&installed)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string));
    if version.as_deref() == Some(PEER_VERSION) {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = json!({
        "name": "stepwise-bench-peer",
        "private": true,
        "dependencies": { PEER_PACKAGE: PEER_VERSION },
    });
    fs::write(dir.join("package.json"), format!("{manifest:#}\n"))
        .map_err(|e| format!("cannot write {}/package.json: {e}", dir.display()))?;
    let mut c = cmd("npm");
    c.current_dir(dir).args(["install", "--no-audit", "--no-fund"]);
    run(c)
}

/// Runs each side once with its output captured: both must end with the same output, and
/// `asl` must print the whole history.
fn check_same_work(asl: &mut Command, peer: &mut Command) -> Result<()> {
    let expected = json!({"i": 4000, "n": 4000});
    let out = captured(asl, "asl run")?;
    let printed = out.len();
    let result: Value =
        serde_json::from_str(&out).map_err(|e| format!("asl run printed no JSON: {e}"))?;
    let events = result["events"].as_array().map_or(0, Vec::len);
    if result["status"] != "SUCCEEDED" || result["output"] != expected || events != EVENTS {
        return Err(format!(
            "asl run: expected SUCCEEDED with {expected} and {EVENTS} events, got {} with {} \
             and {events} events",
            result["status"], result["output"]
        ));
    }
    let out = captured(peer, "the peer")?;
    let output: Value =
        serde_json::from_str(out.trim()).map_err(|e| format!("the peer printed no JSON: {e}"))?;
    if output != expected {
        return Err(format!("the peer: expected {expected}, got {output}"));
    }
    eprintln!("xtask: both produce {expected}; asl printed {events} events ({printed} bytes)");
    Ok(())
}

fn captured(command: &mut Command, what: &str) -> Result<String> {
    let out = command.output().map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{what} printed non-UTF-8: {e}"))
}

/// Runs one process with stdout to /dev/null; wall time from spawn to exit, and its peak RSS
/// from `wait4`'s resource usage.
fn measure(command: &mut Command) -> Result<Sample> {
    let sink = File::create("/dev/null").map_err(|e| format!("cannot open /dev/null: {e}"))?;
    command.stdin(Stdio::null()).stdout(sink);
    let started = Instant::now();
    let child = command.spawn().map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std reaps only in wait/try_wait, which
    // are never called on it), and both pointers are to live locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if reaped != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{command:?} failed (wait status {status})"));
    }
    // Linux reports ru_maxrss in KiB.
    Ok(Sample { wall, max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0) })
}

struct Summary {
    median: f64,
    min: f64,
    max: f64,
    rss_mib: f64,
}

fn median(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn summary(samples: &[Sample]) -> Summary {
    let mut walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
    walls.sort_by(f64::total_cmp);
    let mut rss: Vec<f64> = samples.iter().map(|s| s.max_rss_kib as f64 / 1024.0).collect();
    rss.sort_by(f64::total_cmp);
    Summary {
        median: median(&walls),
        min: walls[0],
        max: walls[walls.len() - 1],
        rss_mib: median(&rss),
    }
}

fn print_row(name: &str, s: &Summary) {
    println!(
        "{name:<38} {:>7.3} s {:>7.3} s {:>7.3} s {:>9.1} MiB",
        s.median, s.min, s.max, s.rss_mib
    );
}

/// The 1-minute load average (Linux), to tell how busy the shared machine was.
fn load_average() -> Option<String> {
    let text = fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_string)
}
