import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadState, saveState, stateFile } from "./state-file.ts";

const state = {
  edgeUrl: "https://edge.example",
  agentId: "a-1",
  tenantId: "acme",
  siteId: "s-1",
  name: "lab",
  credential: "gac_secret",
  enrolledAt: "2026-11-22T10:00:00.000Z",
};

describe("state file", () => {
  it("saves with mode 0600 and loads back", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-state-"));
    saveState(dir, state);
    expect(statSync(stateFile(dir)).mode & 0o777).toBe(0o600);
    expect(loadState(dir)).toEqual({ ok: true, value: state });
  });

  it("refuses a missing file with the enroll hint", () => {
    const loaded = loadState(mkdtempSync(path.join(tmpdir(), "gantry-state-")));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error).toContain("enroll first");
  });

  it("refuses a credential readable by others", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-state-"));
    saveState(dir, state);
    chmodSync(stateFile(dir), 0o644);
    expect(loadState(dir)).toMatchObject({ ok: false });
  });
});
