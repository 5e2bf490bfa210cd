//! Arbitrary bytes as definition text: validation and model building must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let validation = asl::validate(text);
    let built = asl::StateMachine::from_text(text);
    // Both entry points run the same checks: they must agree on whether the text is valid.
    let _ = (validation, built);
});
