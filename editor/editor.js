// Stepwise editor glue: a CodeMirror 6 editor with just the extensions the playground needs.
// Bundled by esbuild into dist/editor.js and imported from Rust via wasm-bindgen.
import { EditorState, Prec, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  EditorView,
  gutter,
  GutterMarker,
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
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { jsonataHighlighting, jsonataTokens } from "./jsonata.js";
import { aslCompletions, aslCompletionSource } from "./asl-complete.js";

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "13px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
  // JSONata templates: the string loses its string colour and gets a faint tint; the tokens
  // take the colours the JSON highlighting uses for the same kinds of things.
  ".cm-jsonata": { color: "#16191f", backgroundColor: "#f5f0fa", borderRadius: "2px" },
  ".cm-jsonata-delim": { color: "#708", fontWeight: "bold" },
  ".cm-jsonata-var": { color: "#256" },
  ".cm-jsonata-fn": { color: "#00f" },
  ".cm-jsonata-str": { color: "#a11" },
  ".cm-jsonata-num": { color: "#164" },
  ".cm-jsonata-kw": { color: "#708" },
  ".cm-jsonata-op": { color: "#708" },
  ".cm-jsonata-punct": { color: "#545b64" },
  ".cm-jsonata-path": { color: "#16191f" },
  ".cm-jsonata-comment": { color: "#940", fontStyle: "italic" },
  ".cm-tooltip.cm-tooltip-autocomplete": {
    border: "1px solid #c6c6cd",
    borderRadius: "4px",
    boxShadow: "0 2px 8px rgba(0, 7, 22, 0.15)",
    overflow: "hidden",
  },
  ".cm-tooltip-autocomplete ul li": { padding: "1px 8px" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { background: "#0972d3", color: "#fff" },
  ".cm-completionDetail": { color: "#5f6b7a", fontStyle: "normal", marginLeft: "1em" },
  ".cm-tooltip-autocomplete ul li[aria-selected] .cm-completionDetail": { color: "#dbeafe" },
  ".cm-breakpoint-gutter .cm-gutterElement": {
    cursor: "pointer",
    color: "#d13212",
    width: "1.1em",
    textAlign: "center",
  },
  ".cm-breakpoint-gutter .cm-gutterElement:hover": { backgroundColor: "#fdecea" },
});

// What both editors share: JSON editing, highlighting, lint markers (set from Rust), history,
// search, folding.
function baseExtensions(onChange) {
  const listener = EditorView.updateListener.of((update) => {
    if (update.docChanged && typeof onChange === "function") {
      onChange(update.state.doc.toString());
    }
  });
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    lintGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    json(),
    EditorState.tabSize.of(2),
    theme,
    listener,
  ];
}

const editKeys = [
  ...closeBracketsKeymap,
  ...defaultKeymap,
  ...historyKeymap,
  ...searchKeymap,
  ...foldKeymap,
  indentWithTab,
];

/**
 * Creates the definition editor inside `parent` holding `doc`; `onChange(text)` runs after every
 * edit. ASL-aware: JSONata templates are highlighted and completion knows ASL fields and values.
 */
export function createEditor(parent, doc, onChange) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        baseExtensions(onChange),
        // Highest precedence: CodeMirror draws higher-precedence marks inside lower ones, so
        // the JSONata marks sit inside the (Prec.high) JSON string highlight and their colours
        // win.
        Prec.highest(jsonataHighlighting),
        autocompletion({ override: [aslCompletionSource], icons: false }),
        keymap.of([...completionKeymap, ...editKeys]),
      ],
    }),
  });
}

/**
 * Creates a plain JSON editor (no ASL completion) inside `parent`: JSON highlighting, folding,
 * lint markers through `setDiagnostics`; `onChange(text)` runs after every edit.
 */
export function createJsonEditor(parent, doc, onChange) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [baseExtensions(onChange), keymap.of(editKeys)],
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

/** Inserts `text` at the cursor as if typed (completion reacts to it as to typing). */
export function typeText(view, text) {
  const { from, to } = view.state.selection.main;
  view.dispatch({
    changes: { from, to, insert: text },
    selection: { anchor: from + text.length },
    userEvent: "input.type",
  });
}

/** The labels of the completion options open in `view`'s popup (empty when none is open). */
export function openCompletionLabels(view) {
  return Array.from(view.dom.querySelectorAll(".cm-tooltip-autocomplete .cm-completionLabel"))
    .map((e) => e.textContent);
}

/** The JSONata tokens of a string value, as JSON: `[{from, to, type}]` (see jsonata.js). */
export function jsonataTokensJson(value) {
  return JSON.stringify(jsonataTokens(value));
}

/**
 * What completion offers at `pos` of `view` (as if asked with Ctrl-Space), as JSON:
 * `{from, to, labels: [..]}` or `null`.
 */
export function aslCompletionsJson(view, pos) {
  const r = aslCompletions(view.state.doc.toString(), pos, true);
  return JSON.stringify(r && { from: r.from, to: r.to, labels: r.options.map((o) => o.label) });
}

// ---- the debugger's breakpoint gutter (src/panels/editor.rs, docs/decisions/0021) ----

const setBreakpointsEffect = StateEffect.define();

class BreakpointMarker extends GutterMarker {
  toDOM() {
    const dot = document.createElement("span");
    dot.className = "cm-breakpoint-marker";
    dot.title = "Breakpoint";
    dot.textContent = "\u25cf";
    return dot;
  }
}

const breakpointMarker = new BreakpointMarker();

const breakpointField = StateField.define({
  create() {
    return RangeSet.empty;
  },
  update(set, tr) {
    let next = set.map(tr.changes);
    for (const e of tr.effects) if (e.is(setBreakpointsEffect)) next = e.value;
    return next;
  },
});

/**
 * Adds a gutter whose markers are the lines given to `setBreakpointLines`; a click on the
 * gutter calls `onToggle(lineNumber)` (1-based) and Rust decides which state that line defines.
 */
export function enableBreakpointGutter(view, onToggle) {
  const extension = [
    breakpointField,
    gutter({
      class: "cm-breakpoint-gutter",
      markers: (v) => v.state.field(breakpointField),
      initialSpacer: () => breakpointMarker,
      domEventHandlers: {
        mousedown(v, line) {
          if (typeof onToggle === "function") onToggle(v.state.doc.lineAt(line.from).number);
          return true;
        },
      },
    }),
  ];
  view.dispatch({ effects: StateEffect.appendConfig.of(extension) });
}

/** Shows breakpoint markers on the given 1-based lines (an array, or a JSON string of one). */
export function setBreakpointLines(view, lines) {
  const list = typeof lines === "string" ? JSON.parse(lines) : lines || [];
  const doc = view.state.doc;
  const wanted = [...new Set(list)].filter((l) => Number.isInteger(l) && l >= 1 && l <= doc.lines);
  wanted.sort((a, b) => a - b);
  const set = RangeSet.of(wanted.map((l) => breakpointMarker.range(doc.line(l).from)));
  view.dispatch({ effects: setBreakpointsEffect.of(set) });
}

/** The 1-based lines showing a breakpoint marker. */
export function breakpointLines(view) {
  const out = [];
  const field = view.state.field(breakpointField, false);
  if (!field) return out;
  for (let it = field.iter(); it.value; it.next()) out.push(view.state.doc.lineAt(it.from).number);
  return out;
}
