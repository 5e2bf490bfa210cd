//! The `States.*` intrinsic functions of JSONPath states: parsing and evaluation.
//!
//! A call is `States.Name(arg, …)`; an argument is a string literal in single quotes (`\'`,
//! `\{`, `\}`, `\\` escape), a number, `true` / `false` / `null`, a path (`$…`, `$$…`,
//! `$var…`) or another call. Calls nest at most [`MAX_NESTING`] deep. Evaluation failures are
//! `States.IntrinsicFailure`; a path argument that selects nothing is `States.Runtime`, worded
//! like AWS's message for payload templates.

mod functions;

use crate::errors::StatesError;
use crate::jsonpath::{parse_target, PathError, PathTarget, Scope};
use crate::random::Random;
use crate::template::budget::Budget;
use serde_json::Value;

/// How deep calls may nest inside one field (AWS quota).
pub const MAX_NESTING: usize = 10;

/// A parsed intrinsic call tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    src: String,
    call: Call,
}

#[derive(Debug, Clone, PartialEq)]
struct Call {
    func: Func,
    args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// A string literal: its value, and its text with escapes kept (`States.Format` needs to
    /// tell `{}` from `\{\}`).
    Str {
        value: String,
        raw: String,
    },
    Literal(Value),
    Path {
        src: String,
        target: PathTarget,
    },
    Call(Box<Call>),
}

macro_rules! funcs {
    ($($variant:ident = $name:literal, $min:expr, $max:expr;)*) => {
        /// The 18 intrinsic functions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Func { $($variant),* }

        impl Func {
            /// From the name after `States.`.
            pub fn from_name(name: &str) -> Option<Func> {
                match name { $($name => Some(Func::$variant),)* _ => None }
            }
            /// The full name, e.g. `States.Format`.
            pub fn name(self) -> &'static str {
                match self { $(Func::$variant => concat!("States.", $name),)* }
            }
            /// Allowed argument counts (min, max).
            fn arity(self) -> (usize, usize) {
                match self { $(Func::$variant => ($min, $max),)* }
            }
        }
    };
}

funcs! {
    Format = "Format", 1, usize::MAX;
    StringToJson = "StringToJson", 1, 1;
    JsonToString = "JsonToString", 1, 1;
    Array = "Array", 0, usize::MAX;
    ArrayPartition = "ArrayPartition", 2, 2;
    ArrayContains = "ArrayContains", 2, 2;
    ArrayRange = "ArrayRange", 3, 3;
    ArrayGetItem = "ArrayGetItem", 2, 2;
    ArrayLength = "ArrayLength", 1, 1;
    ArrayUnique = "ArrayUnique", 1, 1;
    Base64Encode = "Base64Encode", 1, 1;
    Base64Decode = "Base64Decode", 1, 1;
    Hash = "Hash", 2, 2;
    JsonMerge = "JsonMerge", 3, 3;
    MathRandom = "MathRandom", 2, 3;
    MathAdd = "MathAdd", 2, 2;
    StringSplit = "StringSplit", 2, 2;
    Uuid = "UUID", 0, 0;
}

impl Intrinsic {
    /// The source text, as written.
    pub fn as_str(&self) -> &str {
        &self.src
    }

    /// The outermost function.
    pub fn func(&self) -> Func {
        self.call.func
    }
}

/// Whether `src` looks like an intrinsic call: `States.` + a known name + `(`.
pub fn is_intrinsic(src: &str) -> bool {
    let Some(rest) = src.trim_start().strip_prefix("States.") else { return false };
    let name_end = rest.find('(').unwrap_or(rest.len());
    rest.get(..name_end).is_some_and(|n| Func::from_name(n.trim_end()).is_some())
        && name_end < rest.len()
}

/// Parse an intrinsic call (arity and nesting are checked here).
pub fn parse_intrinsic(src: &str) -> Result<Intrinsic, PathError> {
    let mut p = Parser { s: src, pos: 0 };
    p.ws();
    let call = p.call(1)?;
    p.ws();
    if p.pos != src.len() {
        return Err(p.err("unexpected text after the call"));
    }
    Ok(Intrinsic { src: src.to_string(), call })
}

