//! The choice rule model: operators, operands, rules and top-level choices.
//!
//! Plain data plus the small structural helpers that parsing, evaluation and labels all lean on
//! (an operator's kind and relation, the paths a rule reads). Nothing here reads JSON or input.

use crate::jsonpath::Path;
use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

/// A comparison operator, without its `…Path` suffix (see [`Operand`] for that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// The kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    String,
    Numeric,
    Boolean,
    Timestamp,
    /// `Is*` type tests: the operand is a boolean saying whether the test should hold.
    TypeTest,
}

/// How an ordered comparison relates its two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Relation {
    pub(super) fn holds(self, ordering: Ordering) -> bool {
        match self {
            Relation::Equals => ordering == Ordering::Equal,
            Relation::LessThan => ordering == Ordering::Less,
            Relation::GreaterThan => ordering == Ordering::Greater,
            Relation::LessThanEquals => ordering != Ordering::Greater,
            Relation::GreaterThanEquals => ordering != Ordering::Less,
        }
    }

    pub(super) fn symbol(self) -> &'static str {
        match self {
            Relation::Equals => "==",
            Relation::LessThan => "<",
            Relation::GreaterThan => ">",
            Relation::LessThanEquals => "<=",
            Relation::GreaterThanEquals => ">=",
        }
    }
}

impl Operator {
    /// Every operator, in the order AWS documents them.
    pub const ALL: [Operator; 23] = [
        Operator::StringEquals,
        Operator::StringLessThan,
        Operator::StringGreaterThan,
        Operator::StringLessThanEquals,
        Operator::StringGreaterThanEquals,
        Operator::StringMatches,
        Operator::NumericEquals,
        Operator::NumericLessThan,
        Operator::NumericGreaterThan,
        Operator::NumericLessThanEquals,
        Operator::NumericGreaterThanEquals,
        Operator::BooleanEquals,
        Operator::TimestampEquals,
        Operator::TimestampLessThan,
        Operator::TimestampGreaterThan,
        Operator::TimestampLessThanEquals,
        Operator::TimestampGreaterThanEquals,
        Operator::IsNull,
        Operator::IsPresent,
        Operator::IsNumeric,
        Operator::IsString,
        Operator::IsBoolean,
        Operator::IsTimestamp,
    ];

    /// The field name in a definition (without `Path`), e.g. `"NumericLessThan"`.
    pub fn name(self) -> &'static str {
        match self {
            Operator::StringEquals => "StringEquals",
            Operator::StringLessThan => "StringLessThan",
            Operator::StringGreaterThan => "StringGreaterThan",
            Operator::StringLessThanEquals => "StringLessThanEquals",
            Operator::StringGreaterThanEquals => "StringGreaterThanEquals",
            Operator::StringMatches => "StringMatches",
            Operator::NumericEquals => "NumericEquals",
            Operator::NumericLessThan => "NumericLessThan",
            Operator::NumericGreaterThan => "NumericGreaterThan",
            Operator::NumericLessThanEquals => "NumericLessThanEquals",
            Operator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Operator::BooleanEquals => "BooleanEquals",
            Operator::TimestampEquals => "TimestampEquals",
            Operator::TimestampLessThan => "TimestampLessThan",
            Operator::TimestampGreaterThan => "TimestampGreaterThan",
            Operator::TimestampLessThanEquals => "TimestampLessThanEquals",
            Operator::TimestampGreaterThanEquals => "TimestampGreaterThanEquals",
            Operator::IsNull => "IsNull",
            Operator::IsPresent => "IsPresent",
            Operator::IsNumeric => "IsNumeric",
            Operator::IsString => "IsString",
            Operator::IsBoolean => "IsBoolean",
            Operator::IsTimestamp => "IsTimestamp",
        }
    }

    /// The operator a definition field names, and whether it is the `…Path` form.
    /// `None` for anything that is not a comparison operator field.
    pub fn from_field(field: &str) -> Option<(Operator, bool)> {
        if let Some(op) = Operator::ALL.iter().copied().find(|op| op.name() == field) {
            return Some((op, false));
        }
        let base = field.strip_suffix("Path")?;
        let op = Operator::ALL.iter().copied().find(|op| op.name() == base)?;
        op.has_path_form().then_some((op, true))
    }

    /// Whether AWS accepts a `…Path` form of this operator (not `StringMatches`, not `Is*`).
    pub fn has_path_form(self) -> bool {
        !matches!(self.kind(), Kind::TypeTest) && self != Operator::StringMatches
    }

    pub(super) fn kind(self) -> Kind {
        use Operator::*;
        match self {
            StringEquals
            | StringLessThan
            | StringGreaterThan
            | StringLessThanEquals
            | StringGreaterThanEquals
            | StringMatches => Kind::String,
            NumericEquals
            | NumericLessThan
            | NumericGreaterThan
            | NumericLessThanEquals
            | NumericGreaterThanEquals => Kind::Numeric,
            BooleanEquals => Kind::Boolean,
            TimestampEquals
            | TimestampLessThan
            | TimestampGreaterThan
            | TimestampLessThanEquals
            | TimestampGreaterThanEquals => Kind::Timestamp,
            IsNull | IsPresent | IsNumeric | IsString | IsBoolean | IsTimestamp => Kind::TypeTest,
        }
    }

    pub(super) fn relation(self) -> Option<Relation> {
        use Operator::*;
        Some(match self {
            StringEquals | NumericEquals | BooleanEquals | TimestampEquals => Relation::Equals,
            StringLessThan | NumericLessThan | TimestampLessThan => Relation::LessThan,
            StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => Relation::GreaterThan,
            StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => {
                Relation::LessThanEquals
            }
            StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => {
                Relation::GreaterThanEquals
            }
            _ => return None,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal from the definition (`"NumericEquals": 3`), already checked for its type.
    Literal(Value),
    /// A path from a `…Path` operator (`"NumericEqualsPath": "$.limit"`), compiled.
    Path(Path),
}

/// A choice rule (top-level or nested), in the JSONPath query language.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceRule {
    /// True when every rule is true (evaluated left to right, stopping at the first false).
    And(Vec<ChoiceRule>),
    /// True when any rule is true (evaluated left to right, stopping at the first true).
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    /// `Variable` compared with `operand` by `op`.
    Compare {
        variable: Path,
        op: Operator,
        operand: Operand,
    },
}

/// A top-level rule with its target (`Next`); nested rules have none.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub rule: ChoiceRule,
    pub next: String,
    pub comment: Option<String>,
    /// The rule's `Assign` block (workflow variables set when this rule is taken), if any.
    /// Kept verbatim: evaluating it is the runner's job.
    pub assign: Option<Value>,
}

/// The boolean of an `Is*` operand (parsing guarantees a literal boolean).
pub(super) fn operand_flag(operand: &Operand) -> bool {
    matches!(operand, Operand::Literal(Value::Bool(true)))
}

/// All paths the rule reads (`Variable` and `…Path` operands), in definition order.
pub fn paths(rule: &ChoiceRule) -> Vec<&Path> {
    let mut out = Vec::new();
    collect_paths(rule, &mut out);
    out
}

fn collect_paths<'a>(rule: &'a ChoiceRule, out: &mut Vec<&'a Path>) {
    match rule {
        ChoiceRule::And(rules) | ChoiceRule::Or(rules) => {
            for r in rules {
                collect_paths(r, out);
            }
        }
        ChoiceRule::Not(inner) => collect_paths(inner, out),
        ChoiceRule::Compare { variable, operand, .. } => {
            out.push(variable);
            if let Operand::Path(p) = operand {
                out.push(p);
            }
        }
    }
}
