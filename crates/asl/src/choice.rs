//! Choice rules: their model and their evaluation.
