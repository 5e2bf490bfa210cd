//! Stepwise: the AWS Step Functions playground, a Leptos client-side app.

pub mod app;
pub mod driver;
pub mod editor;
pub mod gallery;
pub mod graph;
pub mod header;
pub mod history;
pub mod input_panel;
pub mod jsonata_loader;
pub mod legend;
pub mod mock_panel;
pub mod panic;
pub mod problems;
pub mod problems_list;
pub mod run;
pub mod session;
pub mod share;
pub mod state_details;
pub mod status;
pub mod storage;
pub mod tutorial;

/// Installs the panic hook and mounts the app on `<body>`.
pub fn start() {
    panic::install();
    leptos::mount::mount_to_body(app::App);
}
