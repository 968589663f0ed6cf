import { mkdir } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { DEV_WORKER } from "./repo-paths.ts";

/**
 * Bundles the dev Worker (edge/dev/dev-worker.ts: the production Worker plus the dev-only routes) into
 * `outDir` as one ES module with its source map, the way wrangler bundles a Worker for workerd: its export
 * conditions and main fields, `cloudflare:*` and `node:*` left to the runtime (nodejs_compat).
 * @returns the bundle's path
 */
export async function bundleDevWorker(outDir: string, define: Record<string, string> = {}): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, "dev-worker.js");
  await build({
    entryPoints: [DEV_WORKER],
    outfile,
    bundle: true,
    format: "esm",
    target: "es2024",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    sourcemap: true,
    define,
    logLevel: "silent",
  });
  return outfile;
}
