import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const EDGE = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.resolve(EDGE, "../node_modules/wrangler/bin/wrangler.js");
const COMMITTED = path.join(EDGE, "worker-configuration.d.ts");

// the first two lines name the command that wrote the file, output path included
const body = (file: string) => readFileSync(file, "utf8").split("\n").slice(2).join("\n");

describe("worker-configuration.d.ts", () => {
  it("is exactly what `npm run types` generates from wrangler.toml: the Env bindings, no runtime types", async () => {
    const fresh = path.join(EDGE, "worker-configuration.check.d.ts");
    const args = ["types", "--config", "../wrangler.toml", "--strict-vars=false", "--include-runtime=false"];
    try {
      await promisify(execFile)(process.execPath, [WRANGLER, ...args, path.basename(fresh)], {
        cwd: EDGE,
        env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
      });
      expect(body(COMMITTED)).toBe(body(fresh));
    } finally {
      rmSync(fresh, { force: true });
    }
    // the runtime's types come from @cloudflare/workers-types, not from a generated copy of them
    expect(body(COMMITTED)).toContain("interface Env extends __BaseEnv_Env");
    expect(body(COMMITTED)).not.toContain("interface ExecutionContext");
  }, 60_000);
});
