//! The Tests tab's layer on the graph: after a suite ran, the states, Choice and Catch edges
//! and Retry loops that no case touched get the class `uncovered` (styled in
//! `style/tests.css`). The figures are the engine's ([`asl::suite::coverage`]); this only
//! maps them onto the drawing's `data-state` groups and `data-from` / `data-edge` edges.

use std::collections::HashSet;

use asl::suite::coverage::{Coverage, Target};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::EdgeStyle;

/// What to mark: state names, and edges as (from state, key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub states: HashSet<String>,
    pub edges: HashSet<(String, String)>,
}

impl Marks {
    /// The untouched items of `coverage`: a state never entered, a Choice rule or Default
    /// that never chose, a catcher that never caught, and a state's Retry loop when none of
    /// its retriers fired.
    pub fn of(coverage: &Coverage) -> Marks {
        let mut marks = Marks::default();
        let mut retried: HashSet<&str> = HashSet::new();
        let mut retriers: HashSet<&str> = HashSet::new();
        for item in &coverage.items {
            let key = match item.target {
                Target::State => {
                    if !item.covered() {
                        marks.states.insert(item.state.clone());
                    }
                    continue;
                }
                Target::Retry(_) => {
                    retriers.insert(&item.state);
                    if item.covered() {
                        retried.insert(&item.state);
                    }
                    continue;
                }
                Target::ChoiceRule(i) => edge_key(EdgeStyle::Choice, Some(i)),
                Target::ChoiceDefault => edge_key(EdgeStyle::Default, None),
                Target::Catch(i) => edge_key(EdgeStyle::Catch, Some(i)),
            };
            if let (false, Some(key)) = (item.covered(), key) {
                marks.edges.insert((item.state.clone(), key));
            }
        }
        for state in retriers.difference(&retried) {
            if let Some(key) = edge_key(EdgeStyle::Retry, None) {
                marks.edges.insert((state.to_string(), key));
            }
        }
        marks
    }
}

/// The key an edge is marked by: `choice-0`, `default`, `catch-1`, `retry`; plain `Next`
/// edges have none.
pub fn edge_key(style: EdgeStyle, rule: Option<usize>) -> Option<String> {
    match (style, rule) {
        (EdgeStyle::Choice, Some(i)) => Some(format!("choice-{i}")),
        (EdgeStyle::Catch, Some(i)) => Some(format!("catch-{i}")),
        (EdgeStyle::Default, _) => Some("default".into()),
        (EdgeStyle::Retry, _) => Some("retry".into()),
        _ => None,
    }
}

/// The marks of the last suite run, shared by the Tests tab (which sets them) and the graph
/// (which draws them); `None` draws nothing.
#[derive(Clone, Copy)]
pub struct CoverageMarks(pub RwSignal<Option<Marks>>);

/// Adds or removes `uncovered` on the drawing's states and edges (after the graph set its own
/// classes).
pub fn apply(el: &web_sys::Element, marks: Option<&Marks>) {
    let toggle = |selector: &str, marked: &dyn Fn(&web_sys::Element) -> bool| {
        let Ok(found) = el.query_selector_all(selector) else { return };
        for i in 0..found.length() {
            let Some(e) = found.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else {
                continue;
            };
            let _ = e.class_list().toggle_with_force("uncovered", marked(&e));
        }
    };
    toggle("[data-state]", &|e| {
        let name = e.get_attribute("data-state").unwrap_or_default();
        marks.is_some_and(|m| m.states.contains(&name))
    });
    toggle("[data-edge]", &|e| {
        let from = e.get_attribute("data-from").unwrap_or_default();
        let key = e.get_attribute("data-edge").unwrap_or_default();
        marks.is_some_and(|m| m.edges.contains(&(from, key)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_rules_become_marks() {
        let machine =
            asl::StateMachine::from_text(crate::app::TUTORIAL).expect("the tutorial compiles");
        let mut coverage = Coverage::of(&machine);
        coverage.record(
            "200",
            &[
                asl::runner::Decision::Entered { state: "/States/Call API".into() },
                asl::runner::Decision::Entered { state: "/States/OK".into() },
                asl::runner::Decision::Caught { state: "/States/Call API".into(), catcher: 1 },
            ],
        );
        let marks = Marks::of(&coverage);
        let mut states: Vec<&str> = marks.states.iter().map(String::as_str).collect();
        states.sort_unstable();
        assert_eq!(
            states,
            ["Catch All", "Change to 200", "Server Unavailable", "Wait and Try Later"]
        );
        let mut edges: Vec<(&str, &str)> =
            marks.edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        edges.sort_unstable();
        assert_eq!(
            edges,
            [("Call API", "catch-0"), ("Call API", "catch-2"), ("Call API", "retry")]
        );
    }
}
