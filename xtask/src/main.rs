//! `cargo xtask <command>`: the build tool of the Stepwise workspace.
//!
//! * `serve` — bundle the editor, then `trunk serve` on 127.0.0.1:8080 with live reload.
//! * `test`  — everything CI runs, in order: rustfmt check, clippy, native tests, browser tests
//!   (wasm-bindgen-test in headless Chromium), release build into `dist/`.
//! * `dist`  — release build into `dist/` and a size report (raw and gzipped) with the budget.
//! * `wasm-pack-test [-- CARGO ARGS]` — the browser tests again, through
//!   `wasm-pack test --headless --chrome` (offline: the installed wasm-bindgen-cli and Debian's
//!   chromedriver; docs/decisions/0023-wasm-pack.md). Not part of `test`.
//! * `setup` — only install the missing tools (Chromium, cfn-lint in `target/tools/cfn-lint`,
//!   and wasm-pack included) and bundle the editor.
//! * `bench-peer [runs]` — `asl run` against the TypeScript peer aws-local-stepfunctions on a
//!   4,000-iteration loop, whole processes, median wall time and peak RSS (figures only).
//! * `fuzz [TARGET] [SECONDS]` — the cargo-fuzz targets in `fuzz/` (all three by default, 60 s
//!   each): installs cargo-fuzz if missing, seeds the corpus, and runs libFuzzer with the
//!   JSONata dictionary, a per-input time-out and a memory limit. A crash, a time-out or an
//!   out-of-memory input fails the command and names the reproducer under `fuzz/artifacts/`.
//! * `fields` — write `editor/asl-fields.json` (the editor's completion data) from the engine's
//!   field table, `asl::definition::fields::table_json()`; a test fails while it is stale.
//!
//! Every command first installs what a fresh machine lacks (skipping tools whose exact version
//! is already present), so nothing is ever downloaded by trunk or at run time.
#![forbid(unsafe_code)]

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Transfer budget for the app's wasm + js + css, gzipped.
const BUDGET_GZIP_BYTES: u64 = 600 * 1024;
/// trunk release series we build with (newer series may need a newer rustc).
const TRUNK_SERIES: &str = "0.21";
/// The wasm features wasm-opt may assume (the same list as index.html's data-wasm-opt-params).
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[cfg(unix)]
mod bench_peer;
mod smoke;

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("dist") => dist(),
        Some("setup") => setup_all(),
        Some("browser-test") => browser_test(),
        Some("wasm-pack-test") => wasm_pack_test(&args[1..]),
        Some("jsonata-module") => jsonata_module(),
        Some("yaml-module") => yaml_module(),
        Some("fields") => fields(),
        Some("fuzz") => fuzz(&args[1..]),
        Some("smoke") => setup_browser().and_then(|_| smoke::smoke(&root(), &root().join("dist"))),
        #[cfg(unix)]
        Some("bench-peer") => bench_peer::bench_peer(&args[1..]),
        #[cfg(unix)]
        Some("measure-child") => bench_peer::measure_child(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask \
                 <serve|test|dist|setup|browser-test|wasm-pack-test|jsonata-module|yaml-module|fields|smoke|bench-peer [runs]|\
                 fuzz [target] [seconds]>"
            );
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else `target/` in the workspace root).
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn editor_dir() -> PathBuf {
    root().join("editor")
}

/// PATH with the npm tool directory (esbuild, wasm-opt from npm's binaryen) and cargo's bin
/// directory in front, so trunk finds exactly the tools installed here.
fn tool_path() -> OsString {
    let mut dirs = vec![editor_dir().join("node_modules").join(".bin")];
    if let Some(home) = env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default())
}

