//! Stepwise: the browser playground (see `lib.rs`).
#![forbid(unsafe_code)]
fn main() {
    stepwise::start();
}
