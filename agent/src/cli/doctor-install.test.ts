import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
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

  it("fails with a hint when no unit is installed", () => {
    expect(checkUnitHardening(null)).toMatchObject({
      ok: false,
      hint: expect.stringContaining("Debian package"),
    });
  });
});
