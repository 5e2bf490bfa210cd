//! What a suite exercised: every state, every Choice rule (and `Default`), every retrier and
//! every catcher of a definition — Parallel branches and Map item processors included — and
//! the cases that reached each one.
//!
//! The figures come from the runner's decision log ([`crate::runner::Decision`]), which
//! records the rule that chose, the retrier that fired and the catcher that caught, so they
//! never depend on guessing from the history (two rules may share a `Next`). The CLI prints
//! a [`Coverage`]; the page draws the same one on its graph.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;

use crate::definition::{ChoiceCondition, Program, StateKind, StateMachine};
use crate::runner::Decision;

/// What an item of coverage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// The state itself: entered at least once.
    State,
    /// Rule `n` of a Choice state's `Choices` chose the next state.
    ChoiceRule(usize),
    /// A Choice state's `Default` chose the next state.
    ChoiceDefault,
    /// Retrier `n` fired at least once.
    Retry(usize),
    /// Catcher `n` caught at least once.
    Catch(usize),
}

/// The groups coverage is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    States,
    ChoiceRules,
    RetryRules,
    CatchRules,
}

impl Kind {
    pub const ALL: [Kind; 4] =
        [Kind::States, Kind::ChoiceRules, Kind::RetryRules, Kind::CatchRules];

    /// `states`, `Choice rules`, `Retry rules`, `Catch rules`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::States => "states",
            Kind::ChoiceRules => "Choice rules",
            Kind::RetryRules => "Retry rules",
            Kind::CatchRules => "Catch rules",
        }
    }
}

impl Target {
    pub fn kind(self) -> Kind {
        match self {
            Target::State => Kind::States,
            Target::ChoiceRule(_) | Target::ChoiceDefault => Kind::ChoiceRules,
            Target::Retry(_) => Kind::RetryRules,
            Target::Catch(_) => Kind::CatchRules,
        }
    }
}

/// One thing a suite can exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The state's name.
    pub state: String,
    /// The state's JSON pointer (unique, where names may repeat across branches).
    pub pointer: String,
    pub target: Target,
    /// What it is, for people: `Catch ServerUnavailableException → Server Unavailable`,
    /// `Choice rule 1 ($.n > 5) → Big`, `Default → Small`, `Retry TooManyRequestsException`;
    /// for a state, its type.
    pub detail: String,
    /// The cases that exercised it, in suite order, each once.
    pub covered_by: Vec<String>,
}

impl Item {
    pub fn covered(&self) -> bool {
        !self.covered_by.is_empty()
    }
}

/// Every item of a definition and what covered it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    pub items: Vec<Item>,
    index: HashMap<(String, Target), usize>,
}

impl Coverage {
    /// Every item of `machine`, none covered yet: states in definition order, nested flows
    /// (Parallel branches, Map item processors) after the flow that holds them.
    pub fn of(machine: &StateMachine) -> Coverage {
        let mut cov = Coverage::default();
        let mut flows: VecDeque<Arc<Program>> = VecDeque::from([machine.program.clone()]);
        while let Some(program) = flows.pop_front() {
            for (name, state) in &program.states {
                let mut add = |target: Target, detail: String| {
                    cov.index.insert((state.pointer.clone(), target), cov.items.len());
                    cov.items.push(Item {
                        state: name.clone(),
                        pointer: state.pointer.clone(),
                        target,
                        detail,
                        covered_by: Vec::new(),
                    });
                };
                add(Target::State, state.type_name().to_string());
                if let StateKind::Choice(choice) = &state.kind {
                    for (i, rule) in choice.choices.iter().enumerate() {
                        let text = condition_text(&rule.rule);
                        add(
                            Target::ChoiceRule(i),
                            format!("Choice rule {} ({text}) → {}", i + 1, rule.next),
                        );
                    }
                    if let Some(default) = &choice.default {
                        add(Target::ChoiceDefault, format!("Default → {default}"));
                    }
                }
                for (i, r) in state.retry.iter().enumerate() {
                    add(Target::Retry(i), format!("Retry {}", r.error_equals.join(", ")));
                }
                for (i, c) in state.catch.iter().enumerate() {
                    add(
                        Target::Catch(i),
                        format!("Catch {} → {}", c.error_equals.join(", "), c.next),
                    );
                }
                match &state.kind {
                    StateKind::Parallel { branches } => flows.extend(branches.iter().cloned()),
                    StateKind::Map(map) => flows.push_back(map.processor.clone()),
                    _ => {}
                }
            }
        }
        cov
    }

