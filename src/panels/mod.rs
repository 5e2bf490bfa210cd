//! The page's panels, one component per file. Each takes the page's shared state from the
//! session (`crate::session::session()`); props are left for what is particular to one use.
//! A new panel goes here and into `App`'s view.

pub mod callbacks;
pub mod compare;
pub mod data_flow;
pub mod debug_controls;
pub mod editor;
pub mod executions;
pub mod export;
pub mod gallery;
pub mod graph;
pub mod header;
pub mod history;
pub mod import_bar;
pub mod input_panel;
pub mod legend;
pub mod mock_panel;
pub mod paused_state;
pub mod problems_list;
pub mod result_files;
pub mod state_details;
pub mod state_tools;
pub mod status;
pub mod test_state;
pub mod tests_panel;
pub mod tutorial;
