//! The definition editor: CodeMirror 6 (bundled from npm into `editor/dist/editor.js`) driven
//! from Rust through wasm-bindgen module imports.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::definition::problems::to_editor_json;
use crate::definition::state_lines::{state_at_line, state_lines};
use crate::session::{session, Session};

// On wasm the functions come from the bundled module; native builds (clippy, unit tests) never
// call them and so do not need the bundle to exist.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen(module = "/editor/dist/editor.js"))]
#[cfg_attr(not(target_arch = "wasm32"), wasm_bindgen)]
extern "C" {
    /// An `EditorView`.
    #[derive(Clone)]
    pub type EditorView;

    #[wasm_bindgen(js_name = createEditor)]
    fn create_editor(parent: &web_sys::Element, doc: &str, on_change: &JsValue) -> EditorView;
    /// A plain JSON editor (highlighting, folding, lint markers via [`set_diagnostics_json`]; no
    /// ASL completion) inside `parent`. `on_change` is a JS function called with the new text
    /// after every edit (e.g. a `Closure<dyn FnMut(String)>` turned into a `JsValue`).
    #[wasm_bindgen(js_name = createJsonEditor)]
    pub fn create_json_editor(
        parent: &web_sys::Element,
        doc: &str,
        on_change: &JsValue,
    ) -> EditorView;
    #[wasm_bindgen(js_name = getText)]
    pub fn get_text(view: &EditorView) -> String;
    #[wasm_bindgen(js_name = setText)]
    pub fn set_text(view: &EditorView, text: &str);
    /// Shows lint markers: a JSON array of `{line, column, severity, message}` (1-based).
    #[wasm_bindgen(js_name = setDiagnostics)]
    pub fn set_diagnostics_json(view: &EditorView, diagnostics_json: &str);
    #[wasm_bindgen(js_name = revealPosition)]
    pub fn reveal_position(view: &EditorView, line: u32, column: u32);
    /// The view whose DOM contains `element` (any element inside `.cm-editor`), if any.
    #[wasm_bindgen(js_name = viewOf)]
    pub fn view_of(element: &web_sys::Element) -> Option<EditorView>;
    /// Inserts text at the cursor as typing does (completion reacts to it).
    #[wasm_bindgen(js_name = typeText)]
    pub fn type_text(view: &EditorView, text: &str);
    /// The labels of the open completion popup's options (empty when none is open).
    #[wasm_bindgen(js_name = openCompletionLabels)]
    pub fn open_completion_labels(view: &EditorView) -> Vec<String>;
    /// The JSONata tokens of a JSON string value, as JSON `[{"from","to","type"}]`; `[]` when
    /// the value is not a `{% … %}` template.
    #[wasm_bindgen(js_name = jsonataTokensJson)]
    pub fn jsonata_tokens_json(value: &str) -> String;
    /// What ASL completion offers at a document offset (as on Ctrl-Space), as JSON
    /// `{"from","to","labels"}` or `null`.
    #[wasm_bindgen(js_name = aslCompletionsJson)]
    pub fn asl_completions_json(view: &EditorView, pos: u32) -> String;
    /// The debugger's breakpoint gutter: a click calls `on_toggle` with the 1-based line.
    #[wasm_bindgen(js_name = enableBreakpointGutter)]
    fn enable_breakpoint_gutter(view: &EditorView, on_toggle: &JsValue);
    /// Shows breakpoint markers on lines (a JSON array of 1-based line numbers).
    #[wasm_bindgen(js_name = setBreakpointLines)]
    fn set_breakpoint_lines(view: &EditorView, lines_json: &str);
    /// The 1-based lines showing a breakpoint marker.
    #[wasm_bindgen(js_name = breakpointLines)]
    pub fn breakpoint_lines(view: &EditorView) -> Vec<u32>;
}

/// A handle the other panels use to act on the editor (reveal a problem, load a text).
#[derive(Clone, Copy)]
pub struct EditorHandle {
    view: StoredValue<Option<EditorView>, LocalStorage>,
    pending: RwSignal<Option<String>>,
}

impl EditorHandle {
    pub fn new() -> Self {
        Self { view: StoredValue::new_local(None), pending: RwSignal::new(None) }
    }

    /// Replaces the text (as one undoable edit once the editor exists).
    pub fn load(&self, text: String) {
        match self.view.get_value() {
            Some(view) => set_text(&view, &text),
            None => self.pending.set(Some(text)),
        }
    }

    /// Moves the cursor to a problem's position.
    pub fn reveal(&self, line: u32, column: u32) {
        if let Some(view) = self.view.get_value() {
            reveal_position(&view, line, column);
        }
    }
}

impl Default for EditorHandle {
    fn default() -> Self {
        Self::new()
    }
}

/// The editor panel. The session's definition follows every edit; its problems become lint
/// markers.
#[component]
pub fn DefinitionEditor() -> impl IntoView {
    let Session { editor: handle, definition: text, problems, compiled, breakpoints, .. } =
        session();
    let host = NodeRef::<Div>::new();

    Effect::new(move |_| {
        let Some(element) = host.get() else {
            return;
        };
        if handle.view.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn FnMut(String)>::new(move |new_text: String| {
            text.set(new_text);
        })
        .into_js_value();
        let initial = text.get_untracked();
        let view = create_editor(&element, &initial, &on_change);
        set_diagnostics_json(&view, &to_editor_json(&problems.get_untracked()));
        // A click in the breakpoint gutter toggles the breakpoint of the state defined there.
        let on_toggle = Closure::<dyn FnMut(u32)>::new(move |line: u32| {
            let state = compiled.with_untracked(|c| state_at_line(c, line));
            if let Some(state) = state {
                breakpoints.update(|b| {
                    if !b.remove(&state) {
                        b.insert(state);
                    }
                });
            }
        })
        .into_js_value();
        enable_breakpoint_gutter(&view, &on_toggle);
        let lines: Vec<u32> = breakpoints.with_untracked(|b| {
            compiled.with_untracked(|c| {
                state_lines(c).into_iter().filter(|(n, _)| b.contains(n)).map(|(_, l)| l).collect()
            })
        });
        set_breakpoint_lines(&view, &serde_json::to_string(&lines).unwrap_or_default());
        handle.view.set_value(Some(view));
        if let Some(pending) = handle.pending.get_untracked() {
            handle.pending.set(None);
            handle.load(pending);
        }
    });

    // Text loaded before the editor existed.
    Effect::new(move |_| {
        if let Some(pending) = handle.pending.get() {
            if let Some(view) = handle.view.get_value() {
                handle.pending.set(None);
                set_text(&view, &pending);
            }
        }
    });

    Effect::new(move |_| {
        let json = to_editor_json(&problems.get());
        if let Some(view) = handle.view.get_value() {
            set_diagnostics_json(&view, &json);
        }
    });

    // Breakpoint markers on the lines where the breakpoints' states are defined.
    Effect::new(move |_| {
        let lines: Vec<u32> = breakpoints.with(|b| {
            if b.is_empty() {
                return Vec::new();
            }
            compiled.with(|c| {
                state_lines(c).into_iter().filter(|(n, _)| b.contains(n)).map(|(_, l)| l).collect()
            })
        });
        if let Some(view) = handle.view.get_value() {
            set_breakpoint_lines(&view, &serde_json::to_string(&lines).unwrap_or_default());
        }
    });

    view! { <div class="editor-host" node_ref=host aria-label="State machine definition"></div> }
}
