//! # asl — the Stepwise engine
//!
//! An interpreter for the Amazon States Language that behaves like AWS Step Functions: same
//! outputs, same errors, same `GetExecutionHistory`. It is a pure library: no I/O, no clock, no
//! OS randomness; time and randomness are injected so every run is reproducible, and it builds
//! for native targets and `wasm32-unknown-unknown` alike.
//!
//! Pipeline: [`source`] (text → JSON with positions) → [`definition`] (typed model) →
//! [`validate`] (AWS-style diagnostics) → [`runner`] (discrete-event execution on a virtual
//! clock) → [`history`] (AWS-shaped events).
#![forbid(unsafe_code)]

pub mod choice;
pub mod dataflow;
pub mod definition;
pub mod diagnostics;
pub mod errors;
pub mod export;
pub mod history;
pub mod import;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod random;
pub mod runner;
pub mod source;
pub mod suite;
pub mod tasks;
pub mod template;
pub mod test_state;
pub mod time;
pub mod validate;

pub use definition::StateMachine;
pub use diagnostics::{Diagnostic, Severity, Validation, ValidationResult};
pub use errors::StatesError;
pub use history::HistoryEvent;
pub use random::Random;
pub use runner::{Describe, Execution, ExecutionConfig, ExecutionStatus};
pub use tasks::mock_config::MockConfig;
pub use validate::validate;
