import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { createRetryPolicy } from "@gantry/agent/vsphere/retry";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { readVmState } from "@gantry/agent/vsphere/vm-state";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { PROVISIONING_STAGES } from "@gantry/shared/jobs/provisioning-stage";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { type FakeJobContext, fakeJobContext, testJob } from "./fixture.ts";
import { createForeignVm, vmsNamed } from "./inventory-helpers.ts";

const FOLDER = "/DC0/vm/acme/shop";
const retryPolicy = createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 40 });

describe("provisionVm fault handling against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    client = clientFor(vcsim);
    await provision(testJob(), fakeJobContext()); // creates the project folder, warms the session
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });
  afterEach(async () => {
    await vcsim.control.clearFaults();
    await vcsim.control.settings({ guestBootDelayMs: 50, taskDelaysMs: {} });
  });

  function provision(job: ProvisionVmJob, ctx: FakeJobContext, counter = new RoundTripCounter()) {
    return provisionVm(client, job, ctx, { retryPolicy, counter, networkWaitMs: 10_000 });
  }

  it("retries a clone that failed once with HostCommunication, then succeeds", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "HostCommunication",
      count: 1,
    });
    const counter = new RoundTripCounter();
    const ctx = fakeJobContext();
    const outcome = await provision(job, ctx, counter);
    expect(outcome.ok).toBe(true);
    expect(counter.byMethod.get("CloneVM_Task")).toBe(2);
    expect(ctx.stages).toEqual([...PROVISIONING_STAGES]);
    expect(ctx.lines.some((l) => l.includes("retrying") && l.includes("HostCommunication"))).toBe(true);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
  });

  it("retries a clone whose task failed with TaskInProgress, then succeeds with exactly one VM", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "TaskInProgress",
      count: 1,
    });
    const counter = new RoundTripCounter();
    const ctx = fakeJobContext();
    const outcome = await provision(job, ctx, counter);
    expect(outcome.ok).toBe(true);
    expect(counter.byMethod.get("CloneVM_Task")).toBe(2);
    expect(ctx.stages).toEqual([...PROVISIONING_STAGES]);
    expect(ctx.lines.some((l) => l.includes("retrying") && l.includes("TaskInProgress"))).toBe(true);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
  });

  it.each(["InvalidDeviceSpec", "InvalidArgument"])(
    "fails at once when the clone task fails with %s, telling the user plainly and leaving no VM",
    async (fault) => {
      const job = testJob();
      await vcsim.control.injectFault({ method: "CloneVM_Task", match: job.vmName, fault, count: 100 });
      const counter = new RoundTripCounter();
      const outcome = await provision(job, fakeJobContext(), counter);
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: "INVALID_SPEC", attempts: 1, retriable: false, cleanupFailed: false },
      });
      expect(outcome.ok || outcome.error.userMessage).toBe(
        "vCenter rejected the VM's settings; an admin has been told.",
      );
      expect(outcome.ok || outcome.error.technicalDetail).toContain(`${fault}: task`);
      expect(counter.byMethod.get("CloneVM_Task")).toBe(1);
      expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(0);
    },
  );

  it("retries a clone call vCenter never answers once the per-call timeout passes, creating one VM", async () => {
    const job = testJob();
    await vcsim.control.injectFault({ method: "CloneVM_Task", match: job.vmName, fault: "hang", count: 1 });
    const ctx = fakeJobContext();
    const own = clientFor(vcsim, { callTimeoutMs: 500 });
    try {
      const counter = new RoundTripCounter();
      const outcome = await provisionVm(own, job, ctx, { retryPolicy, counter, networkWaitMs: 10_000 });
      expect(outcome.ok).toBe(true);
      expect(counter.byMethod.get("CloneVM_Task")).toBe(2);
      expect(ctx.lines.some((l) => l.includes("retrying") && l.includes("RequestTimeout"))).toBe(true);
      expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it("fails at once on InsufficientResourcesFault, telling the user plainly and leaving no VM", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "InsufficientResourcesFault",
      count: 100,
    });
    const counter = new RoundTripCounter();
    const outcome = await provision(job, fakeJobContext(), counter);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "INSUFFICIENT_RESOURCES", attempts: 1, retriable: false, cleanupFailed: false },
    });
    expect(outcome.ok || outcome.error.userMessage).toBe(
      "vCenter has not enough resources in /DC0/host/DC0_C0 for this VM; an admin has been told.",
    );
    expect(counter.byMethod.get("CloneVM_Task")).toBe(1);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(0);
  });

  it("gives up after the policy's attempts when the clone keeps failing transiently, leaving no VM", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "HostCommunication",
      count: 100,
    });
    const counter = new RoundTripCounter();
    const outcome = await provision(job, fakeJobContext(), counter);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "VCENTER_BUSY", attempts: 5, retriable: true, cleanupFailed: false },
    });
    expect(counter.byMethod.get("CloneVM_Task")).toBe(5);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(0);
  });

  it("powers off and destroys its VM when power-on keeps failing", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "PowerOnVM_Task",
      fault: "InsufficientMemoryResourcesFault",
      count: 100,
    });
    const counter = new RoundTripCounter();
    const ctx = fakeJobContext();
    const outcome = await provision(job, ctx, counter);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "INSUFFICIENT_RESOURCES", cleanupFailed: false },
    });
    expect(counter.byMethod.get("CloneVM_Task")).toBe(1);
    expect(counter.byMethod.get("Destroy_Task")).toBe(1);
    expect(ctx.stages).toEqual(["CLONING", "CONFIGURING", "POWERING_ON"]);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(0);
  });

  it("does not retry NoPermission", async () => {
    const job = testJob();
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: job.vmName,
      fault: "NoPermission",
      count: 100,
    });
    const counter = new RoundTripCounter();
    const outcome = await provision(job, fakeJobContext(), counter);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "NO_PERMISSION", attempts: 1, retriable: false },
    });
    expect(counter.byMethod.get("CloneVM_Task")).toBe(1);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(0);
  });

  it("retries a dropped connection and a 500 and still creates exactly one VM", async () => {
    const job = testJob();
    await vcsim.control.injectFault({ method: "CloneVM_Task", match: job.vmName, fault: "drop", count: 1 });
    await vcsim.control.injectFault({ method: "PowerOnVM_Task", fault: "http500", count: 1 });
    const counter = new RoundTripCounter();
    const outcome = await provision(job, fakeJobContext(), counter);
    expect(outcome.ok).toBe(true);
    expect(counter.byMethod.get("CloneVM_Task")).toBe(2);
    expect(counter.byMethod.get("PowerOnVM_Task")).toBe(2);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
  });

  it("reports cleanupFailed when the half-built VM cannot be destroyed", async () => {
    const job = testJob();
    await vcsim.control.injectFault({ method: "PowerOnVM_Task", fault: "NoPermission", count: 1 });
    await vcsim.control.injectFault({ method: "Destroy_Task", fault: "NoPermission", count: 1 });
    const ctx = fakeJobContext();
    const outcome = await provision(job, ctx);
    expect(outcome).toMatchObject({ ok: false, error: { code: "NO_PERMISSION", cleanupFailed: true } });
    expect(outcome.ok || outcome.error.technicalDetail).toContain("CLEANUP FAILED");
    expect(ctx.lines.some((l) => l.includes('"level":"error"') && l.includes("CLEANUP FAILED"))).toBe(true);
    const [left] = await vmsNamed(client, FOLDER, job.vmName);
    expect(left).toBeDefined();
    if (left === undefined) return;
    expect((await readVmState(client.scope(), left))?.powerState).toBe("poweredOff");
  });

  it("fails with NAME_CONFLICT on a foreign VM of that name and never touches it", async () => {
    const job = testJob();
    const foreign = await createForeignVm(client, FOLDER, job.vmName);
    const before = await readVmState(client.scope(), foreign);
    const counter = new RoundTripCounter();
    const outcome = await provision(job, fakeJobContext(), counter);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: "NAME_CONFLICT", attempts: 1, retriable: false },
    });
    for (const mutating of [
      "CloneVM_Task",
      "ReconfigVM_Task",
      "PowerOnVM_Task",
      "PowerOffVM_Task",
      "Destroy_Task",
    ]) {
      expect(counter.byMethod.get(mutating), mutating).toBeUndefined();
    }
    const after = await readVmState(client.scope(), foreign);
    expect(after).toMatchObject({ powerState: before?.powerState, numCpu: before?.numCpu });
    expect(await vmsNamed(client, FOLDER, job.vmName)).toEqual([foreign]);
  });

  it("adopts the VM of an earlier delivery that was stopped mid-clone: one VM in the end", async () => {
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 1500 } });
    const job = testJob();
    // first delivery: the agent dies while the clone task runs (its calls are aborted)
    const first = fakeJobContext();
    const firstRun = provision(job, first);
    await first.firstPercent("CLONING");
    // a killed agent can change nothing any more, so its clone is left for the next delivery
    first.loseLease();
    first.abort(new Error("agent killed"));
    expect(await firstRun).toMatchObject({ ok: false, error: { code: "CANCELLED" } });

    // re-delivery while vCenter still runs the first clone
    const second = fakeJobContext({ attempt: 2 });
    const counter = new RoundTripCounter();
    const outcome = await provisionVm(client, job, second, {
      counter,
      retryPolicy: createRetryPolicy({ baseDelayMs: 200, maxAttempts: 6 }),
    });
    expect(outcome.ok).toBe(true);
    expect(second.stages).toEqual([...PROVISIONING_STAGES]);
    // its own clone met DuplicateName (the name is reserved by the running clone), it waited, then adopted
    expect(second.lines.some((l) => l.includes("being created by another task"))).toBe(true);
    expect(second.lines.some((l) => l.includes("adopting"))).toBe(true);
    const vms = await vmsNamed(client, FOLDER, job.vmName);
    expect(vms).toHaveLength(1);
    expect(outcome.ok && outcome.value.vmwareId).toBe(vms[0]?.value);

    // and a third delivery after success changes nothing
    const third = await provision(job, fakeJobContext({ attempt: 3 }));
    expect(third.ok && third.value.vmwareId).toBe(vms[0]?.value);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
  });

  it("keeps waiting for the network across a dropped vCenter session", async () => {
    await vcsim.control.settings({ guestBootDelayMs: 2500 });
    // short long-polls, so a wait is issued after the drop and meets NotAuthenticated
    const ctx = fakeJobContext();
    const own = clientFor(vcsim, { waitMaxSeconds: 1, log: ctx.log });
    const running = provisionVm(own, testJob(), ctx, { retryPolicy, networkWaitMs: 20_000 });
    await ctx.reached("WAITING_FOR_NETWORK");
    expect(await vcsim.control.dropSessions()).toBeGreaterThan(0);
    const outcome = await running;
    expect(outcome.ok && outcome.value.ipAddress).toMatch(/^198\./);
    expect(own.roundTrips.byMethod.get("Login")).toBe(2);
    expect(own.roundTrips.byMethod.get("CreatePropertyCollector")).toBe(2);
    expect(ctx.lines.some((l) => l.includes("property collector rebuilt"))).toBe(true);
    await own.close();
  });
});
