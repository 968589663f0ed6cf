import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../runtime/exit-codes.ts";
import { DEFAULT_UNIT_OPTIONS, quoteArg, renderUnit } from "./systemd-unit.ts";

describe("renderUnit", () => {
  it("matches the committed unit template", () => {
    const committed = readFileSync(
      path.join(import.meta.dirname, "../../systemd/gantry-agent.service"),
      "utf8",
    );
    expect(renderUnit(DEFAULT_UNIT_OPTIONS)).toBe(committed);
  });

  it("waits longer than the grace period before systemd kills the agent", () => {
    const unit = renderUnit({ ...DEFAULT_UNIT_OPTIONS, gracePeriodMs: 600_000 });
    expect(unit).toContain("TimeoutStopSec=630");
  });

  it("hardens the service and keeps the password out of the environment", () => {
    const unit = renderUnit(DEFAULT_UNIT_OPTIONS);
    for (const line of [
      "User=gantry-agent",
      "Restart=on-failure",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "SystemCallFilter=@system-service",
      "SystemCallArchitectures=native",
      "ProtectClock=yes",
      "ProtectKernelLogs=yes",
      "RestrictSUIDSGID=yes",
      "ProtectProc=invisible",
      "CapabilityBoundingSet=",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
    expect(unit).toMatch(/^LoadCredential=vcenter-password:/m);
    expect(unit).not.toMatch(/PASSWORD=/);
  });

  // systemd.service(5): RestartForceExitStatus= restarts "regardless of the restart setting configured
  // with Restart=", RestartPreventExitStatus= never restarts. What systemd then does is not run here (no
  // systemd as PID 1 in tests); systemd-analyze verify of the installed unit runs in e2e/link/fresh-host.
  it("asks systemd to restart on the upgrade's exit code and never on the unrecoverable ones", () => {
    const service = renderUnit(DEFAULT_UNIT_OPTIONS)
      .split("\n")
      .filter((l) => /^Restart\w*=/.test(l))
      .map((l) => l.split("="));
    const setting = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);
    expect(setting("RestartForceExitStatus")).toEqual([String(EXIT.restart)]);
    expect(setting("RestartPreventExitStatus")).toEqual([
      `${EXIT.credentialRejected} ${EXIT.protocolRefused}`,
    ]);
    expect(setting("Restart")).toEqual(["on-failure"]);
    expect([EXIT.credentialRejected, EXIT.protocolRefused]).not.toContain(EXIT.restart);
  });

  it("quotes every ExecStart argument, so a path with a space stays one word", () => {
    const unit = renderUnit({
      ...DEFAULT_UNIT_OPTIONS,
      execStart: ["/opt/node 22/bin/node", "/opt/gantry agent/gantry-agent.mjs", "run"],
      configFile: "/etc/gantry-agent/config 100%.json",
    });
    expect(unit).toContain(
      'ExecStart="/opt/node 22/bin/node" "/opt/gantry agent/gantry-agent.mjs" "run" "--config" "/etc/gantry-agent/config 100%%.json"',
    );
    expect(quoteArg('say "hi"\\now')).toBe('"say \\"hi\\"\\\\now"');
  });

  // the tool is on Debian hosts with systemd (this one, CI): rate the unit as an operator would
  const analyzer = spawnSync("systemd-analyze", ["--version"]).status === 0;
  it(`rates "OK" or better under systemd-analyze security${analyzer ? "" : " (systemd-analyze absent: the directives above stand in)"}`, () => {
    if (!analyzer) {
      expect(renderUnit(DEFAULT_UNIT_OPTIONS)).toContain("SystemCallFilter=~@privileged");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-unit-"));
    const file = path.join(dir, "gantry-agent.service");
    writeFileSync(file, renderUnit(DEFAULT_UNIT_OPTIONS));
    const out = execFileSync("systemd-analyze", ["security", "--offline=true", "--no-pager", file], {
      encoding: "utf8",
    });
    const overall = /Overall exposure level for gantry-agent\.service: ([\d.]+) (\w+)/.exec(out);
    expect(overall?.[2]).toMatch(/^(OK|SAFE|PERFECT)$/);
    expect(Number(overall?.[1])).toBeLessThan(5);
  });
});
