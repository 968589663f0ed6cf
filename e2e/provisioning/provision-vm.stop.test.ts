import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { createRetryPolicy } from "@gantry/agent/vsphere/retry";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import type { SoapSession } from "@gantry/vcsim/test-support/soap-session";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { watchTask } from "@gantry/vcsim/test-support/waits";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { type FakeJobContext, fakeJobContext, testJob } from "./fixture.ts";
import { vmsNamed } from "./inventory-helpers.ts";

const FOLDER = "/DC0/vm/acme/shop";
const retryPolicy = createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 40 });

/** The clone task the run started, from its "clone started" log line. */
function cloneTaskOf(ctx: FakeJobContext) {
  const line = ctx.lines.find((l) => l.includes('"clone started"'));
  const task = line ? (JSON.parse(line) as { task?: string }).task : undefined;
  if (!task) throw new Error("the run logged no clone task");
  return { type: "Task", value: task };
}

describe("provisionVm stopped by the edge mid-clone, against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  // a session of the test's own, to see how vCenter's task ended whatever the agent did
  let observer: SoapSession;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    client = clientFor(vcsim);
    observer = await loggedIn(vcsim);
    await provision(testJob(), fakeJobContext()); // the project folder exists, the session is warm
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 1500 } });
  });
  afterAll(async () => {
    observer?.close();
    await client?.close();
    await vcsim?.stop();
  });

  function provision(job: ProvisionVmJob, ctx: FakeJobContext) {
    return provisionVm(client, job, ctx, { retryPolicy, networkWaitMs: 10_000 });
  }

  it("waits for vCenter's clone to end, then removes the VM it made: nothing is left", async () => {
    const job = testJob();
    const ctx = fakeJobContext();
    const running = provision(job, ctx);
    await ctx.firstPercent("CLONING");
    ctx.abort(new Error("job stopped: cancelled"));
    const outcome = await running;
    expect(outcome).toMatchObject({ ok: false, error: { code: "CANCELLED", cleanupFailed: false } });
    // the clone has ended by now (success: vCenter made the VM), and that VM is gone again
    expect((await watchTask(observer, cloneTaskOf(ctx))).state).toBe("success");
    expect(await vmsNamed(client, FOLDER, job.vmName)).toEqual([]);
    expect(ctx.lines.some((l) => l.includes("removed the half-built VM"))).toBe(true);
  });

  it("leaves a clone alone when the lease is gone: the next delivery adopts it", async () => {
    const job = testJob();
    const ctx = fakeJobContext();
    const running = provision(job, ctx);
    await ctx.firstPercent("CLONING");
    ctx.loseLease();
    ctx.abort(new Error("agent shutting down"));
    await running;
    expect((await watchTask(observer, cloneTaskOf(ctx))).state).toBe("success");
    expect(await vmsNamed(client, FOLDER, job.vmName)).toHaveLength(1);
    expect(ctx.lines.some((l) => l.includes("removed the half-built VM"))).toBe(false);
  });
});