fn cmd(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

/// Runs a command to completion, failing on a non-zero exit.
fn run(mut command: Command) -> Result<()> {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    eprintln!("xtask: $ {shown}");
    let status = command.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// A command's whole stdout, or None when it cannot run or fails.
fn output_all(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// First line of a command's stdout, or None when it cannot run or fails.
fn output_of(mut command: Command) -> Option<String> {
    let text = output_all(&mut command)?;
    Some(text.lines().next().unwrap_or_default().trim().to_string())
}

/// The `wasm-bindgen` version pinned in Cargo.lock.
fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = ")) {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

struct Tools {
    wasm_bindgen: String,
}

/// Installs whatever is missing; tools already present at the required version are skipped.
fn setup() -> Result<Tools> {
    // 1. The wasm target.
    let targets = output_all(cmd("rustup").args(["target", "list", "--installed"]));
    if !targets.is_some_and(|t| t.lines().any(|l| l.trim() == "wasm32-unknown-unknown")) {
        let mut c = cmd("rustup");
        c.args(["target", "add", "wasm32-unknown-unknown"]);
        run(c)?;
    }

    // 2. trunk 0.21.x.
    let trunk = output_of({
        let mut c = cmd("trunk");
        c.arg("--version");
        c
    });
    let trunk_ok = trunk
        .as_deref()
        .and_then(|v| v.strip_prefix("trunk "))
        .is_some_and(|v| v.starts_with(&format!("{TRUNK_SERIES}.")));
    if !trunk_ok {
        let mut c = cmd("cargo");
        c.args(["install", "trunk", "--version", &format!("~{TRUNK_SERIES}"), "--locked"]);
        run(c)?;
    }

    // 3. wasm-bindgen-cli at exactly the version in Cargo.lock (trunk and the test runner
    //    both refuse a mismatch).
    let wanted = locked_wasm_bindgen_version()?;
    let have = output_of({
        let mut c = cmd("wasm-bindgen");
        c.arg("--version");
        c
    });
    if have.as_deref() != Some(format!("wasm-bindgen {wanted}").as_str()) {
        let mut c = cmd("cargo");
        c.args(["install", "wasm-bindgen-cli", "--version", &wanted]);
        run(c)?;
    }

    // 4. npm packages: CodeMirror, esbuild, binaryen (wasm-opt). Debian's binaryen is too old
    //    for current wasm-bindgen output, so wasm-opt comes from npm.
    let stamp = editor_dir().join("node_modules").join(".package-lock.json");
    let lock = editor_dir().join("package-lock.json");
    let fresh = match (fs::metadata(&stamp), fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => match (s.modified(), l.modified()) {
            (Ok(s), Ok(l)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if !fresh {
        let mut c = cmd("npm");
        c.current_dir(editor_dir()).args(["ci", "--no-audit", "--no-fund"]);
        run(c)?;
    }

    Ok(Tools { wasm_bindgen: wanted })
}

/// Chromium and ChromeDriver for the browser tests (Debian packages).
fn setup_browser() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let mut update = cmd("apt-get");
    update.arg("update");
    run(update)?;
    let mut install = cmd("apt-get");
    install
        .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// `cargo xtask setup`: everything the other commands install, plus wasm-pack (the alternative
/// runner of the browser tests, `wasm-pack-test`; see README), and the editor bundle, so
/// `cargo build --target wasm32-unknown-unknown` and `wasm-pack test` work.
fn setup_all() -> Result<()> {
    setup()?;
    setup_browser()?;
    setup_cfn_lint()?;
    setup_wasm_pack()?;
    bundle_editor()
}

/// wasm-pack version `cargo xtask setup` installs (docs/decisions/0023-wasm-pack.md).
const WASM_PACK_VERSION: &str = "0.15.0";

/// wasm-pack from crates.io, like trunk, skipped when that version is installed.
fn setup_wasm_pack() -> Result<()> {
    let have = output_of({
        let mut c = cmd("wasm-pack");
        c.arg("--version");
        c
    });
    if have.as_deref() == Some(format!("wasm-pack {WASM_PACK_VERSION}").as_str()) {
        return Ok(());
    }
    let mut c = cmd("cargo");
    c.args(["install", "wasm-pack", "--version", WASM_PACK_VERSION, "--locked"]);
    run(c)
}

/// cfn-lint version the exported AWS SAM templates are checked with (`asl export sam`,
/// `crates/asl-cli/tests/export_sam.rs`; docs/decisions/0017-deploy-kit.md).
const CFN_LINT_VERSION: &str = "1.58.0";

/// cfn-lint from PyPI in its own virtualenv, `target/tools/cfn-lint` (Debian's python3 needs
/// `python3-venv`, which `.ci/run` installs). Returns the `cfn-lint` program, which `test`
/// passes to the native tests as `CFN_LINT`.
fn setup_cfn_lint() -> Result<PathBuf> {
    let venv = target_dir().join("tools").join("cfn-lint");
    let program = venv.join("bin").join("cfn-lint");
    let have = output_of({
        let mut c = cmd(&program.display().to_string());
        c.arg("--version");
        c
    });
    if have.as_deref() == Some(format!("cfn-lint {CFN_LINT_VERSION}").as_str()) {
        return Ok(program);
    }
    let mut create = cmd("python3");
    create.args(["-m", "venv"]).arg(&venv);
    run(create)?;
    let mut install = cmd(&venv.join("bin").join("python").display().to_string());
    install
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("cfn-lint=={CFN_LINT_VERSION}"));
    run(install)?;
    Ok(program)
}

/// cargo-fuzz version installed by `cargo xtask fuzz` (with `--locked`).
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The fuzz targets (`fuzz/fuzz_targets/*.rs`), in the order `cargo xtask fuzz` runs them.
const FUZZ_TARGETS: [&str; 3] = ["parse_validate", "run", "jsonata_intrinsics"];
/// libFuzzer's per-input time-out, in seconds: a slower input is a finding. The slowest
/// bounded inputs known take 12–21 s under AddressSanitizer on the 2-core machine: endless
/// JSONata recursion spends the whole 4,000,000-step evaluation budget (0.8 s in a release
/// build without instrumentation).
const FUZZ_TIMEOUT_SECONDS: u32 = 30;
/// libFuzzer's memory limit (RSS, and the largest single allocation): past it, a finding.
const FUZZ_RSS_LIMIT_MB: u32 = 2048;
/// Longest input libFuzzer builds (a definition of 16 KiB is already large).
const FUZZ_MAX_LEN: u32 = 16384;

/// `cargo xtask fuzz [TARGET] [SECONDS]`.
fn fuzz(args: &[String]) -> Result<()> {
    let mut targets: Vec<&str> = FUZZ_TARGETS.to_vec();
    let mut seconds: u64 = 60;
    for arg in args {
        if let Ok(n) = arg.parse::<u64>() {
            seconds = n;
        } else if FUZZ_TARGETS.contains(&arg.as_str()) {
            targets = vec![arg.as_str()];
        } else if arg != "all" {
            return Err(format!(
                "unknown fuzz target '{arg}' (expected one of {}, or all)",
                FUZZ_TARGETS.join(", ")
            ));
        }
    }
    // 1. cargo-fuzz at the pinned version.
    let have = output_of({
        let mut c = cmd("cargo");
        c.args(["fuzz", "--version"]);
        c
    });
    if !have.as_deref().is_some_and(|v| v.ends_with(&format!(" {CARGO_FUZZ_VERSION}"))) {
        let mut c = cmd("cargo");
        c.args(["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"]);
        run(c)?;
    }
    // 2. The seed corpus (files are named by content hash: re-seeding adds nothing twice).
    let fuzz_dir = root().join("fuzz");
    let mut seed = cmd("python3");
    seed.arg(fuzz_dir.join("seed_corpus.py"));
    run(seed)?;
    // 3. Each target in turn. Only the stable toolchain is available: RUSTC_BOOTSTRAP lets it
    //    take cargo-fuzz's nightly flags (-Zsanitizer=address).
    let mut findings = Vec::new();
    for target in targets {
        let artifacts = fuzz_dir.join("artifacts").join(target);
        fs::create_dir_all(&artifacts)
            .map_err(|e| format!("cannot create {}: {e}", artifacts.display()))?;
        let before = list_files(&artifacts);
        let mut c = cmd("cargo");
        c.current_dir(&fuzz_dir).env("RUSTC_BOOTSTRAP", "1").args([
            "fuzz",
            "run",
            "-O",
            target,
            &fuzz_dir.join("corpus").join(target).display().to_string(),
            "--",
            &format!("-dict={}", fuzz_dir.join("jsonata.dict").display()),
            &format!("-timeout={FUZZ_TIMEOUT_SECONDS}"),
            &format!("-rss_limit_mb={FUZZ_RSS_LIMIT_MB}"),
            &format!("-max_len={FUZZ_MAX_LEN}"),
            &format!("-max_total_time={seconds}"),
            &format!("-artifact_prefix={}/", artifacts.display()),
            "-print_final_stats=1",
        ]);
        let started = Instant::now();
        let outcome = run(c);
        eprintln!("xtask: fuzz {target}: {:.0} s", started.elapsed().as_secs_f64());
        let new: Vec<PathBuf> =
            list_files(&artifacts).into_iter().filter(|p| !before.contains(p)).collect();
        if outcome.is_err() || !new.is_empty() {
            let shown: Vec<String> = new.iter().map(|p| p.display().to_string()).collect();
            findings.push(format!(
                "{target}: {}",
                if shown.is_empty() { "libFuzzer failed".to_string() } else { shown.join(", ") }
            ));
        }
    }
    if findings.is_empty() {
        eprintln!("xtask: fuzz: no crash, time-out or out-of-memory input");
        Ok(())
    } else {
        Err(format!(
            "fuzzing found problems (reproduce with `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O TARGET FILE`): {}",
            findings.join("; ")
        ))
    }
}

/// The files directly in `dir` (none when it cannot be read).
fn list_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Bundles the CodeMirror glue into editor/dist/editor.js (the Rust code imports it).
fn bundle_editor() -> Result<()> {
    let mut c = cmd("node");
    c.arg(editor_dir().join("bundle.mjs"));
    run(c)
}

/// Writes `editor/asl-fields.json` from the engine's field table. The file is committed (the
/// bundle imports it; no build step regenerates it); `crates/asl/tests/editor_fields.rs`
/// checks it, and in `UPDATE_FIELDS` mode writes it, so the engine is not a dependency here.
fn fields() -> Result<()> {
    let mut c = cmd("cargo");
    c.args(["test", "-p", "asl", "--test", "editor_fields", "--"])
        .args(["--exact", "the_editor_field_table_is_the_engine_s"])
        .env("UPDATE_FIELDS", "1");
    run(c)
}

/// Builds the on-demand JSONata module (`crates/jsonata-module`) into `target/jsonata/`, which
/// index.html has trunk copy to `dist/jsonata/`. Trunk runs this as a pre-build hook, so the
/// tools are already on PATH (wasm-bindgen at the Cargo.lock version, npm's wasm-opt).
fn jsonata_module() -> Result<()> {
    on_demand_module("stepwise-jsonata", "stepwise_jsonata", "jsonata")
}

/// Builds the on-demand YAML reader (`crates/yaml-module`) into `target/yaml/` (copied to
/// `dist/yaml/`), as [`jsonata_module`] does (docs/decisions/0025-page-weight.md).
fn yaml_module() -> Result<()> {
    on_demand_module("stepwise-yaml", "stepwise_yaml", "yaml")
}

/// Builds `package` for the web with wasm-bindgen (`--target web`) and `wasm-opt -Oz` into
/// `target/<dir>/<name>.js` and `<name>_bg.wasm`.
fn on_demand_module(package: &str, name: &str, dir: &str) -> Result<()> {
    let mut build = cmd("cargo");
    build.args([
        "build",
        "-p",
        package,
        "--lib",
        "--profile",
        "web",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    run(build)?;
    let target = target_dir();
    let out = target.join(dir);
    let mut bindgen = cmd("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
        .arg(&out)
        .arg(target.join(format!("wasm32-unknown-unknown/web/{name}.wasm")));
    run(bindgen)?;
    let wasm = out.join(format!("{name}_bg.wasm"));
    let mut opt = cmd("wasm-opt");
    opt.arg("-Oz").args(WASM_FEATURES).arg(&wasm).arg("-o").arg(&wasm);
    run(opt)
}

fn trunk(tools: &Tools, args: &[&str]) -> Command {
    let mut c = cmd("trunk");
    c.args(args).env("TRUNK_TOOLS_WASM_BINDGEN", &tools.wasm_bindgen);
    c
}

fn serve() -> Result<()> {
    let tools = setup()?;
    bundle_editor()?;
    run(trunk(&tools, &["serve", "--address", "127.0.0.1", "--port", "8080"]))
}

fn release_build(tools: &Tools) -> Result<()> {
    bundle_editor()?;
    run(trunk(tools, &["build", "--release"]))
}

fn test() -> Result<()> {
    let started = Instant::now();
    let tools = setup()?;
    setup_browser()?;
    let cfn_lint = setup_cfn_lint()?;
    bundle_editor()?;

    let mut fmt = cmd("cargo");
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt)?;

    let mut clippy = cmd("cargo");
    clippy.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    run(clippy)?;

    let mut native = cmd("cargo");
    // CFN_LINT: the exported SAM templates are linted (and the test fails without it in CI).
    native.args(["test", "--workspace"]).env("CFN_LINT", &cfn_lint);
    run(native)?;

    browser_tests()?;
    release_build(&tools)?;
    smoke::smoke(&root(), &root().join("dist"))?;

    eprintln!("xtask: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Only the browser tests (a quicker loop while working on the app; `test` runs them too).
fn browser_test() -> Result<()> {
    setup()?;
    setup_browser()?;
    bundle_editor()?;
    browser_tests()
}

/// The browser tests through `wasm-pack test --headless --chrome`, the runner people know
/// (docs/decisions/0023-wasm-pack.md). Nothing is downloaded: `--mode no-install` makes
/// wasm-pack use the wasm-bindgen-cli on PATH, which `setup` installs at the Cargo.lock
/// version (a mismatch fails instead of fetching another), and `--chromedriver` names
/// Debian's. `args` (after `--`) go to cargo, e.g. `-- --test browser_tests_tab`.
fn wasm_pack_test(args: &[String]) -> Result<()> {
    setup()?;
    setup_browser()?;
    setup_wasm_pack()?;
    bundle_editor()?;
    let mut c = cmd("wasm-pack");
    c.args(["test", "--headless", "--chrome", "--chromedriver", CHROMEDRIVER])
        .args(["--mode", "no-install"])
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    let extra: Vec<&String> = args.iter().skip_while(|a| a.as_str() == "--").collect();
    if !extra.is_empty() {
        c.arg("--").args(extra);
    }
    run(c)
}

/// The app's wasm-bindgen-test tests, run by wasm-bindgen-test-runner in headless Chromium.
fn browser_tests() -> Result<()> {
    let profile = env::temp_dir().join(format!("stepwise-chromium-{}", std::process::id()));
    // A fresh profile directory per run; the flags keep Chromium (running as root, in a
    // sandbox without GPU) quiet on the network.
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let mut list: Vec<String> = args.iter().map(|a| format!("\"{a}\"")).collect();
    list.push(format!("\"--user-data-dir={}\"", profile.display()));
    let webdriver = format!(
        "{{\n  \"goog:chromeOptions\": {{\n    \"binary\": \"{CHROMIUM}\",\n    \"args\": [{}]\n  }}\n}}\n",
        list.join(", ")
    );
    // wasm-bindgen-test-runner reads webdriver.json from its working directory, which cargo
    // sets to the package root (git-ignored; written fresh for every run).
    fs::write(root().join("webdriver.json"), webdriver)
        .map_err(|e| format!("cannot write webdriver.json: {e}"))?;

    let mut c = cmd("cargo");
    c.args(["test", "-p", "stepwise", "--target", "wasm32-unknown-unknown"])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    let result = run(c);
    let _ = fs::remove_dir_all(&profile);
    result
}

fn dist() -> Result<()> {
    let tools = setup()?;
    release_build(&tools)?;
    report_sizes(&root().join("dist"))
}

fn gzip_len(bytes: &[u8]) -> u64 {
    // gzip = 10-byte header + raw deflate + 8-byte trailer.
    miniz_oxide::deflate::compress_to_vec(bytes, 9).len() as u64 + 18
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn report_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    let mut transfer = 0;
    let mut on_demand = 0;
    println!("{:<60} {:>10} {:>10}", "file", "raw", "gzip");
    for file in &files {
        let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let gz = gzip_len(&bytes);
        let name = file.strip_prefix(dist).unwrap_or(file).display().to_string();
        println!("{name:<60} {:>10} {:>10}", bytes.len(), gz);
        let counted =
            matches!(file.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css"));
        // dist/jsonata/ is fetched only when a definition uses JSONata, dist/yaml/ the first
        // time the page reads YAML.
        if counted && (name.starts_with("jsonata") || name.starts_with("yaml")) {
            on_demand += gz;
        } else if counted {
            transfer += gz;
        }
    }
    println!(
        "loaded on demand (JSONata, YAML, when first used): {on_demand} bytes ({:.1} KB)",
        on_demand as f64 / 1024.0
    );
    println!(
        "page load, gzipped transfer (wasm + js + css): {transfer} bytes ({:.1} KB; budget {} KB)",
        transfer as f64 / 1024.0,
        BUDGET_GZIP_BYTES / 1024
    );
    if transfer > BUDGET_GZIP_BYTES {
        return Err(format!("over the {} KB budget", BUDGET_GZIP_BYTES / 1024));
    }
    Ok(())
}
