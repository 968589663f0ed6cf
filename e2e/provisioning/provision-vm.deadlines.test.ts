import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { createRetryPolicy } from "@gantry/agent/vsphere/retry";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { fakeJobContext, testJob } from "./fixture.ts";
import { vmsNamed } from "./inventory-helpers.ts";

const FOLDER = "/DC0/vm/acme/shop";

describe("every wait of a provisioning run has a deadline (against vcsim)", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });
  afterEach(async () => {
    await vcsim.control.settings({ guestBootDelayMs: 50, taskDelaysMs: {} });
  });

  it("fails TIMED_OUT when the clone does not end within its deadline, and removes the clone once it ends", async () => {
    // the clone takes 4 s; this agent allows it 1 s
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 4000 } });
    await vcsim.control.resetCounts();
    const job = testJob();
    const ctx = fakeJobContext();
    const outcome = await provisionVm(client, job, ctx, {
      retryPolicy: createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 40 }),
      waits: { cloneMs: 1000 },
      compensationTimeoutMs: 30_000,
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: "TIMED_OUT",
        userMessage: expect.stringContaining("did not finish the clone in time"),
        retriable: false,
        cleanupFailed: false,
      },
    });
    expect(outcome.ok ? "" : outcome.error.technicalDetail).toMatch(
      /WaitTimeout: vCenter did not finish the clone \(task-\d+\) within 1 min/,
    );
    expect(ctx.stages).toEqual(["CLONING"]);
    // the run waited for the clone it stopped waiting for, then removed its VM: nothing appears later
    expect((await vcsim.control.counts()).Destroy_Task).toBe(1);
    expect(await vmsNamed(client, FOLDER, job.vmName)).toEqual([]);
  });
});
