// JSONata highlighting inside JSON strings that hold a `{% … %}` template.
//
// `jsonataTokens` is a small, forgiving tokenizer over the decoded string value; the view plugin
// decodes each visible JSON string token, tokenizes it and maps the tokens back to document
// offsets (escapes such as `\"` make the two differ) as mark decorations.
import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, ViewPlugin } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";

const KEYWORDS = new Set(["and", "or", "in", "true", "false", "null", "function"]);
// Longest first, so `..` wins over `.` and `:=` over `:`.
const OPERATORS = ["~>", ":=", "!=", "<=", ">=", "..", "**", "+", "-", "*", "/", "%", "&", "=",
  "<", ">", "?", ":", ".", ",", ";", "^", "|", "@", "#", "!"];
const BRACKETS = "()[]{}";

const isSpace = (c) => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c) => c >= "0" && c <= "9";
// Names run until whitespace or a character JSONata gives a meaning to.
const isNameChar = (c) => !isSpace(c) && !BRACKETS.includes(c) && !"+-*/%&=<>?:.,;^|@#!~\"'`$".includes(c);

/** Whether a string value is a JSONata template: `{%` … `%}` once surrounding blanks are trimmed. */
export function isJsonataTemplate(value) {
  const t = value.trim();
  return t.length >= 4 && t.startsWith("{%") && t.endsWith("%}");
}

/**
 * Tokens of a JSONata template string (the decoded JSON string value, delimiters included):
 * `[{from, to, type}]` with `type` one of `delim`, `var`, `fn`, `str`, `num`, `op`, `kw`, `path`,
 * `punct`, `comment`. Offsets are into `value`. Not a template: an empty array. Never throws; an
 * unterminated string or comment runs to the closing delimiter.
 */
export function jsonataTokens(value) {
  if (typeof value !== "string" || !isJsonataTemplate(value)) return [];
  const open = value.indexOf("{%");
  const close = value.lastIndexOf("%}");
  const out = [{ from: open, to: open + 2, type: "delim" }];
  let i = open + 2;
  const end = close;
  // Whether the previous significant token ends an operand (so `.name` after it is a path step
  // and `-` is binary); only used to tell keywords used as field names apart.
  let prevType = "";
  const push = (from, to, type) => {
    out.push({ from, to, type });
    prevType = type;
  };
  while (i < end) {
    const c = value[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "/" && value[i + 1] === "*") {
      const stop = value.indexOf("*/", i + 2);
      i = stop < 0 || stop + 2 > end ? end : stop + 2;
      out.push({ from: start, to: i, type: "comment" });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < end && value[i] !== c) i += value[i] === "\\" ? 2 : 1;
      i = Math.min(end, i + 1);
      push(start, i, "str");
      continue;
    }
    if (c === "`") {
      const stop = value.indexOf("`", i + 1);
      i = stop < 0 || stop >= end ? end : stop + 1;
      push(start, i, "path");
      continue;
    }
    if (isDigit(c)) {
      while (i < end && isDigit(value[i])) i++;
      if (value[i] === "." && isDigit(value[i + 1] ?? "")) {
        i++;
        while (i < end && isDigit(value[i])) i++;
      }
      if ((value[i] === "e" || value[i] === "E") && i < end) {
        let j = i + 1;
        if (value[j] === "+" || value[j] === "-") j++;
        if (isDigit(value[j] ?? "")) {
          i = j;
          while (i < end && isDigit(value[i])) i++;
        }
      }
      push(start, i, "num");
      continue;
    }
    if (c === "$") {
      i++;
      if (value[i] === "$") i++;
      while (i < end && isNameChar(value[i])) i++;
      let j = i;
      while (j < end && isSpace(value[j])) j++;
      push(start, i, value[j] === "(" && i - start > 1 ? "fn" : "var");
      continue;
    }
    if (BRACKETS.includes(c)) {
      i++;
      push(start, i, "punct");
      continue;
    }
    const op = OPERATORS.find((o) => value.startsWith(o, i));
    if (op) {
      i += op.length;
      push(start, i, "op");
      continue;
    }
    if (isNameChar(c)) {
      while (i < end && isNameChar(value[i])) i++;
      const word = value.slice(start, i);
      const afterDot = prevType === "op" && out[out.length - 1] && value.slice(out[out.length - 1].from, out[out.length - 1].to) === ".";
      push(start, i, KEYWORDS.has(word) && !afterDot ? "kw" : "path");
      continue;
    }
    i++; // Anything else (a stray `~`): skip it.
  }
  out.push({ from: close, to: close + 2, type: "delim" });
  return out;
}

/**
 * Decodes the raw text of a JSON string token (quotes included, possibly unterminated) into its
 * value and, for each value offset, the document offset relative to the token start.
 */
export function decodeJsonString(raw) {
  let value = "";
  const map = [];
  let i = 1;
  const stop = raw.length > 1 && raw.endsWith('"') ? raw.length - 1 : raw.length;
  while (i < stop) {
    map.push(i);
    if (raw[i] === "\\" && i + 1 < stop) {
      const e = raw[i + 1];
      if (e === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      value += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[e] ?? e;
      i += 2;
      continue;
    }
    value += raw[i];
    i++;
  }
  map.push(i);
  return { value, map };
}

const marks = {};
for (const type of ["delim", "var", "fn", "str", "num", "op", "kw", "path", "punct", "comment"]) {
  marks[type] = Decoration.mark({ class: `cm-jsonata-${type}` });
}
const templateMark = Decoration.mark({ class: "cm-jsonata" });

// Longer strings are left plain: decoding and tokenizing them on every viewport change is not
// worth it (a definition does not hold expressions that long).
const MAX_STRING = 20000;

function buildDecorations(view) {
  const builder = new RangeSetBuilder();
  const tree = syntaxTree(view.state);
  let done = -1; // end of the last decorated string (a string may touch two visible ranges)
  for (const { from, to } of view.visibleRanges) {
    tree.iterate({
      from,
      to,
      enter(node) {
        if (node.name !== "String") return;
        if (node.from < done) return false;
        if (node.to - node.from > MAX_STRING) return false;
        const raw = view.state.doc.sliceString(node.from, node.to);
        if (!raw.includes("{%")) return false;
        const { value, map } = decodeJsonString(raw);
        const tokens = jsonataTokens(value);
        if (tokens.length === 0) return false;
        done = node.to;
        builder.add(node.from, node.to, templateMark);
        for (const t of tokens) {
          const a = node.from + (map[t.from] ?? raw.length);
          const b = node.from + (map[t.to] ?? raw.length);
          if (b > a) builder.add(a, b, marks[t.type]);
        }
        return false;
      },
    });
  }
  return builder.finish();
}

/** Highlights JSONata templates in the visible part of the document. */
export const jsonataHighlighting = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = buildDecorations(view);
    }
    update(update) {
      if (
        update.docChanged ||
        update.viewportChanged ||
        syntaxTree(update.startState) !== syntaxTree(update.state)
      ) {
        this.decorations = buildDecorations(update.view);
      }
    }
  },
  { decorations: (v) => v.decorations },
);
