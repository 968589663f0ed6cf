import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "./cli.ts";
import { AGENT_VERSION } from "./version.ts";

let out = "";
let errOut = "";
beforeEach(() => {
  out = "";
  errOut = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    errOut += String(s);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const dir = () => mkdtempSync(path.join(tmpdir(), "gantry-cli-"));

describe("gantry-agent CLI", () => {
  it("prints its version", async () => {
    expect(await runCli(["--version"], {})).toBe(0);
    expect(out.trim()).toBe(AGENT_VERSION);
  });

  it("--help, -h and help print the overview on stdout and exit 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      out = "";
      expect(await runCli(argv, {})).toBe(0);
      expect(out).toContain("Usage: gantry-agent <command>");
      for (const verb of ["enroll", "run", "doctor", "upgrade", "service install"])
        expect(out).toContain(verb);
    }
    expect(errOut).toBe("");
  });

  it("help <verb> and <verb> --help print that command's options and exit 0", async () => {
    expect(await runCli(["help", "enroll"], {})).toBe(0);
    expect(out).toContain("Usage: gantry-agent enroll --edge <url> --token <token>");
    out = "";
    expect(await runCli(["upgrade", "--help"], {})).toBe(0);
    expect(out).toContain("Usage: gantry-agent upgrade");
    out = "";
    expect(await runCli(["help", "service", "install"], {})).toBe(0);
    expect(out).toContain("--unit-file <path>");
    out = "";
    expect(await runCli(["rotate", "--help"], {})).toBe(0);
    expect(out).toContain("Usage: gantry-agent rotate");
    out = "";
    expect(await runCli(["help", "enroll"], {})).toBe(0);
    expect(out).toContain("--allow-insecure-edge");
  });

  it("lists every command it runs in the overview", async () => {
    expect(await runCli(["--help"], {})).toBe(0);
    for (const verb of ["enroll", "configure", "run", "rotate", "doctor", "service install", "upgrade"])
      expect(out).toMatch(new RegExp(`^  ${verb} +\\S`, "m"));
  });

  it("help for an unknown command and no command at all exit 2", async () => {
    expect(await runCli(["help", "fly"], {})).toBe(2);
    expect(errOut).toContain('unknown command "fly"');
    expect(await runCli([], {})).toBe(2);
    expect(errOut).toContain("no command given");
  });

  it("exits 2 with usage on an unknown command", async () => {
    expect(await runCli(["fly"], {})).toBe(2);
    expect(errOut).toContain('unknown command "fly"');
  });

  it("lists every bad config field at once and exits 2", async () => {
    const config = path.join(dir(), "c.json");
    writeFileSync(config, JSON.stringify({ concurrency: 99, logLevel: "loud" }));
    expect(await runCli(["run", "--config", config], {})).toBe(2);
    expect(errOut).toMatch(/concurrency[\s\S]*logLevel|logLevel[\s\S]*concurrency/);
  });

  it("refuses to run before enrollment", async () => {
    const d = dir();
    const config = path.join(d, "c.json");
    writeFileSync(config, JSON.stringify({ stateDir: d }));
    expect(await runCli(["run", "--config", config], {})).toBe(2);
    expect(errOut).toContain("enroll first");
  });

  it("needs --edge and --token to enroll", async () => {
    expect(await runCli(["enroll", "--edge", "http://127.0.0.1:1"], {})).toBe(2);
  });

  it("fails enrollment clearly when the edge is unreachable", async () => {
    expect(
      await runCli(["enroll", "--edge", "http://127.0.0.1:1", "--token", "t", "--state-dir", dir()], {}),
    ).toBe(1);
    expect(errOut).toContain("cannot reach");
  });

  it("refuses to enroll with a plain-http edge that is not on this machine, unless told, then warns", async () => {
    const stateDir = dir();
    const args = [
      "enroll",
      "--edge",
      "http://gantry.example.com",
      "--token",
      "get_x",
      "--state-dir",
      stateDir,
    ];
    expect(await runCli(args, {})).toBe(2);
    expect(errOut).toContain("refusing plain http");
    errOut = "";
    // allowed: it warns, then tries (and cannot reach the made-up edge)
    expect(await runCli([...args, "--edge", "http://127.0.0.2:9", "--allow-insecure-edge"], {})).toBe(1);
    expect(
      await runCli(
        [...args.slice(0, 2), "http://192.0.2.1:9", ...args.slice(3), "--allow-insecure-edge"],
        {},
      ),
    ).toBe(1);
    expect(errOut).toContain("WARNING: http://192.0.2.1:9 is plain http");
  });

  it("refuses to run against a plain-http edge recorded at enrollment, unless allowed", async () => {
    const stateDir = dir();
    writeFileSync(
      path.join(stateDir, "agent.json"),
      JSON.stringify({
        edgeUrl: "http://gantry.example.com",
        agentId: "a1",
        tenantId: "t1",
        siteId: "s1",
        name: "n",
        credential: "gac_x",
        enrolledAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );
    expect(
      await runCli(["run"], {
        GANTRY_STATE_DIR: stateDir,
        GANTRY_AGENT_CONFIG: path.join(dir(), "none.json"),
      }),
    ).toBe(2);
    expect(errOut).toContain("no such file");
    errOut = "";
    const config = path.join(dir(), "c.json");
    writeFileSync(config, JSON.stringify({ stateDir }));
    expect(await runCli(["run", "--config", config], {})).toBe(2);
    expect(errOut).toContain("refusing plain http");
  });

  it("writes a systemd unit with a stop timeout longer than the grace period", async () => {
    const d = dir();
    const config = path.join(d, "c.json");
    writeFileSync(config, JSON.stringify({ stateDir: "/var/lib/gantry-agent", gracePeriodMs: 120_000 }));
    const unitFile = path.join(d, "gantry-agent.service");
    expect(
      await runCli(
        [
          "service",
          "install",
          "--config",
          config,
          "--unit-file",
          unitFile,
          "--exec",
          "/usr/bin/gantry-agent run",
        ],
        {},
      ),
    ).toBe(0);
    const unit = readFileSync(unitFile, "utf8");
    expect(unit).toContain(`ExecStart="/usr/bin/gantry-agent" "run" "--config" "${config}"`);
    expect(unit).toContain("TimeoutStopSec=150");
    expect(out).toContain("useradd --system");
  });

  it("doctor fails with a hint when the agent is not enrolled", async () => {
    const d = dir();
    const config = path.join(d, "c.json");
    writeFileSync(config, JSON.stringify({ stateDir: d }));
    expect(await runCli(["doctor", "--config", config], {})).toBe(1);
    expect(out).toContain("PASS  config");
    expect(out).toMatch(/FAIL {2}enrollment[\s\S]*hint: run gantry-agent enroll/);
  });
});
