import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCommandDeps } from "../src/commands/command-deps.ts";
import { JobDispatchError } from "../src/commands/job-dispatcher.ts";
import { relayJob, SWEEP_GRACE_MS, sweepOutbox } from "../src/commands/outbox-relay.ts";
import { hubJobDispatcher } from "../src/deps.ts";
import worker from "../src/index.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

const outboxRow = (requestId: string) =>
  env.DB.prepare("SELECT dispatched_at, attempts, last_error FROM job_outbox WHERE request_id = ?")
    .bind(requestId)
    .first<{ dispatched_at: string | null; attempts: number; last_error: string | null }>();

describe("job outbox", () => {
  it("re-dispatches a job whose relay never ran (the Worker died after the append)", async () => {
    const w = testWorkflow();
    // the relay is never started, as when the isolate dies right after the approval's append
    const dropped = {
      ...createCommandDeps({ db: env.DB, feed: w.deps.feed, clock: w.clock.now, defer: () => undefined }),
      dispatcher: w.dispatcher,
    };
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, { ...w, deps: dropped }).approvals.approve({
      requestId,
      expectedVersion: version,
    });
    expect(w.dispatcher.calls).toEqual([]);

    expect(await sweepOutbox(w.deps)).toMatchObject({ dispatched: 0 });
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepOutbox(w.deps)).toEqual({ dispatched: 1, failed: 0 });
    expect(w.dispatcher.queued.get(`job-${requestId}`)?.job.requestId).toBe(requestId);
    expect((await outboxRow(requestId))?.dispatched_at).not.toBeNull();
    expect(await sweepOutbox(w.deps)).toEqual({ dispatched: 0, failed: 0 });
  });

  it("keeps a job whose dispatch failed and delivers it on a later sweep", async () => {
    const w = testWorkflow();
    w.dispatcher.unreachable = true;
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await w.settle();
    expect(await outboxRow(requestId)).toMatchObject({
      dispatched_at: null,
      attempts: 1,
      last_error: expect.stringContaining("unreachable"),
    });

    w.dispatcher.unreachable = false;
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    await sweepOutbox(w.deps);
    expect(await outboxRow(requestId)).toMatchObject({ dispatched_at: expect.any(String), attempts: 2 });
    expect(w.dispatcher.queued.size).toBe(1);
  });

  it("reports a refused dispatch as failed without throwing", async () => {
    const w = testWorkflow();
    const refusing = {
      dispatch: async () => Promise.reject(new JobDispatchError("invalid job", { retryable: false })),
    };
    const outcome = await relayJob(
      { ...w.deps, dispatcher: refusing },
      {
        tenantId: t.tenantId,
        siteId: t.siteId,
        job: {
          kind: "provision-vm",
          jobId: "job-refused",
          requestId: "refused",
          tenantSlug: "acme",
          projectSlug: "web",
          vmName: "web-refused",
          hostname: "refused",
          cpu: 2,
          memoryMb: 4096,
          diskGb: 50,
          networkPath: "/DC0/network/DC0_DVPG0",
          placement: {
            datacenterPath: "/DC0",
            templatePath: "/DC0/vm/t",
            folderPath: "/DC0/vm",
            poolPath: "/DC0/host/DC0_C0/Resources",
          },
          annotation: "test",
        },
      },
    );
    expect(outcome).toBe("failed");
  });

  it("dispatches through the site's AgentHub, which queues a job once however often it is sent", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await w.settle();
    const sent = w.dispatcher.calls[0];
    if (!sent) throw new Error("nothing dispatched");
    const hub = hubJobDispatcher(env);
    await hub.dispatch(sent);
    await expect(hub.dispatch(sent)).resolves.toBeUndefined();
  });

  it("fails a dispatch the AgentHub refuses as an invalid job", async () => {
    const invalid = {
      tenantId: t.tenantId,
      siteId: t.siteId,
      job: { kind: "provision-vm", jobId: "job-bad" },
    };
    // @ts-expect-error: deliberately not a ProvisionVmJob, as a corrupted outbox row would be
    await expect(hubJobDispatcher(env).dispatch(invalid)).rejects.toBeInstanceOf(JobDispatchError);
  });

  it("runs the sweeper every minute from the Worker's scheduled handler, through the real AgentHub", async () => {
    const w = testWorkflow();
    const dropped = {
      ...createCommandDeps({ db: env.DB, feed: w.deps.feed, clock: w.clock.now, defer: () => undefined }),
      dispatcher: w.dispatcher,
    };
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, { ...w, deps: dropped }).approvals.approve({
      requestId,
      expectedVersion: version,
    });

    const scheduledTime = new Date(w.clock.now().getTime() + 60_000);
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await outboxRow(requestId))?.dispatched_at).toBe(scheduledTime.toISOString());
  });
});
