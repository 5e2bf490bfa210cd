//! Where each state is written in the definition text: the line of its name (its member in a
//! `States` object, at any depth), for the editor's breakpoint gutter. The engine gives each
//! state's JSON pointer (`StateMachine::state_pointers`) and its source map the line.

use crate::definition::problems::Compiled;

/// `(state name, 1-based line)` for every state of a valid definition (empty otherwise).
pub fn state_lines(compiled: &Compiled) -> Vec<(String, u32)> {
    let Some(machine) = compiled.machine.as_ref() else {
        return Vec::new();
    };
    let Ok((_, map)) = asl::source::parse(&compiled.text) else {
        return Vec::new();
    };
    machine
        .state_pointers()
        .into_iter()
        .filter_map(|(name, pointer)| map.position(&pointer).map(|p| (name, p.line)))
        .collect()
}

/// The state defined on `line`, if one is.
pub fn state_at_line(compiled: &Compiled, line: u32) -> Option<String> {
    state_lines(compiled).into_iter().find(|(_, l)| *l == line).map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_states_are_found_on_their_lines() {
        let text = include_str!("../../examples/tutorial.asl.json");
        let compiled = crate::definition::problems::compile(text);
        let lines = state_lines(&compiled);
        assert_eq!(lines.len(), 6);
        for (name, line) in &lines {
            let written = text.lines().nth(*line as usize - 1).unwrap_or_default();
            assert!(written.contains(&format!("\"{name}\"")), "{name} on line {line}: {written}");
            assert_eq!(state_at_line(&compiled, *line).as_deref(), Some(name.as_str()));
        }
        assert_eq!(state_at_line(&compiled, 1), None);
    }

    #[test]
    fn states_inside_a_map_are_found() {
        let text = include_str!("../../examples/map.asl.json");
        let compiled = crate::definition::problems::compile(text);
        let line = state_lines(&compiled).into_iter().find(|(n, _)| n == "Label line");
        let Some((_, line)) = line else { panic!("Label line has a line") };
        assert!(text
            .lines()
            .nth(line as usize - 1)
            .unwrap_or_default()
            .contains("\"Label line\": {"));
    }
}
