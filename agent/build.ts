import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = import.meta.dirname;

export interface AgentBundleOptions {
  outfile: string;
  /** esm: the `bin/` entry for Node; cjs: the single executable's main script */
  format: "esm" | "cjs";
  /** compiled in by release builds: the version (may override package.json's) and the release key */
  build?: { version: string; releasePublicKey: string };
}

/** One self-contained file for Node 22, with @gantry/shared's TypeScript compiled in (R1). */
export async function bundleAgent(options: AgentBundleOptions): Promise<void> {
  const esm = options.format === "esm";
  await build({
    entryPoints: [path.join(root, esm ? "src/cli.ts" : "src/sea-main.ts")],
    outfile: options.outfile,
    bundle: true,
    platform: "node",
    format: options.format,
    target: "node22",
    sourcemap: esm,
    // ws probes these optional native add-ons at runtime; without them it uses plain JS
    external: ["bufferutil", "utf-8-validate"],
    ...(esm
      ? {
          banner: {
            js: "import { createRequire as __gantryRequire } from 'node:module'; const require = __gantryRequire(import.meta.url);",
          },
        }
      : {}),
    define: options.build ? { __GANTRY_AGENT_BUILD__: JSON.stringify(options.build) } : {},
    // cli.ts asks import.meta whether it was started directly; in the executable it never is
    logOverride: { "empty-import-meta": "silent" },
    logLevel: "warning",
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outfile = path.join(root, "dist/gantry-agent.mjs");
  await bundleAgent({ outfile, format: "esm" });
  process.stdout.write(`built ${path.relative(process.cwd(), outfile)}\n`);
}
