//! localStorage persistence of the definition, input and mocks. Storage may be unavailable
//! (private windows, disabled cookies): then nothing is persisted and nothing fails.

use crate::share::Shared;

pub const KEY_DEFINITION: &str = "stepwise.definition";
pub const KEY_INPUT: &str = "stepwise.input";
pub const KEY_MOCKS: &str = "stepwise.mocks";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// What was saved, if anything (a field never saved is `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    pub definition: Option<String>,
    pub input: Option<String>,
    pub mocks: Option<String>,
}

pub fn load() -> Saved {
    let Some(s) = storage() else {
        return Saved::default();
    };
    let get = |key: &str| s.get_item(key).ok().flatten();
    Saved { definition: get(KEY_DEFINITION), input: get(KEY_INPUT), mocks: get(KEY_MOCKS) }
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
}

/// Forgets everything saved (used by "Reset to example").
pub fn clear() {
    if let Some(s) = storage() {
        for key in [KEY_DEFINITION, KEY_INPUT, KEY_MOCKS] {
            let _ = s.remove_item(key);
        }
    }
}
