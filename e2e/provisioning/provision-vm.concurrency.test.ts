import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { PROVISIONING_STAGES } from "@gantry/shared/jobs/provisioning-stage";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { fakeJobContext, testJob } from "./fixture.ts";
import { vmsNamed } from "./inventory-helpers.ts";

describe("provisionVm, many jobs on one session", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 300, taskDelaysMs: { CloneVM_Task: 400 } });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("provisions 12 VMs at once through one collector and one wait loop", async () => {
    const jobs = Array.from({ length: 12 }, () => testJob({ projectSlug: "burst" }));
    const runs = jobs.map((job) => {
      const ctx = fakeJobContext();
      const counter = new RoundTripCounter();
      return { job, ctx, counter, result: provisionVm(client, job, ctx, { counter }) };
    });
    const started = performance.now();
    const outcomes = await Promise.all(runs.map((r) => r.result));
    const ms = performance.now() - started;

    const ips = new Set<string>();
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      if (!outcome.ok) continue;
      ips.add(outcome.value.ipAddress ?? "none");
      expect(runs[i]?.ctx.stages).toEqual([...PROVISIONING_STAGES]);
    }
    expect(ips.size).toBe(12);
    for (const job of jobs) expect(await vmsNamed(client, "/DC0/vm/acme/burst", job.vmName)).toHaveLength(1);
    // the shared project folder was created once, not once per job
    expect(client.roundTrips.byMethod.get("CreateFolder")).toBe(2);
    expect(client.roundTrips.byMethod.get("CreatePropertyCollector")).toBe(1);
    const total = client.roundTrips.total;
    console.info(
      `12 concurrent VMs: ${Math.round(ms)} ms, ${total} round trips (${(total / 12).toFixed(1)} per VM)`,
    );
    expect(total / 12).toBeLessThan(16);
  });
});
