//! [`Expression`]: one JSONata expression from a definition (the text inside `{% … %}`),
//! compiled once: the workflow variables it names are found when the definition is loaded,
//! and with the language built in its syntax tree is parsed then too.

use std::fmt;

use serde_json::Map;

use super::{Bindings, EvalError};
use crate::random::Random;

/// A JSONata expression, parsed once.
pub struct Expression {
    text: Box<str>,
    /// Names after `$` outside string literals: the workflow variables it may read.
    variables: Box<[String]>,
    #[cfg(feature = "jsonata")]
    ast: Result<super::builtin::Ast, String>,
}

impl Expression {
    /// Compiles the text inside `{% … %}` (already trimmed).
    pub fn compile(text: &str) -> Expression {
        Expression {
            text: text.into(),
            variables: super::referenced_variables(text).into_boxed_slice(),
            #[cfg(feature = "jsonata")]
            ast: super::builtin::parse(text),
        }
    }

    /// The expression as written (inside the `{% %}`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Why the expression does not parse (the JSONata parser's message, e.g.
    /// `S0203: Expected "]" before end of expression`), if it does not. Built in, this is the
    /// error kept when the expression was compiled; without the language it asks the installed
    /// backend through [`check_syntax`](super::check_syntax) (no backend yet: no error).
    pub fn syntax_error(&self) -> Option<String> {
        #[cfg(feature = "jsonata")]
        return self.ast.as_ref().err().cloned();
        #[cfg(not(feature = "jsonata"))]
        super::check_syntax(&self.text).err()
    }

    /// Evaluates the expression. `Ok(None)` is JSONata's *undefined*.
    pub fn evaluate(
        &self,
        b: &Bindings,
        random: &mut Random,
    ) -> Result<Option<serde_json::Value>, EvalError> {
        let mut variables = Map::new();
        for name in self.variables.iter() {
            if name == "states" {
                continue;
            }
            if let Some(value) = (b.variables)(name) {
                variables.insert(name.clone(), value);
            }
        }
        #[cfg(feature = "jsonata")]
        return match &self.ast {
            Ok(ast) => super::builtin::evaluate_ast(ast, b.states, &variables, b.now_ms, random),
            Err(message) => Err(EvalError::new(message.clone())),
        };
        #[cfg(not(feature = "jsonata"))]
        super::evaluate_with_backend(&self.text, b.states, &variables, b.now_ms, random)
    }
}

impl Clone for Expression {
    fn clone(&self) -> Expression {
        Expression {
            text: self.text.clone(),
            variables: self.variables.clone(),
            #[cfg(feature = "jsonata")]
            ast: self.ast.clone(),
        }
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Expression) -> bool {
        self.text == other.text
    }
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expression({:?})", self.text)
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
