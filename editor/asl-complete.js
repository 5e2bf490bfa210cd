// ASL-aware completion for the definition editor.
//
// The context comes from the @lezer/json tree of the document with the token under the cursor
// replaced by an empty string `""`: half-typed keys or values (an unterminated `"Ne`, a bare
// word) otherwise throw the parser's error recovery off. The field names, enumerated values,
// error names and resources come from asl-fields.json: the engine's field table
// (crates/asl/src/definition/fields.rs) written out by `cargo xtask fields`; a test in
// crates/asl/tests/editor_fields.rs keeps the two equal and this file free of lists of its own.
import { jsonLanguage } from "@codemirror/lang-json";
import FIELDS from "./asl-fields.json" with { type: "json" };

const MAX_DOCUMENT = 1_000_000;
const VALUE_NODES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

// --- reading the tree -------------------------------------------------------------------------

function children(node) {
  const out = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function stringAt(src, node) {
  const raw = src.slice(node.from, node.to);
  try {
    const v = JSON.parse(raw);
    return typeof v === "string" ? v : null;
  } catch {
    return raw.replace(/^"|"$/g, "");
  }
}

function keyOf(src, property) {
  const name = property.firstChild;
  return name && name.name === "PropertyName" ? stringAt(src, name) : null;
}

function valueOf(property) {
  const v = property.lastChild;
  return v && VALUE_NODES.has(v.name) ? v : null;
}

/** The object's properties as [key, value node | null], in document order. */
function properties(src, object) {
  return children(object)
    .filter((c) => c.name === "Property")
    .map((p) => [keyOf(src, p), valueOf(p)]);
}

function field(src, object, key) {
  const hit = properties(src, object).find(([k]) => k === key);
  return hit ? hit[1] : null;
}

function stringField(src, object, key) {
  const v = field(src, object, key);
  return v && v.name === "String" ? stringAt(src, v) : null;
}

/**
 * What an Object node is in a definition: `root`, `program` (a branch), `processor` (a Map's
 * ItemProcessor / Iterator), `states` (a States object), `state`, `retrier`, `catcher`, `rule`
 * (a Choices entry), `nested` (a rule inside And / Or / Not), `processorConfig`, or `other`.
 */
function roleOf(src, object) {
  const parent = object.parent;
  if (!parent) return "other";
  if (parent.name === "JsonText") return "root";
  let key;
  let holder;
  let viaArray = false;
  if (parent.name === "Property") {
    key = keyOf(src, parent);
    holder = parent.parent;
  } else if (parent.name === "Array" && parent.parent && parent.parent.name === "Property") {
    viaArray = true;
    key = keyOf(src, parent.parent);
    holder = parent.parent.parent;
  } else {
    return "other";
  }
  if (!holder || holder.name !== "Object") return "other";
  const outer = roleOf(src, holder);
  if (!viaArray) {
    if (outer === "states") return "state";
    if (key === "States" && ["root", "program", "processor"].includes(outer)) return "states";
    if (outer === "state" && (key === "ItemProcessor" || key === "Iterator")) return "processor";
    if (outer === "processor" && key === "ProcessorConfig") return "processorConfig";
    if ((outer === "rule" || outer === "nested") && key === "Not") return "nested";
    return "other";
  }
  if (outer === "state") {
    return { Branches: "program", Retry: "retrier", Catch: "catcher", Choices: "rule" }[key] ?? "other";
  }
  if ((outer === "rule" || outer === "nested") && (key === "And" || key === "Or")) return "nested";
  return "other";
}

function ancestors(node) {
  const out = [];
  for (let n = node; n; n = n.parent) if (n.name === "Object") out.push(n);
  return out;
}

/** The query language in force for `object`: its own, its state's, or its program's. */
function languageOf(src, object) {
  for (const o of ancestors(object)) {
    const role = roleOf(src, o);
    if (!["state", "program", "processor", "root"].includes(role)) continue;
    const lang = stringField(src, o, "QueryLanguage");
    if (lang === "JSONata" || lang === "JSONPath") return lang;
  }
  return "JSONPath";
}

/** The state names a transition from inside `object` may name. */
function stateNamesFor(src, object) {
  for (const o of ancestors(object)) {
    if (roleOf(src, o) === "states") return properties(src, o).map(([k]) => k).filter(Boolean);
  }
  return [];
}

function ownStateNames(src, object) {
  const states = field(src, object, "States");
  return states && states.name === "Object"
    ? properties(src, states).map(([k]) => k).filter(Boolean)
    : [];
}

/** Error names already used in the document (ErrorEquals entries and Fail states' Error). */
function usedErrorNames(src, tree) {
  const names = new Set();
  tree.iterate({
    enter(n) {
      if (n.name !== "Property") return;
      const key = keyOf(src, n.node);
      const v = valueOf(n.node);
      if (!v) return;
      if (key === "ErrorEquals" && v.name === "Array") {
        for (const c of children(v)) if (c.name === "String") names.add(stringAt(src, c));
      } else if (key === "Error" && v.name === "String") {
        names.add(stringAt(src, v));
      }
    },
  });
  names.delete("");
  names.delete(null);
  return [...names];
}

// --- the token under the cursor ---------------------------------------------------------------

/**
 * The token the cursor is in: a JSON string (possibly unterminated) or a bare word.
 * `{start, end, quoted}`: [start, end) is what the placeholder replaces.
 */
function tokenAt(text, pos) {
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  let lineEnd = text.indexOf("\n", pos);
  if (lineEnd < 0) lineEnd = text.length;
  let open = -1;
  for (let i = lineStart; i < pos; i++) {
    const c = text[i];
    if (open < 0) {
      if (c === '"') open = i;
    } else if (c === "\\") {
      i++;
    } else if (c === '"') {
      open = -1;
    }
  }
  if (open >= 0) {
    let close = -1;
    for (let j = pos; j < lineEnd; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === '"') {
        close = j;
        break;
      }
    }
    // A "closing" quote past JSON punctuation most likely opens the next string: the string at
    // the cursor is unterminated.
    if (close >= 0 && /[{}[\],:]/.test(text.slice(pos, close))) close = -1;
    return close >= 0
      ? { start: open, end: close + 1, quoted: true, contentEnd: close }
      : { start: open, end: pos, quoted: true, contentEnd: pos };
  }
  let start = pos;
  while (start > lineStart && /[\w.$-]/.test(text[start - 1])) start--;
  let end = pos;
  while (end < lineEnd && /[\w.$-]/.test(text[end])) end++;
  return { start, end, quoted: false, contentEnd: end };
}

