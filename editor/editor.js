// Stepwise editor glue: a CodeMirror 6 editor with just the extensions the playground needs.
// Bundled by esbuild into dist/editor.js and imported from Rust via wasm-bindgen.
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
} from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { json } from "@codemirror/lang-json";
import { lintGutter, setDiagnostics as cmSetDiagnostics } from "@codemirror/lint";

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "13px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
});

/** Creates an editor inside `parent` holding `doc`; `onChange(text)` runs after every edit. */
export function createEditor(parent, doc, onChange) {
  const listener = EditorView.updateListener.of((update) => {
    if (update.docChanged && typeof onChange === "function") {
      onChange(update.state.doc.toString());
    }
  });
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        lintGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        json(),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...foldKeymap, indentWithTab]),
        EditorState.tabSize.of(2),
        theme,
        listener,
      ],
    }),
  });
}

/** The editor's current text. */
export function getText(view) {
  return view.state.doc.toString();
}

/** Replaces the whole text (one undoable change; onChange fires). */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// Clamps a 1-based line/column pair to a document offset.
function offsetOf(doc, line, column) {
  const l = Math.min(Math.max(1, line | 0), doc.lines);
  const info = doc.line(l);
  const col = Math.min(Math.max(1, column | 0), info.length + 1);
  return info.from + col - 1;
}

/**
 * Shows lint markers. `diagnostics` is an array (or a JSON string of one) of
 * `{ line, column, severity: "error" | "warning", message }`, line and column 1-based; entries
 * without a line are not shown in the editor (the problems list still lists them).
 */
export function setDiagnostics(view, diagnostics) {
  const list = typeof diagnostics === "string" ? JSON.parse(diagnostics) : diagnostics || [];
  const doc = view.state.doc;
  const out = [];
  for (const d of list) {
    if (!d || typeof d.line !== "number") continue;
    const from = offsetOf(doc, d.line, typeof d.column === "number" ? d.column : 1);
    const lineEnd = doc.lineAt(from).to;
    const to = from < lineEnd ? from + 1 : from;
    out.push({
      from,
      to,
      severity: d.severity === "warning" ? "warning" : "error",
      message: String(d.message ?? ""),
    });
  }
  view.dispatch(cmSetDiagnostics(view.state, out));
}

/** Moves the cursor to a 1-based line/column and focuses the editor. */
export function revealPosition(view, line, column) {
  const pos = offsetOf(view.state.doc, line, column);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

/** The EditorView whose DOM contains `element`, or undefined. */
export function viewOf(element) {
  const root = element && element.closest ? element.closest(".cm-editor") : null;
  return (root && EditorView.findFromDOM(root)) || undefined;
}
