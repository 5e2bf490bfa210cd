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
        asl_runs.push(measure(&asl_command())?);
        peer_runs.push(measure(&peer_command())?);
        node_runs.push(measure(&node_command())?);
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

/// Runs one process with stdout to /dev/null through `xtask measure-child`, which times it from
/// spawn to exit and reads its peak RSS (see [`measure_child`]).
fn measure(command: &Command) -> Result<Sample> {
    let this = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let mut wrapper = Command::new(this);
    wrapper.arg("measure-child").arg(command.get_program()).args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapper.current_dir(dir);
    }
    let out = captured(&mut wrapper, "measure-child")?;
    let mut fields = out.split_whitespace();
    let wall: f64 = fields.next().and_then(|w| w.parse().ok()).ok_or("measure-child: no time")?;
    let max_rss_kib: u64 =
        fields.next().and_then(|r| r.parse().ok()).ok_or("measure-child: no peak RSS")?;
    Ok(Sample { wall: std::time::Duration::from_secs_f64(wall), max_rss_kib })
}

/// `xtask measure-child PROGRAM ARGS…`: runs one process with stdout to /dev/null and prints
/// its wall time (seconds) and peak RSS (KiB). Run in a process of its own, because
/// `getrusage(RUSAGE_CHILDREN)` reports the largest of all the children a process has reaped.
pub fn measure_child(args: &[String]) -> Result<()> {
    let (program, rest) = args.split_first().ok_or("measure-child: no command")?;
    let sink = File::create("/dev/null").map_err(|e| format!("cannot open /dev/null: {e}"))?;
    let started = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(sink)
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let wall = started.elapsed();
    if !status.success() {
        return Err(format!("{program} failed ({status})"));
    }
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_err(|e| format!("getrusage failed: {e}"))?;
    // Linux reports ru_maxrss in KiB.
    println!("{} {}", wall.as_secs_f64(), usage.max_rss().max(0));
    Ok(())
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
