//! The runner's decisions, as it takes them: every state entered, the Choice rule (or
//! `Default`) that chose the next state, each retrier that fired and each catcher that
//! caught. Off unless asked for ([`Execution::record_decisions`]); when off, recording costs
//! one branch. Test-suite coverage (`crate::suite::coverage`) is built from this log, so it
//! never guesses from the history which rule matched (two rules may share a `Next`).

use crate::runner::Execution;

/// One decision. `state` is the state's JSON pointer (`/States/Call API`, or inside a
/// Parallel branch `/States/P/Branches/0/States/A`): unique in the definition, where a name
/// may repeat in different branches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The state was entered (a Map iteration's or a child execution's states too).
    Entered { state: String },
    /// A Choice state chose: `rule` is the index in `Choices`, `None` the `Default`.
    Choice { state: String, rule: Option<usize> },
    /// Retrier `retrier` of the state matched its error and scheduled another attempt.
    Retried { state: String, retrier: usize },
    /// Catcher `catcher` of the state matched its error.
    Caught { state: String, catcher: usize },
}

impl Execution {
    /// Starts keeping the log of decisions (call it before stepping the execution).
    pub fn record_decisions(&mut self) {
        if self.decisions.is_none() {
            self.decisions = Some(Vec::new());
        }
    }

    /// The decisions taken so far (empty unless [`Execution::record_decisions`] was called).
    pub fn decisions(&self) -> &[Decision] {
        self.decisions.as_deref().unwrap_or(&[])
    }

    /// Appends a decision when the log is kept (`f` runs only then).
    #[inline]
    pub(crate) fn decide(&mut self, f: impl FnOnce() -> Decision) {
        if let Some(log) = self.decisions.as_mut() {
            log.push(f());
        }
    }
}
