//! Stepwise: the AWS Step Functions playground, a Leptos client-side app.
//!
//! `app` is the page; `session` the state its panels share (through Leptos context);
//! `panels/` one component per panel; `run/` the execution the page shows; `definition/` the
//! definition compiled once per edit; `persist/` local storage and share links. The engine
//! (`asl`) interprets histories (`asl::history::reader`); the app only presents them
//! (docs/decisions/0006-app-structure.md).
#![forbid(unsafe_code)]

pub mod app;
pub mod definition;
pub mod host;
pub mod panels;
pub mod panic;
pub mod persist;
pub mod run;
pub mod session;

/// Installs the panic hook and mounts the app on `<body>`. Inside the engine worker (the same
/// wasm, instantiated by `src/host.js`) there is no document: nothing is mounted, and the
/// worker's loop (`run::worker`) answers the page's messages.
pub fn start() {
    if web_sys::window().is_none() {
        return;
    }
    panic::install();
    leptos::mount::mount_to_body(app::App);
}
