import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@gantry/agent/config";
import { configuredVcenter, type Vcenter } from "@gantry/agent/vcenter";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger, startTestVcsim } from "../vsphere/fixture.ts";
import { fakeJobContext, testJob } from "./fixture.ts";

// the allowlist and retry policy reach provisioning only through the config file, the way `run` builds them
const ALLOWLIST = {
  datacenters: ["/DC0"],
  templates: ["/DC0/vm/ubuntu-22.04-tmpl"],
  folders: ["/DC0/vm"],
  pools: ["/DC0/host/DC0_C0"],
  datastores: ["/DC0/datastore/LocalDS_0"],
  networks: ["/DC0/network/DC0_DVPG0"],
};

describe("the configured vCenter against vcsim", () => {
  let vcsim: VcsimHandle;
  let vcenter: Vcenter;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-configured-"));
    const passwordFile = path.join(dir, "vcenter-password");
    writeFileSync(passwordFile, vcsim.password, { mode: 0o600 });
    const configFile = path.join(dir, "config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        stateDir: dir,
        vcenter: { url: vcsim.url, username: vcsim.username, passwordFile, caFile: vcsim.caFile },
        allowlist: ALLOWLIST,
        retry: { attempts: 2, baseMs: 5, capMs: 20 },
      }),
    );
    const loaded = loadConfig({ file: configFile, env: {} });
    if (!loaded.ok) throw new Error(loaded.error.join("; "));
    const built = configuredVcenter(loaded.value, memoryLogger().log);
    if (!built) throw new Error("the config has a vCenter, yet none was built");
    vcenter = built;
  });
  afterAll(async () => {
    await vcenter?.close();
    await vcsim?.stop();
  });
  afterEach(async () => {
    await vcsim.control.clearFaults();
  });

  it("refuses a job on a network outside the allowlist, for good and without touching vCenter", async () => {
    await vcsim.control.resetCounts();
    const ctx = fakeJobContext();
    const outcome = await vcenter.provision(testJob({ networkPath: "/DC0/network/VM Network" }), ctx);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "PLACEMENT_NOT_ALLOWED", retriable: false, attempts: 1 },
    });
    expect(outcome.ok || outcome.error.technicalDetail).toContain("networks path /DC0/network/VM Network");
    expect(ctx.stages).toEqual([]);
    expect(await vcsim.control.counts()).toEqual({});
  });

  it("refuses a template outside the allowlist", async () => {
    const job = testJob();
    const outcome = await vcenter.provision(
      { ...job, placement: { ...job.placement, templatePath: "/DC0/vm/DC0_H0_VM0" } },
      fakeJobContext(),
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: "PLACEMENT_NOT_ALLOWED", retriable: false } });
  });

  it("provisions a job inside the allowlist, and counts its round trips as vCenter saw them", async () => {
    await vcsim.control.resetCounts();
    const before = vcenter.roundTrips();
    const outcome = await vcenter.provision(testJob(), fakeJobContext());
    expect(outcome.ok).toBe(true);
    const after = vcenter.roundTrips();
    const seen = await vcsim.control.counts();
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(after.total - before.total).toBe(sum(seen));
    for (const [method, count] of Object.entries(seen))
      expect((after.byMethod[method] ?? 0) - (before.byMethod[method] ?? 0)).toBe(count);
  });

  it("gives up after the config's attempts when the clone keeps failing transiently", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "HostCommunication",
      count: 100,
    });
    await vcsim.control.resetCounts();
    const outcome = await vcenter.provision(job, fakeJobContext());
    // the built-in policy would make 5 attempts, 150 s apart in all
    expect(outcome).toMatchObject({ ok: false, error: { code: "VCENTER_BUSY", attempts: 2 } });
    expect((await vcsim.control.counts()).CloneVM_Task).toBe(2);
  });
});
