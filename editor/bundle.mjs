// Bundles editor.js (+ the @codemirror packages it imports) into dist/editor.js, one ES module.
// Run by `cargo xtask` and by trunk's pre_build hook; works offline once `npm ci` has run.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [join(here, "editor.js")],
  outfile: join(here, "dist", "editor.js"),
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  logLevel: "warning",
});
