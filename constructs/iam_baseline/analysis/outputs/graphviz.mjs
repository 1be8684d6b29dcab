// Lay out a Graphviz DOT graph (stdin) as SVG (stdout) with @viz-js/viz: Graphviz compiled to
// WebAssembly, from npm (pinned in package.json), so no system Graphviz is needed.
// Usage: node graphviz.mjs <path of @viz-js/viz/dist/viz.js>  (iam_baseline.analysis.outputs.graphviz)
import { pathToFileURL } from "node:url";

const { instance } = await import(pathToFileURL(process.argv[2]).href);
let dot = "";
for await (const chunk of process.stdin) dot += chunk;
const viz = await instance();
const result = viz.render(dot, { format: "svg", engine: "dot" });
if (result.status !== "success") {
  for (const error of result.errors) console.error(`${error.level}: ${error.message}`);
  process.exit(1);
}
process.stdout.write(result.output);
