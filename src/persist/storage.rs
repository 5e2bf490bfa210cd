//! localStorage persistence of the definition, input and mocks. Storage may be unavailable
//! (private windows, disabled cookies): then nothing is persisted and nothing fails.

use crate::persist::share::Shared;

pub const KEY_DEFINITION: &str = "stepwise.definition";
pub const KEY_INPUT: &str = "stepwise.input";
pub const KEY_MOCKS: &str = "stepwise.mocks";
/// The mock configuration's selected test case (absent: none, mocks unused).
pub const KEY_TEST_CASE: &str = "stepwise.test_case";
/// The debugger's breakpoints: a JSON array of state names (saved with the definition).
pub const KEY_BREAKPOINTS: &str = "stepwise.breakpoints";
/// "open" / "closed": the tutorial panel (a view preference, kept by "Reset to example").
pub const KEY_TUTORIAL: &str = "stepwise.tutorial";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// What was saved, if anything (a field never saved is `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    pub definition: Option<String>,
    pub input: Option<String>,
    pub mocks: Option<String>,
    pub test_case: Option<String>,
    pub breakpoints: Option<String>,
}

/// Breakpoints saved as a JSON array of state names (anything else: none).
pub fn breakpoints_of(saved: Option<&str>) -> Vec<String> {
    saved.and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

/// Saves the breakpoints (an empty set removes the key).
pub fn save_breakpoints(states: &[String]) {
    if states.is_empty() {
        remove(KEY_BREAKPOINTS);
    } else {
        save(KEY_BREAKPOINTS, &serde_json::to_string(states).unwrap_or_default());
    }
}

pub fn load() -> Saved {
    let Some(s) = storage() else {
        return Saved::default();
    };
    let get = |key: &str| s.get_item(key).ok().flatten();
    Saved {
        definition: get(KEY_DEFINITION),
        input: get(KEY_INPUT),
        mocks: get(KEY_MOCKS),
        test_case: get(KEY_TEST_CASE),
        breakpoints: get(KEY_BREAKPOINTS),
    }
}

/// One saved field, if any.
pub fn load_one(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Removes one field.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Whether the tutorial panel is open: open on a first visit, then as the user left it.
pub fn tutorial_open() -> bool {
    load_one(KEY_TUTORIAL).as_deref() != Some("closed")
}

/// Saves one field; errors (quota, no storage) are ignored on purpose.
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn save_all(shared: &Shared) {
    save(KEY_DEFINITION, &shared.definition);
    save(KEY_INPUT, &shared.input);
    save(KEY_MOCKS, &shared.mocks);
    match &shared.test_case {
        Some(case) => save(KEY_TEST_CASE, case),
        None => remove(KEY_TEST_CASE),
    }
    save_breakpoints(&shared.breakpoints);
}

/// Forgets everything saved (used by "Reset to example").
pub fn clear() {
    if let Some(s) = storage() {
        for key in [KEY_DEFINITION, KEY_INPUT, KEY_MOCKS, KEY_TEST_CASE, KEY_BREAKPOINTS] {
            let _ = s.remove_item(key);
        }
    }
}
