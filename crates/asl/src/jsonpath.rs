//! JSONPath as Amazon States Language uses it (selection, reference paths for `ResultPath`).
