import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_UNIT_OPTIONS, renderUnit } from "./systemd-unit.ts";

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
      "LoadCredential=vcenter-password:",
    ]) {
      expect(unit).toContain(line);
    }
    expect(unit).not.toMatch(/PASSWORD=/);
  });
});
