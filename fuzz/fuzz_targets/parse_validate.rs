//! Arbitrary bytes as definition text: validation and model building must never panic or hang.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    common::guarded(|| {
        let validation = asl::validate(text);
        let built = asl::StateMachine::from_text(text);
        // Both entry points run the same checks: they must agree on whether the text is valid.
        assert_eq!(validation.is_ok(), built.is_ok(), "validate and from_text disagree");
    });
});
