import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { findByInventoryPath } from "@gantry/agent/vsphere/methods/find-by-inventory-path";
import { retrievePropertiesEx } from "@gantry/agent/vsphere/methods/retrieve-properties-ex";
import { createRetryPolicy } from "@gantry/agent/vsphere/retry";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import type { MoRef } from "@gantry/agent/vsphere/values";
import { readVmState } from "@gantry/agent/vsphere/vm-state";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { PROVISIONING_STAGES } from "@gantry/shared/jobs/provisioning-stage";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { watchVm } from "@gantry/vcsim/test-support/waits";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { fakeJobContext, testJob } from "./fixture.ts";
import { vmsNamed } from "./inventory-helpers.ts";

const FOLDER = "/DC0/vm/acme/shop";
// 198.18.0.0/15: the launcher's guest address range
const TEST_RANGE = /^198\.1[89]\.\d{1,3}\.\d{1,3}$/;
const LINK_LOCAL = /^169\.254\.\d{1,3}\.\d{1,3}$/;
const fastRetry = createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 50 });

describe("provisionVm against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 150 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });
  beforeEach(async () => {
    await vcsim.control.settings({ guestBootDelayMs: 150, guestLinkLocalMs: 0, taskDelaysMs: {} });
  });

  const run = (job: ProvisionVmJob, extra: { networkWaitMs?: number; counter?: RoundTripCounter } = {}) => {
    const ctx = fakeJobContext();
    const result = provisionVm(client, job, ctx, { retryPolicy: fastRetry, networkWaitMs: 10_000, ...extra });
    return { ctx, result };
  };

  it("creates a VM with exactly the requested hardware, network, hostname and marker", async () => {
    const job = testJob({ cpu: 3, memoryMb: 3072, diskGb: 25, hostname: "web-exact" });
    const { ctx, result } = run(job);
    const outcome = await result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value).toMatchObject({ vmName: job.vmName, hostname: "web-exact" });
    expect(outcome.value.ipAddress).toMatch(/^198\.(18|19)\./);
    expect(outcome.value.warning).toBeUndefined();
    expect(ctx.stages).toEqual([...PROVISIONING_STAGES]);

    // read back through the API, by path, the way an operator would find it
    const vim = client.scope();
    const found = await findByInventoryPath(vim, `/DC0/vm/acme/shop/${job.vmName}`);
    expect(found?.value).toBe(outcome.value.vmwareId);
    const vm = await readVmState(vim, { type: "VirtualMachine", value: outcome.value.vmwareId });
    expect(vm).toBeDefined();
    if (vm === undefined) return;
    expect(vm.numCpu).toBe(3);
    expect(vm.memoryMb).toBe(3072);
    expect(vm.hardware.disks[0]?.capacityKb).toBe(25 * 1024 * 1024);
    expect(vm.hardware.nics[0]?.backing).toMatchObject({ kind: "distributed" });
    expect(vm.extraConfig.get("gantry.requestId")).toBe(job.requestId);
    expect(vm.extraConfig.get("gantry.jobId")).toBe(job.jobId);
    expect(vm.powerState).toBe("poweredOn");
    expect(vm.hostname).toBe("web-exact");
    expect(vm.ipAddress).toBe(outcome.value.ipAddress);
    const [extra] = await retrievePropertiesEx(vim, [
      {
        propSet: [{ type: "VirtualMachine", paths: ["config.annotation", "resourcePool"] }],
        objectSet: [{ obj: vm.ref }],
      },
    ]);
    expect(extra?.text("config.annotation")).toBe(job.annotation);
    const clusterPool = await findByInventoryPath(vim, "/DC0/host/DC0_C0/Resources");
    expect(extra?.raw.get("resourcePool")?.text).toBe(clusterPool?.value);
    // self-fencing: CreateFolder ×2, CloneVM_Task, PowerOnVM_Task (first VM of the project)
    expect(ctx.leaseChecks).toBeGreaterThanOrEqual(2);
  });

  it("connects the NIC to a standard portgroup", async () => {
    const job = testJob({ networkPath: "/DC0/network/VM Network" });
    const outcome = await run(job).result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const vm = await readVmState(client.scope(), { type: "VirtualMachine", value: outcome.value.vmwareId });
    const network = await findByInventoryPath(client.scope(), "/DC0/network/VM Network");
    expect(vm?.hardware.nics[0]?.backing).toEqual({ kind: "standard", network, deviceName: "VM Network" });
  });

  it("needs at most 12 round trips per VM once the session and placement are warm", async () => {
    await run(testJob()).result; // warm: session, placement, project folder
    const samples: { trips: number; ms: number }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const counter = new RoundTripCounter();
      const before = await vcsim.control.counts();
      const started = performance.now();
      const outcome = await run(testJob(), { counter }).result;
      const ms = performance.now() - started;
      expect(outcome.ok).toBe(true);
      const after = await vcsim.control.counts();
      // the simulator's own count agrees with ours: nothing is sent that we do not count
      const serverSide = Object.entries(after).reduce((n, [m, c]) => n + c - (before[m] ?? 0), 0);
      expect(serverSide).toBe(counter.total);
      samples.push({ trips: counter.total, ms });
      expect(counter.total, JSON.stringify(counter.snapshot().byMethod)).toBeLessThanOrEqual(12);
    }
    console.info("steady state per VM (guest boot 150 ms):", samples);
  });

  it("succeeds without an address, with a warning, when the guest does not report one in time", async () => {
    await vcsim.control.settings({ guestBootDelayMs: 60_000 });
    const { ctx, result } = run(testJob(), { networkWaitMs: 400 });
    const outcome = await result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.ipAddress).toBeNull();
    expect(outcome.value.warning).toMatch(/no IP address/);
    expect(ctx.stages).toEqual([...PROVISIONING_STAGES]);
    const vm = await readVmState(client.scope(), { type: "VirtualMachine", value: outcome.value.vmwareId });
    expect(vm?.powerState).toBe("poweredOn");
  });

  /**
   * Resolves with the link-local IPv4 address once `vm`'s tools run and report one; watched over the
   * simulator tests' own session, whose first wait returns the current state, so a job that already
   * finished cannot hide it.
   */
  const linkLocalShown = async (vm: MoRef) => {
    const soap = await loggedIn(vcsim);
    try {
      const shown = await watchVm(
        soap,
        vm,
        (s) =>
          s["guest.toolsRunningStatus"] === "guestToolsRunning" &&
          LINK_LOCAL.test(s["guest.ipAddress"] ?? ""),
      );
      return shown["guest.ipAddress"];
    } finally {
      soap.close();
    }
  };

  it("waits through the guest's link-local addresses and reports READY only with its real one", async () => {
    const LINK_LOCAL_MS = 1000;
    await vcsim.control.settings({ guestBootDelayMs: 50, guestLinkLocalMs: LINK_LOCAL_MS });
    const job = testJob();
    const { ctx, result } = run(job);
    // POWERING_ON is reached before the power-on task is sent, so before the guest boots
    const poweringOnAt = ctx.reached("POWERING_ON").then(() => Date.now());
    const readyAt = ctx.reached("READY").then(() => Date.now());

    await ctx.reached("WAITING_FOR_NETWORK");
    const [vm] = await vmsNamed(client, FOLDER, job.vmName);
    if (vm === undefined) throw new Error("no VM while WAITING_FOR_NETWORK");
    // tools run and the guest shows 169.254.x.y (and fe80::) for LINK_LOCAL_MS: not an address for users
    expect(await linkLocalShown(vm)).toMatch(LINK_LOCAL);

    const outcome = await result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.ipAddress).toMatch(TEST_RANGE);
    expect((await vcsim.control.vm({ moref: vm.value })).guest.ipAddress).toBe(outcome.value.ipAddress);
    // the job waited through the whole link-local phase, which starts after power-on: timed from
    // POWERING_ON, a bound load only makes larger (WAITING_FOR_NETWORK may come well into the phase)
    expect((await readyAt) - (await poweringOnAt)).toBeGreaterThanOrEqual(LINK_LOCAL_MS);
    expect(ctx.stages).toEqual([...PROVISIONING_STAGES]);
  });

  it("reports no address, with a warning, when the guest shows only link-local ones within the budget", async () => {
    await vcsim.control.settings({ guestBootDelayMs: 50, guestLinkLocalMs: 60_000 });
    const job = testJob();
    const { ctx, result } = run(job, { networkWaitMs: 800 });
    await ctx.reached("WAITING_FOR_NETWORK");
    const [vm] = await vmsNamed(client, FOLDER, job.vmName);
    if (vm === undefined) throw new Error("no VM while WAITING_FOR_NETWORK");
    expect(await linkLocalShown(vm)).toMatch(LINK_LOCAL);

    const outcome = await result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.ipAddress).toBeNull();
    expect(outcome.value.warning).toMatch(/no IP address/);
  });

  it("reports the clone task's progress while CLONING", async () => {
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 1200 } });
    const { ctx, result } = run(testJob());
    expect((await result).ok).toBe(true);
    const percents = ctx.percents.filter((p) => p.stage === "CLONING").map((p) => p.percent);
    expect(percents.length).toBeGreaterThan(0);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it("refuses a placement outside the allowlist without calling vCenter", async () => {
    const counter = new RoundTripCounter();
    const ctx = fakeJobContext();
    const outcome = await provisionVm(client, testJob(), ctx, {
      counter,
      allowlist: { folders: ["/DC0/vm/gantry"], templates: ["/DC0/vm"] },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ code: "PLACEMENT_NOT_ALLOWED", attempts: 1, retriable: false });
    expect(outcome.error.technicalDetail).toContain("folders path /DC0/vm");
    expect(counter.total).toBe(0);
    expect(ctx.stages).toEqual([]);
  });

  it("fails with TEMPLATE_NOT_FOUND, without retrying or mutating, when the template is missing", async () => {
    const counter = new RoundTripCounter();
    const job = testJob();
    const outcome = await run(
      { ...job, placement: { ...job.placement, templatePath: "/DC0/vm/no-such-template" } },
      { counter },
    ).result;
    expect(outcome).toMatchObject({ ok: false, error: { code: "TEMPLATE_NOT_FOUND", attempts: 1 } });
    expect(counter.byMethod.get("CloneVM_Task")).toBeUndefined();
    expect(counter.byMethod.get("CreateFolder")).toBeUndefined();
  });

  it("fails with INVALID_SPEC when the disk would be smaller than the template's", async () => {
    const counter = new RoundTripCounter();
    const outcome = await run(testJob({ diskGb: 1 }), { counter }).result;
    expect(outcome).toMatchObject({ ok: false, error: { code: "INVALID_SPEC", attempts: 1 } });
    expect(outcome.ok || outcome.error.userMessage).toMatch(/at least 10 GB/);
    expect(counter.byMethod.get("CloneVM_Task")).toBeUndefined();
  });

  it("stops before cloning when the lease is lost, and leaves nothing to clean up", async () => {
    const counter = new RoundTripCounter();
    const ctx = fakeJobContext();
    ctx.loseLease();
    const outcome = await provisionVm(client, testJob({ projectSlug: "fenced" }), ctx, {
      counter,
      retryPolicy: fastRetry,
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: "LEASE_LOST", retriable: true } });
    expect(counter.byMethod.get("CloneVM_Task")).toBeUndefined();
    expect(counter.byMethod.get("CreateFolder")).toBeUndefined();
  });
});
