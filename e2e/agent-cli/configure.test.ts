import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@gantry/agent/config";
import { AGENT_CLI, REPO_ROOT } from "@gantry/dev/repo-paths";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestVcsim } from "../vsphere/fixture.ts";

// `gantry-agent configure` as an operator runs it: a process, the password piped on stdin, against a
// real VCSIM over TLS whose certificate this host does not trust until told how.

let vcsim: VcsimHandle;
beforeAll(async () => {
  vcsim = await startTestVcsim();
});
afterAll(() => vcsim?.stop());

function configureCli(args: string[], password: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", AGENT_CLI, "configure", ...args], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stdin.end(`${password}\n`);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

const newConfig = () => path.join(mkdtempSync(path.join(tmpdir(), "gantry-configure-e2e-")), "config.json");
const target = () => ["--vcenter", vcsim.url, "--username", vcsim.username];

describe("gantry-agent configure against VCSIM", () => {
  it("refuses an untrusted certificate, shows its fingerprint to pin, and writes nothing", async () => {
    const configFile = newConfig();
    const run = await configureCli([...target(), "--config", configFile], vcsim.password);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("FAIL  vcenter reachable");
    expect(run.output).toContain("does not trust vCenter's certificate");
    expect(run.output).toContain(`--thumbprint ${vcsim.sha256}`);
    expect(run.output).toContain("nothing written");
    expect(existsSync(configFile)).toBe(false);
  });

  it("pinned by that fingerprint, logs in and writes a config the agent loads", async () => {
    const configFile = newConfig();
    const run = await configureCli(
      [...target(), "--thumbprint", vcsim.sha256 ?? "", "--config", configFile],
      vcsim.password,
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/PASS {2}vcenter reachable[\s\S]*PASS {2}vcenter login: logged in as/);
    expect(run.output).toContain("systemctl enable --now gantry-agent");
    const loaded = loadConfig({ file: configFile, env: {} });
    expect(loaded).toMatchObject({
      ok: true,
      value: {
        vcenterPassword: vcsim.password,
        config: { vcenter: { url: vcsim.url, username: vcsim.username, thumbprintSha256: vcsim.sha256 } },
      },
    });
  });

  it("with the CA file, a wrong password fails the login and keeps the config it had", async () => {
    const configFile = newConfig();
    const good = await configureCli(
      [...target(), "--ca-file", vcsim.caFile ?? "", "--config", configFile],
      vcsim.password,
    );
    expect(good.code, good.output).toBe(0);
    const before = readFileSync(configFile, "utf8");
    const bad = await configureCli(
      [
        "--vcenter",
        vcsim.url,
        "--username",
        "someone-else",
        "--ca-file",
        vcsim.caFile ?? "",
        "--config",
        configFile,
      ],
      "wrong",
    );
    expect(bad.code, bad.output).toBe(1);
    expect(bad.output).toContain("FAIL  vcenter login");
    expect(bad.output).not.toContain("wrong");
    expect(readFileSync(configFile, "utf8")).toBe(before);
    expect(loadConfig({ file: configFile, env: {} })).toMatchObject({
      ok: true,
      value: { vcenterPassword: vcsim.password },
    });
  });
});
