//! Human text for choice rules (`$.n > 5`, `$.a is present && …`, `not (…)`).
//!
//! Used to draw and explain graph edges; it never affects how a rule evaluates.

use super::ast::{operand_flag, ChoiceRule, Kind, Operand, Operator, Relation};

const LABEL_MAX: usize = 40;

/// A short human label for a rule, for drawing graph edges: e.g. `$.status == "200"`,
/// `not ($.x > 3)`, `$.a is present && …` (at most 40 characters, ellipsis beyond).
pub fn label(rule: &ChoiceRule) -> String {
    let full = label_full(rule);
    if full.chars().count() <= LABEL_MAX {
        return full;
    }
    let mut short: String = full.chars().take(LABEL_MAX - 1).collect();
    short.push('…');
    short
}

/// The full human text of a rule, as [`label`] but never shortened (for tooltips).
pub fn label_full(rule: &ChoiceRule) -> String {
    match rule {
        ChoiceRule::And(rules) => join_labels(rules, " && "),
        ChoiceRule::Or(rules) => join_labels(rules, " || "),
        ChoiceRule::Not(inner) => format!("not ({})", label_full(inner)),
        ChoiceRule::Compare { variable, op, operand } => {
            let rhs = match operand {
                Operand::Literal(v) => v.to_string(),
                Operand::Path(p) => p.to_string(),
            };
            if op.kind() == Kind::TypeTest {
                let yes = operand_flag(operand);
                let what = match op {
                    Operator::IsNull => "null",
                    Operator::IsPresent => "present",
                    Operator::IsNumeric => "numeric",
                    Operator::IsString => "a string",
                    Operator::IsBoolean => "a boolean",
                    _ => "a timestamp",
                };
                return format!("{variable} is {}{what}", if yes { "" } else { "not " });
            }
            if *op == Operator::StringMatches {
                return format!("{variable} like {rhs}");
            }
            let symbol = op.relation().map_or("?", Relation::symbol);
            format!("{variable} {symbol} {rhs}")
        }
    }
}

fn join_labels(rules: &[ChoiceRule], separator: &str) -> String {
    rules
        .iter()
        .map(|r| match r {
            ChoiceRule::And(_) | ChoiceRule::Or(_) => format!("({})", label_full(r)),
            _ => label_full(r),
        })
        .collect::<Vec<_>>()
        .join(separator)
}
