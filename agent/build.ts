import path from "node:path";
import { build } from "esbuild";

// one self-contained ESM file for Node 22, with @gantry/shared's TypeScript compiled in (R1)
const root = import.meta.dirname;
await build({
  entryPoints: [path.join(root, "src/cli.ts")],
  outfile: path.join(root, "dist/gantry-agent.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: true,
  // ws probes these optional native add-ons at runtime; without them it uses plain JS
  external: ["bufferutil", "utf-8-validate"],
  banner: {
    js: "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);",
  },
  logLevel: "warning",
});
process.stdout.write(`built ${path.relative(process.cwd(), path.join(root, "dist/gantry-agent.mjs"))}\n`);
