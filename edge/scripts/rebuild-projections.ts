/**
 * Rebuilds the inline projections from the event log of a local D1 and reports, table by table, whether
 * they equal the live tables; `--swap` then replaces the live contents with the rebuild.
 *
 *   npm run rebuild-projections -w @gantry/edge -- [--persist-to <dir>] [--swap] [--json]
 *
 * The default state is the local stack's (`npm run dev` keeps it in .gantry/wrangler). Stop the edge
 * first: appends during a swapping rebuild would be missing until the next one.
 * Exit codes: 0 equal or swapped, 1 different (nothing changed), 2 bad usage or no local D1 there.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { rebuildProjections } from "../src/projections/rebuild-projections.ts";
import { describeRebuild } from "../src/projections/rebuild-summary.ts";

const USAGE = "usage: npm run rebuild-projections -w @gantry/edge -- [--persist-to <dir>] [--swap] [--json]";

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        "persist-to": { type: "string" },
        swap: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const root = path.resolve(import.meta.dirname, "../..");
// npm runs workspace scripts in edge/; a relative --persist-to means the directory the user typed it in
const cwd = process.env.INIT_CWD ?? process.cwd();
const persistTo = values["persist-to"]
  ? path.resolve(cwd, values["persist-to"])
  : path.join(root, ".gantry", "wrangler");
// `wrangler dev --persist-to X` keeps its state in X/v3, which is what the proxy wants
const state = path.join(persistTo, "v3");
if (!existsSync(path.join(state, "d1"))) {
  // the proxy would create an empty D1 here and the rebuild would fail on missing tables
  console.error(
    `No local D1 under ${persistTo}. Start the local stack once (npm run dev), or pass --persist-to.`,
  );
  process.exit(2);
}

// only the D1 binding, under the same name and id as in wrangler.toml (so the same local database file):
// the full config also binds the Durable Objects, which the proxy cannot run and warns about at length
const config = unstable_readConfig({ config: path.join(root, "wrangler.toml") }, { hideWarnings: true });
const tmp = mkdtempSync(path.join(tmpdir(), "gantry-rebuild-"));
const configPath = path.join(tmp, "wrangler.json");
writeFileSync(
  configPath,
  JSON.stringify({
    name: config.name,
    compatibility_date: config.compatibility_date,
    d1_databases: config.d1_databases.filter((d) => d.binding === "DB"),
  }),
);

try {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath,
    persist: { path: state },
    remoteBindings: false,
  });
  try {
    const report = await rebuildProjections(proxy.env.DB, { swap: values.swap });
    console.log(
      values.json ? JSON.stringify(report, null, 2) : describeRebuild(report, persistTo).join("\n"),
    );
    process.exitCode = report.equal || report.swapped ? 0 : 1;
  } finally {
    await proxy.dispose();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