// --- completions ------------------------------------------------------------------------------

function keyFields(src, object, role) {
  const lang = languageOf(src, object);
  switch (role) {
    case "root":
      return { fields: FIELDS.machine, detail: "state machine" };
    case "program":
      return { fields: FIELDS.branch, detail: "branch" };
    case "processor":
      return { fields: FIELDS.processor, detail: "item processor" };
    case "state": {
      const type = stringField(src, object, "Type");
      if (type !== null && Object.prototype.hasOwnProperty.call(FIELDS.states, type)) {
        const own = FIELDS.states[type][lang];
        return { fields: [...FIELDS.stateCommon, ...own], detail: `${type} field` };
      }
      const all = new Set(FIELDS.stateCommon);
      for (const t of Object.values(FIELDS.states)) for (const f of t[lang]) all.add(f);
      return { fields: [...all], detail: "state field" };
    }
    case "retrier":
      return { fields: FIELDS.retrier, detail: "retrier" };
    case "catcher":
      return { fields: FIELDS.catcher[lang], detail: "catcher" };
    case "rule":
      return { fields: FIELDS.choiceRule[lang], detail: "choice rule" };
    case "nested":
      return { fields: FIELDS.nestedChoiceRule, detail: "choice rule" };
    case "processorConfig":
      return { fields: FIELDS.processorConfig, detail: "processor config" };
    default:
      return null;
  }
}

function valueChoices(src, tree, object, role, key) {
  const stateish = ["state", "catcher", "rule"];
  if ((key === "Next" && stateish.includes(role)) || (key === "Default" && role === "state")) {
    return { values: stateNamesFor(src, object), detail: "state", type: "variable" };
  }
  if (key === "StartAt" && ["root", "program", "processor"].includes(role)) {
    return { values: ownStateNames(src, object), detail: "state", type: "variable" };
  }
  const values = FIELDS.values;
  if (key === "Type" && role === "state") return { values: values.Type, detail: "state type" };
  if (key === "QueryLanguage" && ["root", "program", "processor", "state"].includes(role)) {
    return { values: values.QueryLanguage, detail: "query language" };
  }
  if (key === "Resource" && role === "state") {
    return { values: values.Resource, detail: "resource" };
  }
  if (key === "JitterStrategy" && role === "retrier") return { values: values.JitterStrategy };
  if (key === "Mode" && role === "processorConfig") return { values: values.Mode };
  if (key === "ExecutionType" && role === "processorConfig") {
    return { values: values.ExecutionType };
  }
  if (key === "End" && role === "state") return { values: [true], detail: "terminal state" };
  return null;
}

