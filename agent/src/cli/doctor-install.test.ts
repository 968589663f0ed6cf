import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatCheck } from "./check.ts";
import { checkUnitHardening } from "./doctor-install.ts";
import { DEFAULT_UNIT_OPTIONS, renderUnit } from "./systemd-unit.ts";

const unitIn = (text: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), "gantry-unit-"));
  const file = path.join(dir, "gantry-agent.service");
  writeFileSync(file, text);
  return file;
};

describe("doctor: the service's hardening", () => {
  it("passes the unit we render", () => {
    const check = checkUnitHardening(unitIn(renderUnit(DEFAULT_UNIT_OPTIONS)));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toContain("runs as gantry-agent");
  });

  it("names every setting a unit lacks, and a service run as root", () => {
    const loosened = renderUnit({ ...DEFAULT_UNIT_OPTIONS, user: "root" })
      .replace("ProtectSystem=strict", "ProtectSystem=full")
      .replace("NoNewPrivileges=yes\n", "");
    const check = checkUnitHardening(unitIn(loosened));
    expect(check.ok).toBe(false);
    expect(check.detail).toContain("User=<a system user, not root>");
    expect(check.detail).toContain("ProtectSystem=strict");
    expect(check.detail).toContain("NoNewPrivileges=yes");
    expect(check.hint).toContain("daemon-reload");
  });

  it("reads a setting given twice as systemd does: both filters must be there, and nothing added after", () => {
    const unit = renderUnit(DEFAULT_UNIT_OPTIONS);
    const oneFilter = checkUnitHardening(unitIn(unit.replace("SystemCallFilter=@system-service\n", "")));
    expect(oneFilter.ok).toBe(false);
    expect(oneFilter.detail).toContain("SystemCallFilter=@system-service");
    const capability = checkUnitHardening(
      unitIn(
        unit.replace("AmbientCapabilities=\n", "AmbientCapabilities=\nCapabilityBoundingSet=CAP_SYS_ADMIN\n"),
      ),
    );
    expect(capability.ok).toBe(false);
    expect(capability.detail).toContain("CapabilityBoundingSet=");
  });

  it("skips, saying how to get the sandbox, when no unit is installed", () => {
    const check = checkUnitHardening(null);
    expect(check).toMatchObject({ skipped: true, detail: expect.stringContaining("Debian package") });
    expect(formatCheck(check)).toMatch(/^SKIP {2}service hardening: /);
  });

  it("prints a failed check with its hint", () => {
    expect(formatCheck({ name: "x", ok: false, detail: "broken", hint: "fix it" })).toBe(
      "FAIL  x: broken\n      hint: fix it",
    );
  });
});
