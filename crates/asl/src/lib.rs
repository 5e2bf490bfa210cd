//! # asl — the Stepwise engine
//!
//! An interpreter for the Amazon States Language that behaves like AWS Step Functions: same
//! outputs, same errors, same `GetExecutionHistory`. It is a pure library: no I/O, no clock, no
//! OS randomness; time and randomness are injected so every run is reproducible, and it builds
//! for native targets and `wasm32-unknown-unknown` alike.

pub mod choice;
pub mod dataflow;
pub mod errors;
pub mod intrinsics;
pub mod jsonpath;
pub mod payload;
pub mod random;

pub use errors::StatesError;
pub use random::Random;
