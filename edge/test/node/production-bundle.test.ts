import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const REPO = path.resolve(import.meta.dirname, "../../..");
const WRANGLER = path.join(REPO, "node_modules/wrangler/bin/wrangler.js");
const work = mkdtempSync(path.join(tmpdir(), "gantry-bundle-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Bundle {
  code: string;
  /** the source files esbuild put into it, relative to the repository */
  inputs: string[];
}

/**
 * Builds a Worker exactly as `wrangler deploy` would (wrangler.toml, its bundler settings), without
 * uploading; `entry` replaces the config's `main` the way `wrangler dev <entry>` does. An empty assets
 * directory stands in for web/dist, which this package's tests do not build.
 */
async function build(name: string, entry?: string): Promise<Bundle> {
  const out = path.join(work, name);
  const assets = path.join(work, `${name}-assets`);
  mkdirSync(assets, { recursive: true });
  const args = [WRANGLER, "deploy", ...(entry ? [entry] : []), "--dry-run", "--config", "wrangler.toml"];
  args.push("--outdir", out, "--metafile", path.join(out, "meta.json"), "--assets", assets);
  await promisify(execFile)(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
  const meta = JSON.parse(readFileSync(path.join(out, "meta.json"), "utf8")) as { inputs: object };
  const inputs = Object.keys(meta.inputs).map((p) => path.relative(REPO, path.resolve(REPO, p)));
  const script = `${path.basename(entry ?? "index.ts", ".ts")}.js`;
  return { code: readFileSync(path.join(out, script), "utf8"), inputs };
}

// what only the dev Worker may hold: its modules, its routes and the bench's D1 meter
const devInputs = (bundle: Bundle) => bundle.inputs.filter((p) => p.startsWith("edge/dev/"));
const devMarkers = (bundle: Bundle) =>
  ["/agent/dev", "/enqueue", "d1-meter", "installD1Meter", "devBenchRoutes", "hubDevRoutes"].filter((m) =>
    bundle.code.includes(m),
  );

describe("the production Worker bundle", () => {
  it("holds no bench or dev-route code", async () => {
    const production = await build("production");
    expect(production.inputs).toContain("edge/src/index.ts");
    expect(devInputs(production)).toEqual([]);
    expect(devMarkers(production)).toEqual([]);
  }, 120_000);

  it("is told apart from the dev Worker's, which holds them (so the check above can fail)", async () => {
    const dev = await build("dev", "edge/dev/dev-worker.ts");
    expect(devInputs(dev)).toContain("edge/dev/dev-bench.ts");
    expect(devMarkers(dev)).toEqual([
      "/agent/dev",
      "/enqueue",
      "d1-meter",
      "installD1Meter",
      "devBenchRoutes",
      "hubDevRoutes",
    ]);
  }, 120_000);
});