struct Parser<'s> {
    s: &'s str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn err(&self, what: &str) -> PathError {
        PathError::new(format!(
            "Invalid intrinsic function call '{}': {what} at position {}",
            self.s, self.pos
        ))
    }

    fn call(&mut self, depth: usize) -> Result<Call, PathError> {
        if depth > MAX_NESTING {
            return Err(PathError::new(format!(
                "Invalid intrinsic function call '{}': intrinsic functions nest at most \
                 {MAX_NESTING} deep",
                self.s
            )));
        }
        if !self.rest().starts_with("States.") {
            return Err(self.err("expected 'States.'"));
        }
        self.pos += "States.".len();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.bump();
        }
        let name = self.s.get(start..self.pos).unwrap_or("");
        let func = Func::from_name(name)
            .ok_or_else(|| self.err(&format!("unknown function 'States.{name}'")))?;
        self.ws();
        if self.bump() != Some('(') {
            return Err(self.err("expected '('"));
        }
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(')') {
            self.bump();
        } else {
            loop {
                self.ws();
                args.push(self.arg(depth)?);
                self.ws();
                match self.bump() {
                    Some(',') => continue,
                    Some(')') => break,
                    _ => return Err(self.err("expected ',' or ')'")),
                }
            }
        }
        let (min, max) = func.arity();
        if args.len() < min || args.len() > max {
            return Err(PathError::new(format!(
                "Invalid intrinsic function call '{}': {} takes {} but was given {}",
                self.s,
                func.name(),
                match (min, max) {
                    (a, b) if a == b => format!("{a} argument(s)"),
                    (a, usize::MAX) => format!("at least {a} argument(s)"),
                    (a, b) => format!("{a} to {b} arguments"),
                },
                args.len()
            )));
        }
        Ok(Call { func, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, PathError> {
        match self.peek() {
            Some('\'') => {
                self.bump();
                let (mut value, mut raw) = (String::new(), String::new());
                loop {
                    match self.bump() {
                        None => return Err(self.err("unterminated string literal")),
                        Some('\'') => break,
                        Some('\\') => {
                            let Some(c) = self.bump() else {
                                return Err(self.err("unterminated string literal"));
                            };
                            raw.push('\\');
                            raw.push(c);
                            if !matches!(c, '\'' | '{' | '}' | '\\') {
                                value.push('\\');
                            }
                            value.push(c);
                        }
                        Some(c) => {
                            raw.push(c);
                            value.push(c);
                        }
                    }
                }
                Ok(Arg::Str { value, raw })
            }
            Some('$') => {
                let start = self.pos;
                let (mut depth_b, mut quote) = (0i32, None::<char>);
                while let Some(c) = self.peek() {
                    match (quote, c) {
                        (Some(_), '\\') => {
                            self.bump();
                        }
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, '\'' | '"') if depth_b > 0 => quote = Some(c),
                        (None, '[' | '(') => depth_b += 1,
                        (None, ']') => depth_b -= 1,
                        (None, ')') if depth_b > 0 => depth_b -= 1,
                        (None, ')' | ',') => break,
                        (None, c) if c.is_whitespace() && depth_b == 0 => break,
                        _ => {}
                    }
                    self.bump();
                }
                let src = self.s.get(start..self.pos).unwrap_or("").to_string();
                let target = parse_target(&src)?;
                Ok(Arg::Path { src, target })
            }
            Some('S') if self.rest().starts_with("States.") => {
                Ok(Arg::Call(Box::new(self.call(depth + 1)?)))
            }
            Some(_) => {
                let start = self.pos;
                while self.peek().is_some_and(|c| !matches!(c, ',' | ')') && !c.is_whitespace()) {
                    self.bump();
                }
                let text = self.s.get(start..self.pos).unwrap_or("");
                match serde_json::from_str::<Value>(text) {
                    Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => {
                        Ok(Arg::Literal(v))
                    }
                    _ => Err(self.err(&format!("invalid argument '{text}'"))),
                }
            }
            None => Err(self.err("unexpected end")),
        }
    }
}

/// Evaluate a call. A path argument that selects nothing is reported for the field `field`
/// (the payload key such as `x.$`, or `CausePath`…); see [`evaluate_intrinsic_in_field`].
pub fn evaluate_intrinsic(
    call: &Intrinsic,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    evaluate_intrinsic_in_field(call, call.as_str(), scope, random)
}

/// [`evaluate_intrinsic`] naming the field the call sits in, for the missing-path message
/// `The JSONPath '$.x' specified for the field '<field>' could not be found in the input '…'`.
pub fn evaluate_intrinsic_in_field(
    call: &Intrinsic,
    field: &str,
    scope: &Scope,
    random: &mut Random,
) -> Result<Value, StatesError> {
    evaluate_intrinsic_within(call, field, scope, random, &mut Budget::default())
}

/// [`evaluate_intrinsic_in_field`] counting what the call copies and builds (path arguments
/// and every call's result) against `budget`: a call that would build more than
/// [`MAX_TEMPLATE_BYTES`](crate::template::budget::MAX_TEMPLATE_BYTES) fails with
/// `States.DataLimitExceeded` instead of exhausting memory.
pub fn evaluate_intrinsic_within(
    call: &Intrinsic,
    field: &str,
    scope: &Scope,
    random: &mut Random,
    budget: &mut Budget,
) -> Result<Value, StatesError> {
    eval_call(&call.call, field, scope, random, budget)
}

fn eval_call(
    call: &Call,
    field: &str,
    scope: &Scope,
    random: &mut Random,
    budget: &mut Budget,
) -> Result<Value, StatesError> {
    let mut values = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        values.push(match arg {
            Arg::Str { value, .. } => Value::String(value.clone()),
            Arg::Literal(v) => v.clone(),
            Arg::Path { src, target } => budget.select(scope, target, src, field)?,
            Arg::Call(inner) => eval_call(inner, field, scope, random, budget)?,
        });
    }
    let result = apply_call(call, values, random)?;
    budget.charge(&result)?;
    Ok(result)
}

fn apply_call(call: &Call, values: Vec<Value>, random: &mut Random) -> Result<Value, StatesError> {
    if call.func == Func::Format {
        let template = match call.args.first() {
            Some(Arg::Str { raw, .. }) => Some(raw.clone()),
            _ => values.first().and_then(Value::as_str).map(str::to_string),
        };
        let template = template.ok_or_else(|| {
            StatesError::intrinsic(
                "The first argument of States.Format must be a string literal template",
            )
        })?;
        return functions::format(&template, values.get(1..).unwrap_or(&[]));
    }
    functions::apply(call.func, values, random)
}

/// Compact JSON text, as AWS prints values inside messages.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests;
