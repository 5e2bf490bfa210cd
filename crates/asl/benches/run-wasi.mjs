// Runs a wasm32-wasip1 build of a benchmark under node's WASI (node >= 20):
//   node --no-warnings crates/asl/benches/run-wasi.mjs <file.wasm> [args...]
import { readFile } from "node:fs/promises";
import { argv, exit } from "node:process";
import { WASI } from "node:wasi";

const [file, ...args] = argv.slice(2);
if (!file) {
  console.error("usage: node run-wasi.mjs <file.wasm> [args...]");
  exit(2);
}
const wasi = new WASI({ version: "preview1", args: [file, ...args], env: process.env, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
