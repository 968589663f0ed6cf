import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const BIN = path.join(import.meta.dirname, "gantry-agent.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The bin copied into an install layout of its own (`bin/`, and `dist/` when `bundle` is given), then run. */
function runInstall(bundle?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = mkdtempSync(path.join(tmpdir(), "gantry-bin-"));
  dirs.push(root);
  mkdirSync(path.join(root, "bin"));
  copyFileSync(BIN, path.join(root, "bin/gantry-agent.mjs"));
  if (bundle !== undefined) {
    mkdirSync(path.join(root, "dist"));
    writeFileSync(path.join(root, "dist/gantry-agent.mjs"), bundle);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, "bin/gantry-agent.mjs"), "--version"],
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("bin/gantry-agent.mjs", () => {
  it("explains how to build the agent when dist/ holds no bundle, instead of ERR_MODULE_NOT_FOUND", async () => {
    const run = await runInstall();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the agent has not been built");
    expect(run.stderr).toContain("npm run build -w @gantry/agent");
    expect(run.stderr).not.toContain("ERR_MODULE_NOT_FOUND");
  });

  it("runs the bundle's CLI with the arguments and exits with its code", async () => {
    const run = await runInstall(
      "export async function runCli(argv) { process.stdout.write(argv.join(' ')); return 7; }\n",
    );
    expect(run).toMatchObject({ code: 7, stdout: "--version" });
  });

  it("does not hide a bundle that is there but broken", async () => {
    const run = await runInstall('import "gantry-no-such-package";\nexport const runCli = () => 0;\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ERR_MODULE_NOT_FOUND");
    expect(run.stderr).not.toContain("has not been built");
  });
});
