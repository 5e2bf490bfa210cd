//! Stepwise: the browser playground (the Leptos app is built on top of this entry point).
fn main() {}
