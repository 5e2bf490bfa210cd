//! The selected state's tools, below its details: "Data flow" (what each stage of the shown
//! execution did to the data) and "Test state" (TestState on the definition in the editor).
//! Which one is open is the session's `state_tool`, so the tutorial can open one.

use leptos::prelude::*;

use crate::panels::data_flow::DataFlowView;
use crate::panels::test_state::TestStateView;
use crate::session::{session, Session};

/// A tool on the selected state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateTool {
    DataFlow,
    TestState,
}

impl StateTool {
    const ALL: [StateTool; 2] = [StateTool::DataFlow, StateTool::TestState];

    /// The control's name, as the AWS console has it.
    pub fn label(self) -> &'static str {
        match self {
            StateTool::DataFlow => "Data flow",
            StateTool::TestState => "Test state",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            StateTool::DataFlow => "data-flow",
            StateTool::TestState => "test-state",
        }
    }
}

#[component]
pub fn StateTools() -> impl IntoView {
    let Session { selected_state: selected, state_tool: tool, .. } = session();
    let buttons = move || {
        selected.get().map(|_| {
            StateTool::ALL
                .iter()
                .map(|&t| {
                    view! {
                        <button
                            class="btn small st-button"
                            id=format!("state-tool-{}", t.key())
                            class:active=move || tool.get() == Some(t)
                            aria-pressed=move || (tool.get() == Some(t)).to_string()
                            on:click=move |_| {
                                tool.update(|open| {
                                    *open = if *open == Some(t) { None } else { Some(t) };
                                })
                            }
                        >
                            {t.label()}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    // Rebuilt when the state or the tool changes (a tool keeps its form while it is open).
    let body = move || {
        let state = selected.get()?;
        let view = match tool.get()? {
            StateTool::DataFlow => view! { <DataFlowView state=state.clone() /> }.into_any(),
            StateTool::TestState => view! { <TestStateView state=state.clone() /> }.into_any(),
        };
        let t = tool.get_untracked()?;
        Some(view! {
            <div class="st-body" data-tool=t.key()>
                <h2 class="panel-title">{format!("{}: {state}", t.label())}</h2>
                {view}
            </div>
        })
    };
    view! {
        <section
            class="panel state-tools"
            aria-label="State tools"
            class:hidden=move || selected.with(Option::is_none)
        >
            <div class="st-buttons">{buttons}</div>
            {body}
        </section>
    }
}