    /// Marks what `decisions` exercised as covered by `case`.
    pub fn record(&mut self, case: &str, decisions: &[Decision]) {
        for d in decisions {
            let (pointer, target) = match d {
                Decision::Entered { state } => (state, Target::State),
                Decision::Choice { state, rule: Some(i) } => (state, Target::ChoiceRule(*i)),
                Decision::Choice { state, rule: None } => (state, Target::ChoiceDefault),
                Decision::Retried { state, retrier } => (state, Target::Retry(*retrier)),
                Decision::Caught { state, catcher } => (state, Target::Catch(*catcher)),
            };
            let Some(&i) = self.index.get(&(pointer.clone(), target)) else { continue };
            if let Some(item) = self.items.get_mut(i) {
                if !item.covered_by.iter().any(|c| c == case) {
                    item.covered_by.push(case.to_string());
                }
            }
        }
    }

    /// (covered, total) of one group.
    pub fn count(&self, kind: Kind) -> (usize, usize) {
        let of_kind = self.items.iter().filter(|i| i.target.kind() == kind);
        let total = of_kind.clone().count();
        (of_kind.filter(|i| i.covered()).count(), total)
    }

    /// The item for a state (by name: the first state of that name) and a target.
    pub fn item(&self, state: &str, target: Target) -> Option<&Item> {
        self.items.iter().find(|i| i.state == state && i.target == target)
    }
}

/// A Choice rule as text: the JSONPath rule (`$.n > 5`) or the JSONata `Condition`.
fn condition_text(condition: &ChoiceCondition) -> String {
    match condition {
        ChoiceCondition::Rule(rule) => crate::choice::label(rule),
        ChoiceCondition::Condition(t) => match t.source() {
            Value::String(text) => {
                let t = text.trim();
                t.strip_prefix("{%")
                    .and_then(|t| t.strip_suffix("%}"))
                    .unwrap_or(t)
                    .trim()
                    .to_string()
            }
            other => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_cover_nested_flows_and_rules() {
        let machine = StateMachine::from_text(
            r#"{"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "P"}], "Default": "P"},
                "P": {"Type": "Parallel", "End": true,
                      "Retry": [{"ErrorEquals": ["States.ALL"]}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                      "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}]},
                "F": {"Type": "Fail"}}}"#,
        )
        .expect("valid");
        let mut cov = Coverage::of(&machine);
        assert_eq!(cov.count(Kind::States), (0, 4));
        assert_eq!(cov.count(Kind::ChoiceRules), (0, 2));
        assert_eq!(cov.count(Kind::RetryRules), (0, 1));
        assert_eq!(cov.count(Kind::CatchRules), (0, 1));
        let rule = cov.item("C", Target::ChoiceRule(0)).expect("rule");
        assert_eq!(rule.detail, "Choice rule 1 ($.n > 5) → P");
        let a = cov.item("A", Target::State).expect("nested state");
        assert_eq!(a.pointer, "/States/P/Branches/0/States/A");
        cov.record(
            "big",
            &[
                Decision::Entered { state: "/States/C".into() },
                Decision::Choice { state: "/States/C".into(), rule: Some(0) },
                Decision::Entered { state: "/States/P/Branches/0/States/A".into() },
                Decision::Entered { state: "/States/P/Branches/0/States/A".into() },
            ],
        );
        assert_eq!(cov.count(Kind::States), (2, 4));
        assert_eq!(cov.count(Kind::ChoiceRules), (1, 2));
        assert_eq!(
            cov.item("A", Target::State).map(|i| i.covered_by.clone()),
            Some(vec!["big".into()])
        );
    }
}
