//! The `States.*` intrinsic functions of JSONPath states.
