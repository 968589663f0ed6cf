import { testConnection } from "@gantry/agent/vsphere/test-connection";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFor, memoryLogger, PASSWORD, startTestVcsim } from "./fixture.ts";

describe("testConnection against vcsim", () => {
  let vcsim: VcsimHandle;

  beforeAll(async () => {
    vcsim = await startTestVcsim();
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("passes every check with good settings", async () => {
    const report = await testConnection(configFor(vcsim), {
      templatePath: vcsim.templatePath,
      log: memoryLogger().log,
    });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ["reachable", true],
      ["login", true],
      ["template", true],
    ]);
    expect(report.checks[2]?.detail).toMatch(/^template vm-/);
  });

  it("fails the login check on a wrong password and never echoes a password", async () => {
    const report = await testConnection(configFor(vcsim, { password: "wrong-one" }), {
      templatePath: vcsim.templatePath,
      log: memoryLogger().log,
    });
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ["reachable", true],
      ["login", false],
    ]);
    expect(report.checks[1]?.detail).toContain("InvalidLogin");
    expect(JSON.stringify(report)).not.toContain("wrong-one");
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it("fails the template check when the template is missing", async () => {
    const report = await testConnection(configFor(vcsim), {
      templatePath: "/DC0/vm/nope",
      log: memoryLogger().log,
    });
    expect(report.ok).toBe(false);
    expect(report.checks.at(-1)).toEqual({ name: "template", ok: false, detail: "nothing at /DC0/vm/nope" });
  });

  it("fails the reachable check on an untrusted certificate and on a closed port", async () => {
    const untrusted = await testConnection(
      { url: vcsim.url, username: "a", password: "b" },
      { log: memoryLogger().log },
    );
    expect(untrusted.checks).toEqual([
      { name: "reachable", ok: false, detail: expect.stringMatching(/^TlsError/) },
    ]);
    const closed = await testConnection(
      { url: "https://127.0.0.1:1/sdk", username: "a", password: "b" },
      { log: memoryLogger().log, timeoutMs: 2000 },
    );
    expect(closed.checks).toEqual([
      { name: "reachable", ok: false, detail: expect.stringMatching(/^ConnectionError/) },
    ]);
  });

  it("reports a configuration the schema rejects", async () => {
    const report = await testConnection({ url: "http://vcenter.local", username: "a", password: "b" });
    expect(report).toMatchObject({ ok: false, checks: [{ name: "reachable", ok: false }] });
    expect(report.checks[0]?.detail).toContain("invalid configuration");
  });
});