function errorChoices(src, tree, array) {
  const taken = new Set(
    children(array).filter((c) => c.name === "String").map((c) => stringAt(src, c)),
  );
  const { predefined, lambda } = FIELDS.errors;
  const used = usedErrorNames(src, tree).filter((n) => !predefined.includes(n));
  const all = [...predefined, ...lambda.filter((n) => !used.includes(n)), ...used];
  return all.filter((n) => !taken.has(n));
}

/**
 * Completions at `pos` of `text`: `{from, to, options: [{label, detail, type, apply?}]}` or
 * null where ASL has nothing to offer. `explicit` is false while typing: then a bare position
 * with nothing typed offers nothing.
 */
export function aslCompletions(text, pos, explicit) {
  // Each request re-parses the document; past this size typing would lag.
  if (text.length > MAX_DOCUMENT) return null;
  const tok = tokenAt(text, pos);
  if (!tok.quoted && tok.start === pos && !explicit) return null;
  const patched = text.slice(0, tok.start) + '""' + text.slice(tok.end);
  const tree = jsonLanguage.parser.parse(patched);
  const node = tree.resolve(tok.start + 1, 0);
  if (!node || (node.name !== "String" && node.name !== "PropertyName")) return null;
  const src = patched;
  const from = tok.quoted ? tok.start + 1 : tok.start;
  const to = tok.quoted ? tok.contentEnd : tok.end;
  if (tok.quoted && text.slice(from, pos).trimStart().startsWith("{%")) return null;
  const quote = (s) => (tok.quoted ? s : JSON.stringify(s));

  if (node.name === "PropertyName") {
    const property = node.parent;
    const object = property && property.parent;
    if (!object || object.name !== "Object") return null;
    const role = roleOf(src, object);
    const spec = keyFields(src, object, role);
    if (!spec) return null;
    const present = new Set(properties(src, object).map(([k]) => k));
    // A state without a Type: offer Type first.
    const options = spec.fields
      .filter((f) => !present.has(f))
      .map((f) => ({
        label: f,
        type: "property",
        detail: spec.detail,
        boost: f === "Type" && role === "state" ? 10 : 0,
        apply: tok.quoted ? f : `"${f}": `,
      }));
    return options.length ? { from, to, options } : null;
  }

  const parent = node.parent;
  if (!parent) return null;
  if (parent.name === "Property") {
    const object = parent.parent;
    if (!object || object.name !== "Object") return null;
    const key = keyOf(src, parent);
    const role = roleOf(src, object);
    const spec = valueChoices(src, tree, object, role, key);
    if (!spec) return null;
    const values = spec.values.filter((v) => tok.quoted ? typeof v === "string" : true);
    if (!values.length) return null;
    const options = values.map((v) => ({
      label: String(v),
      type: spec.type ?? "enum",
      detail: spec.detail,
      apply: typeof v === "string" ? quote(v) : String(v),
    }));
    return { from, to, options };
  }
  if (parent.name === "Array" && parent.parent && parent.parent.name === "Property") {
    const key = keyOf(src, parent.parent);
    const object = parent.parent.parent;
    if (key !== "ErrorEquals" || !object || object.name !== "Object") return null;
    const role = roleOf(src, object);
    if (role !== "retrier" && role !== "catcher") return null;
    const options = errorChoices(src, tree, parent).map((n) => ({
      label: n,
      type: "constant",
      detail: n.startsWith("States.") ? "predefined error" : "error",
      apply: quote(n),
    }));
    return options.length ? { from, to, options } : null;
  }
  return null;
}

/**
 * The CodeMirror completion source. Options keep their order (the document's for state names,
 * AWS's for fields) among equally good matches: a tiny decreasing boost, as CodeMirror would
 * otherwise sort them alphabetically.
 */
export function aslCompletionSource(context) {
  const text = context.state.doc.toString();
  const result = aslCompletions(text, context.pos, context.explicit);
  if (!result) return null;
  const n = result.options.length;
  const options = result.options.map((o, i) => ({ ...o, boost: (o.boost ?? 0) + (n - i) / (n + 1) }));
  return { ...result, options, validFor: /^[^"\\]*$/ };
}
