/**
 * Rebuilds the inline projections from the event log of a local D1 (the state `wrangler dev` and the
 * local stack use) and reports whether they equal the live tables; `--swap` then replaces them.
 *
 *   npx tsx edge/scripts/rebuild-projections.ts [--persist-to .wrangler/state] [--swap]
 *
 * Stop the edge first: appends during a swapping rebuild would be missing until the next one.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { getPlatformProxy } from "wrangler";
import { rebuildProjections } from "../src/projections/rebuild-projections.ts";

const { values } = parseArgs({
  options: { "persist-to": { type: "string" }, swap: { type: "boolean", default: false } },
});
const root = path.resolve(import.meta.dirname, "../..");
// `wrangler dev --persist-to X` keeps its state in X/v3, which is what the proxy wants
const persistTo = path.resolve(values["persist-to"] ?? path.join(root, ".wrangler/state"));

const proxy = await getPlatformProxy<{ DB: D1Database }>({
  configPath: path.join(root, "wrangler.toml"),
  persist: { path: path.join(persistTo, "v3") },
  remoteBindings: false,
});
try {
  const report = await rebuildProjections(proxy.env.DB, { swap: values.swap });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.equal || report.swapped ? 0 : 1;
} finally {
  await proxy.dispose();
}
