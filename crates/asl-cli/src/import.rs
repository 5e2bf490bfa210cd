//! A DEFINITION argument: a definition in JSON or YAML, or a CloudFormation / SAM template
//! (`cdk synth` output included) from which `--state-machine` (or the only one) is taken.
//! The engine does the work (`asl::import`); this reads the files, including a template's
//! `DefinitionUri`, relative to the template.

use std::path::Path;
use std::process::ExitCode;

use asl::import::{import, ImportError, Imported, Options};

use crate::{print_diagnostics, read_definition};

/// An imported definition and the file name its diagnostics are printed with.
pub(crate) struct Loaded {
    pub imported: Imported,
    pub name: String,
}

/// Why a DEFINITION file gave no definition.
pub(crate) enum LoadError {
    /// It could not be read.
    Read(String),
    /// The importer refused it; `name` is the file its diagnostic is located in.
    Import { name: String, error: ImportError },
}

/// Reads and imports a definition file (`-`: standard input); a template's `DefinitionUri` is
/// read relative to the template. `asl test` uses this for a suite's definition.
pub(crate) fn import_file(path: &str, state_machine: Option<&str>) -> Result<Loaded, LoadError> {
    let text = read_definition(path).map_err(LoadError::Read)?;
    let name = if path == "-" { "<stdin>".to_string() } else { path.to_string() };
    let dir = if path == "-" {
        Path::new(".")
    } else {
        Path::new(path).parent().unwrap_or(Path::new("."))
    };
    let read_file = |relative: &str| -> Result<String, String> {
        let full = dir.join(relative);
        read_definition(&full.to_string_lossy())
    };
    let options = Options { state_machine, read_file: Some(&read_file) };
    match import(&text, &options) {
        Ok(imported) => {
            let name = match &imported.definition_file {
                Some(file) => dir.join(file).to_string_lossy().into_owned(),
                None => name,
            };
            Ok(Loaded { imported, name })
        }
        Err(error) => Err(LoadError::Import { name, error }),
    }
}

/// Reads and imports DEFINITION. `Err` is an argument error (exit 1: unreadable file, a
/// template with several state machines and none chosen); `Ok(Err(code))` an invalid file,
/// whose located diagnostic has been printed (exit 2).
pub(crate) fn load(
    path: &str,
    state_machine: Option<&str>,
) -> Result<Result<Loaded, ExitCode>, String> {
    match import_file(path, state_machine) {
        Ok(loaded) => Ok(Ok(loaded)),
        Err(LoadError::Read(e)) => Err(e),
        Err(LoadError::Import {
            name,
            error: e @ (ImportError::Ambiguous { .. } | ImportError::UnknownStateMachine { .. }),
        }) => Err(format!("{name}: {e}")),
        Err(LoadError::Import { name, error }) => {
            print_diagnostics(&name, &[error.diagnostic()]);
            Ok(Err(ExitCode::from(2)))
        }
    }
}
