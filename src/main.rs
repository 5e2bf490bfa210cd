//! Stepwise: the browser playground (see `lib.rs`).
fn main() {
    stepwise::start();
}
