//! The page's shared state, provided once by [`App`](crate::app::App) through Leptos context:
//! panels call [`session()`] instead of taking bundles of signals as props.
//!
//! It holds the documents the user edits, the definition compiled once per edit (the problems
//! list, the graph and Start all read it), the shown execution, and the selected and hovered
//! states.

use leptos::prelude::*;

use crate::definition::problems::{Compiled, Problem};
use crate::panels::editor::EditorHandle;
use crate::panels::gallery::LeftTab;
use crate::run::debugger::PauseView;
use crate::run::RunView;

#[derive(Clone, Copy)]
pub struct Session {
    /// The definition text, following every edit.
    pub definition: RwSignal<String>,
    /// The execution input text.
    pub input: RwSignal<String>,
    /// The mock configuration text ("" for none) and its selected test case.
    pub mocks: RwSignal<String>,
    pub test_case: RwSignal<Option<String>>,
    /// The definition compiled: the engine's machine or its problems.
    pub compiled: Memo<Compiled>,
    /// Its problems (changing only when they do: the editor's lint markers follow them).
    pub problems: Memo<Vec<Problem>>,
    /// The execution shown (live while it runs).
    pub run_view: RwSignal<Option<RunView>>,
    /// The state clicked in the graph (its Input / Output / Details are shown).
    pub selected_state: RwSignal<Option<String>>,
    /// The state of the history row under the pointer (highlighted in the graph).
    pub hovered_state: RwSignal<Option<String>>,
    /// A message above the status banner (a damaged link, a replaced definition, …).
    pub notice: RwSignal<Option<String>>,
    /// Acts on the definition editor (load a text, reveal a position).
    pub editor: EditorHandle,
    /// The left column's view and whether the tutorial is open.
    pub left_tab: RwSignal<LeftTab>,
    pub tutorial_open: RwSignal<bool>,
    /// The state machine chosen in a template with several (None: the first).
    pub state_machine: RwSignal<Option<String>>,
    /// The tool open on the selected state ("Data flow", "Test state"), if any.
    pub state_tool: RwSignal<Option<crate::panels::state_tools::StateTool>>,
    /// The debugger: the states a run pauses before (saved with the definition, shared in
    /// links), and where the shown run is paused.
    pub breakpoints: RwSignal<std::collections::BTreeSet<String>>,
    pub paused: RwSignal<Option<PauseView>>,
}

/// The page's [`Session`]; panels are only ever mounted inside [`App`](crate::app::App),
/// which provides it.
pub fn session() -> Session {
    expect_context::<Session>()
}
