//! `asl run`: one execution, printed as one JSON object.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use serde_json::{json, Value};

use crate::{print_diagnostics, read_json_arg, read_mock_config};

#[derive(Args)]
pub struct RunArgs {
    /// The definition file (`-` for standard input): JSON or YAML, or a CloudFormation / SAM
    /// template holding the state machine.
    definition: String,
    /// The state machine to take from a template with several (its logical id).
    #[arg(long, value_name = "LOGICAL_ID")]
    state_machine: Option<String>,
    /// The execution input: inline JSON, or a file holding it (default `{}`).
    #[arg(long)]
    input: Option<String>,
    /// A mock configuration file (AWS Step Functions Local MockConfigFile format, with
    /// Stepwise's `S3Objects` for Distributed Map item readers). `--test-case` is required
    /// when it mocks state machines.
    #[arg(long)]
    mock_config: Option<String>,
    /// The test case of the mock configuration to use.
    #[arg(long, requires = "mock_config")]
    test_case: Option<String>,
    /// The state machine name (the mock configuration's StateMachines key, and the ARNs).
    #[arg(long, default_value = "Case")]
    state_machine_name: String,
    /// Also print the history as a table on standard error.
    #[arg(long)]
    history: bool,
    /// The state machine type: STANDARD or EXPRESS (EXPRESS refuses `.sync` and
    /// `.waitForTaskToken` integrations, as AWS does).
    #[arg(long = "type", default_value = "STANDARD", value_parser = ["STANDARD", "EXPRESS"])]
    machine_type: String,
    /// Seed of the random source (retry jitter, States.UUID, request ids).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the files Distributed Map `ResultWriter`s export (manifest.json,
    /// SUCCEEDED_0.json, …) under DIR, as DIR/<bucket>/<key>.
    #[arg(long, value_name = "DIR")]
    result_files: Option<String>,
    /// Ceiling on the execution's engine steps (states entered, retries, waits, branches
    /// started, Map iterations listed and started, Distributed Map child executions included);
    /// past it the execution fails with States.Runtime naming the limit.
    #[arg(long, default_value_t = asl::runner::DEFAULT_MAX_STEPS)]
    max_steps: u64,
    /// A JSON file of SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat calls to deliver
    /// at given virtual times, naming each waiting task by state name and occurrence
    /// (schema in README.md; undelivered calls are reported on standard error).
    #[arg(long, value_name = "FILE")]
    callbacks: Option<String>,
}

/// A `--callbacks` file: read within the mock configuration's limit, parsed by the engine.
fn read_callbacks(path: &str) -> Result<asl::runner::callback_script::CallbackScript, String> {
    let text = crate::read_source(
        path,
        crate::MAX_MOCK_CONFIG_BYTES,
        "asl's limit for a callbacks file (16 MiB)",
    )?;
    asl::runner::callback_script::CallbackScript::from_text(&text)
        .map_err(|e| format!("--callbacks '{path}' is not a usable callbacks file: {e}"))
}

/// Runs the execution to its end, delivering the scripted callbacks on the way; the entries
/// that could not be delivered are reported on standard error.
fn run_execution(
    exec: &mut asl::Execution,
    script: Option<&asl::runner::callback_script::CallbackScript>,
) {
    use asl::runner::callback_script::Undelivered;
    let Some(script) = script else {
        exec.run_to_completion();
        return;
    };
    for delivery in exec.run_with_callbacks(script) {
        let why = match delivery.result {
            Ok(()) => continue,
            Err(Undelivered::NotWaiting) => {
                "no such task had waited for a callback by then".to_string()
            }
            Err(Undelivered::Refused(e)) => e.to_string(),
        };
        eprintln!(
            "asl: --callbacks entry {}, {}: not delivered: {why}",
            delivery.entry,
            script.describe(delivery.entry)
        );
    }
}

pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    let loaded = match crate::import::load(&args.definition, args.state_machine.as_deref())? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let machine = match loaded.imported.compile() {
        Ok(m) => m,
        Err(diagnostics) => {
            print_diagnostics(&loaded.name, &diagnostics);
            return Ok(ExitCode::from(2));
        }
    };
    if args.machine_type == "EXPRESS" {
        let mut problems = machine.express_diagnostics();
        if !problems.is_empty() {
            loaded.imported.relocate(&mut problems);
            print_diagnostics(&loaded.name, &problems);
            return Ok(ExitCode::from(2));
        }
    }
    // What a template left unresolved (stand-ins in the definition), as warnings.
    print_diagnostics(&loaded.name, &loaded.imported.warnings);
    let input = match &args.input {
        Some(arg) => read_json_arg(arg, "--input")?,
        None => json!({}),
    };
    let mock_config = match &args.mock_config {
        Some(path) => Some(asl::MockConfig::from_text(&read_mock_config(path)?)?),
        None => None,
    };
    let script = args.callbacks.as_deref().map(read_callbacks).transpose()?;
    // A test case that is not there is an argument error, not a failed execution.
    match (&mock_config, &args.test_case) {
        (Some(mocks), Some(case)) => {
            mocks.test_case(Some(&args.state_machine_name), case)?;
        }
        (Some(mocks), None) if !mocks.state_machines.is_empty() => {
            return Err("--mock-config needs --test-case (the test case to use)".into());
        }
        _ => {}
    }
    let config = asl::ExecutionConfig {
        input,
        mock_config,
        test_case: args.test_case.clone(),
        seed: args.seed,
        state_machine_name: args.state_machine_name.clone(),
        max_steps: args.max_steps,
        ..asl::ExecutionConfig::default()
    };
    let mut exec = asl::Execution::start(Arc::new(machine), config);
    if script.is_none() {
        // Nobody but the test case can be an activity's worker here: an activity it does not
        // mock was never created, and its task fails as AWS fails it (decision 0020). With a
        // `--callbacks` script, the script is the worker (decision 0024).
        exec.only_mocked_activities_exist();
    }
    run_execution(&mut exec, script.as_ref());
    // Quota guardrails judged from the run (a loop heading for the 25,000-event history, values
    // read at run time beyond AWS's maxima): warnings on stderr, never a change of exit code.
    let mut warnings = exec.run_warnings(crate::machine_type(&args.machine_type));
    asl::validate::run_guardrails::locate_in(&loaded.imported.definition, &mut warnings);
    loaded.imported.relocate(&mut warnings);
    print_diagnostics(&loaded.name, &warnings);
    let d = exec.describe();
    if args.history {
        let start = d.start_ms;
        for e in exec.history() {
            eprintln!(
                "{:>5}  {:<28} {:<24} {:>8} ms",
                e.id,
                e.type_name(),
                e.state_name.as_deref().unwrap_or(""),
                e.timestamp_ms - start
            );
        }
    }
    // `{status, output, error, cause, events}`, pretty-printed; the history is written
    // straight from the typed events.
    let mut out = Vec::with_capacity(512 * exec.history().len() + 1024);
    let mut json = asl::history::PrettyJson::new(&mut out, 0);
    json.object();
    json.key("status");
    json.string(d.status.as_str());
    json.key("output");
    json.value(d.output.as_ref().unwrap_or(&Value::Null));
    json.key("error");
    json.value(&d.error.map_or(Value::Null, Value::String));
    json.key("cause");
    json.value(&d.cause.map_or(Value::Null, Value::String));
    json.key("events");
    json.events(exec.history());
    json.end();
    out.push(b'\n');
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    stdout.write_all(&out).and_then(|()| stdout.flush()).map_err(|e| e.to_string())?;
    if let Some(dir) = &args.result_files {
        write_result_files(dir, exec.result_files())?;
    }
    // The process ends here: freeing every event one by one would only delay the exit.
    std::mem::forget(exec);
    Ok(ExitCode::SUCCESS)
}

/// Writes each `ResultWriter` file as `DIR/<bucket>/<key>` and names it on standard error.
/// Keys come from the definition and its input, so a key that would leave `DIR` (an empty,
/// `.` or `..` segment) is refused before anything is written.
fn write_result_files(
    dir: &str,
    files: &[asl::runner::result_files::ResultFile],
) -> Result<(), String> {
    let mut paths = Vec::with_capacity(files.len());
    for file in files {
        let rest = file.uri.strip_prefix("s3://").unwrap_or(&file.uri);
        let mut path = std::path::PathBuf::from(dir);
        for segment in rest.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." || segment.contains('\\') {
                return Err(format!(
                    "--result-files: the result file {} has a key Stepwise will not write to disk (an empty, '.' or '..' segment)",
                    file.uri
                ));
            }
            path.push(segment);
        }
        paths.push(path);
    }
    for (file, path) in files.iter().zip(&paths) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("--result-files: cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, &file.contents)
            .map_err(|e| format!("--result-files: cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {} ({} bytes)", path.display(), file.contents.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::RunArgs;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        run: RunArgs,
    }

    #[test]
    fn max_steps_defaults_to_the_library_ceiling_and_can_be_set() {
        let cli = Cli::try_parse_from(["asl", "machine.json"]).expect("parses");
        assert_eq!(cli.run.max_steps, asl::runner::DEFAULT_MAX_STEPS);
        let cli =
            Cli::try_parse_from(["asl", "machine.json", "--max-steps", "42"]).expect("parses");
        assert_eq!(cli.run.max_steps, 42);
        assert!(Cli::try_parse_from(["asl", "machine.json", "--max-steps", "-1"]).is_err());
    }
}
