// One execution on the peer, aws-local-stepfunctions, for `cargo xtask bench-peer`:
//   node peer.mjs <folder holding node_modules> <definition.json> <input JSON>
// Runs `new StateMachine(definition).run(input)`, awaits `execution.result` and prints the
// result as JSON on stdout.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { argv, exit } from "node:process";

const [folder, definitionFile, inputText] = argv.slice(2);
if (!folder || !definitionFile || inputText === undefined) {
  console.error("usage: node peer.mjs <folder holding node_modules> <definition.json> <input JSON>");
  exit(2);
}
// The package is installed in a scratch folder, not beside this script, so resolve it from there.
const require = createRequire(join(resolve(folder), "package.json"));
const { StateMachine } = require("aws-local-stepfunctions");

const definition = JSON.parse(readFileSync(definitionFile, "utf8"));
const input = JSON.parse(inputText);
const execution = new StateMachine(definition).run(input);
const result = await execution.result;
console.log(JSON.stringify(result));
