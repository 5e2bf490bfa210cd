//! `asl export sam DEFINITION [--format yaml|json]`: the AWS SAM template that deploys the
//! definition (the engine's `asl::export::sam`, the same template the page downloads).

use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::{print_diagnostics, read_definition};

#[derive(Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Subcommand)]
enum Target {
    /// Print an AWS SAM template that deploys the state machine, the tutorial's
    /// MockAPIFunction when the definition calls it, and the tutorial's IAM roles.
    ///
    /// Lambda ARNs in the definition become ${…} placeholders filled by
    /// DefinitionSubstitutions (MockAPIFunction: the deployed function); every other resource
    /// ARN becomes a template parameter whose default is the ARN as written. Deploy with
    /// `sam deploy --guided` or `aws cloudformation deploy --capabilities CAPABILITY_IAM`.
    Sam {
        /// The definition file (`-` for standard input).
        definition: String,
        /// The template's format.
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"])]
        format: String,
    },
}

pub fn run(args: ExportArgs) -> Result<ExitCode, String> {
    match args.target {
        Target::Sam { definition, format } => {
            let format = asl::export::Format::parse(&format)
                .ok_or_else(|| format!("unknown format '{format}' (expected yaml or json)"))?;
            let text = read_definition(&definition)?;
            match asl::export::sam::template(&text, format) {
                Ok(template) => {
                    print!("{template}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => {
                    let name = if definition == "-" { "<stdin>" } else { &definition };
                    print_diagnostics(name, &diagnostics);
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}
