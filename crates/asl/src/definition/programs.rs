//! The programs of a state machine (the top level, every Parallel branch, every Map item
//! processor) and where each state is written, for callers that look a state up by name at
//! any depth (the debugger's breakpoints and start-at-a-state, an editor's gutter).

use std::collections::VecDeque;
use std::sync::Arc;

use super::{Program, StateKind, StateMachine};
use crate::source::escape_token;

impl StateMachine {
    /// Every program, breadth-first from the top level (an explicit queue: no recursion).
    pub fn programs(&self) -> Vec<Arc<Program>> {
        let mut out = Vec::new();
        let mut queue = VecDeque::from([self.program.clone()]);
        while let Some(program) = queue.pop_front() {
            for state in program.states.values() {
                match &state.kind {
                    StateKind::Parallel { branches } => queue.extend(branches.iter().cloned()),
                    StateKind::Map(map) => queue.push_back(map.processor.clone()),
                    _ => {}
                }
            }
            out.push(program);
        }
        out
    }

    /// The program that holds state `name` (state names are unique in a state machine).
    pub fn program_of(&self, name: &str) -> Option<Arc<Program>> {
        self.programs().into_iter().find(|p| p.state(name).is_some())
    }

    /// Every state's name and the JSON pointer of its member in the definition
    /// (`/States/P/Branches/0/States/A`), in breadth-first program order.
    pub fn state_pointers(&self) -> Vec<(String, String)> {
        self.programs()
            .iter()
            .flat_map(|program| {
                program.states.keys().map(|name| {
                    (name.clone(), format!("{}/States/{}", program.pointer, escape_token(name)))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::StateMachine;

    #[test]
    fn nested_states_have_their_pointers() {
        let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "End": true}}}]}}}"#;
        let Ok(machine) = StateMachine::from_text(text) else { panic!("valid") };
        assert_eq!(
            machine.state_pointers(),
            [
                ("P".to_string(), "/States/P".to_string()),
                ("a/b".to_string(), "/States/P/Branches/0/States/a~1b".to_string())
            ]
        );
        assert!(machine.program_of("a/b").is_some());
        assert!(machine.program_of("nope").is_none());
    }
}
