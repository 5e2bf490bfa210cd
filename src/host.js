// All of the app's own JavaScript, in one module (the page loads this file and the CodeMirror
// bundle, nothing else: see docs/decisions/0008-engine-in-a-web-worker.md). The Rust side
// binds it in src/host.rs.
//
// This file is also the engine worker's script: started as a module worker, it imports the
// page's wasm-bindgen glue, instantiates the page's own (already compiled) wasm module a second
// time and hands every message to the Rust worker loop (src/run/worker.rs).

// ---- modules on demand: JSONata and the YAML reader (src/definition/on_demand.rs) ----

export function importModule(url) {
  return import(url).then(async (m) => {
    await m.default();
    return m;
  });
}

// ---- JSONata (src/definition/jsonata_loader.rs) ----

export function callCheckSyntax(m, expr) {
  return m.checkSyntax(expr);
}

export function callEvaluate(m, expr, states, variables, nowMs, random) {
  return m.evaluate(expr, states, variables, nowMs, random);
}

// ---- the YAML reader on demand (src/definition/yaml_loader.rs) ----

export function callYamlParse(m, text) {
  return m.parse(text);
}

/// The URL the page's relative links resolve against (in the worker: the page's, sent at start).
let base = null;

export function baseUrl() {
  if (base !== null) return base;
  return typeof document !== "undefined" ? document.baseURI : self.location.href;
}

// ---- the engine worker, page side (src/run/driver.rs) ----

const READY = "stepwise-engine-ready";

export function spawnEngine(glueUrl, wasmModule, onMessage) {
  const worker = new Worker(import.meta.url, { type: "module", name: "stepwise-engine" });
  // Messages wait until the worker says it listens (a message posted to a module worker
  // before its script has run can be lost, e.g. when the script is wrapped by a loader).
  let waiting = [];
  worker.onmessage = (e) => {
    if (e.data === READY) {
      if (waiting !== null) {
        worker.postMessage({ glue: glueUrl, module: wasmModule, base: baseUrl() });
        for (const text of waiting) worker.postMessage(text);
        waiting = null;
      }
      return;
    }
    onMessage(e.data);
  };
  worker.onerror = (e) => {
    const message = (e && e.message) || "the engine worker could not start";
    onMessage(JSON.stringify({ Crashed: { message: String(message) } }));
  };
  worker.stepwiseSend = (text) => {
    if (waiting !== null) waiting.push(text);
    else worker.postMessage(text);
  };
  return worker;
}

export function postToEngine(worker, text) {
  worker.stepwiseSend(text);
}

export function terminateEngine(worker) {
  worker.onmessage = null;
  worker.onerror = null;
  worker.terminate();
}

// ---- the engine worker, worker side ----

export function postToPage(text) {
  self.postMessage(text);
}

const inWorker =
  typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope;

if (inWorker && !self.__stepwiseEngine) {
  self.__stepwiseEngine = true;
  let receive = null;
  const waiting = [];
  self.onmessage = async (e) => {
    if (receive !== null) {
      receive(e.data);
      return;
    }
    if (typeof e.data === "string") {
      waiting.push(e.data);
      return;
    }
    try {
      base = e.data.base;
      const glue = await import(e.data.glue);
      await glue.default({ module_or_path: e.data.module });
      receive = (text) => glue.stepwiseWorkerReceive(text);
      for (const text of waiting.splice(0)) receive(text);
    } catch (err) {
      const message = "the engine worker could not start: " + String(err);
      self.postMessage(JSON.stringify({ Crashed: { message } }));
    }
  };
  // Listening now: say so once this script (and whatever loaded it) has finished running.
  setTimeout(() => self.postMessage(READY), 0);
}
