import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCommandDeps } from "../src/commands/command-deps.ts";
import { JobDispatchError } from "../src/commands/job-dispatcher.ts";
import { SWEEP_GRACE_MS, sweepOutbox } from "../src/commands/outbox-relay.ts";
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
  env.DB.prepare("SELECT dispatched_at, failed_at, attempts, last_error FROM job_outbox WHERE request_id = ?")
    .bind(requestId)
    .first<{
      dispatched_at: string | null;
      failed_at: string | null;
      attempts: number;
      last_error: string | null;
    }>();

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
    expect(await sweepOutbox(w.deps)).toEqual({ dispatched: 1, failed: 0, undeliverable: 0 });
    expect(w.dispatcher.queued.get(`job-${requestId}`)?.job.requestId).toBe(requestId);
    expect((await outboxRow(requestId))?.dispatched_at).not.toBeNull();
    expect(await sweepOutbox(w.deps)).toEqual({ dispatched: 0, failed: 0, undeliverable: 0 });
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

  it("marks a dispatch the hub refuses for good as failed and fails its request, without throwing", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const refusing = {
      dispatch: async () => Promise.reject(new JobDispatchError("invalid job", { retryable: false })),
      capabilities: () => w.deps.dispatcher.capabilities(t.siteId),
    };
    await callerFor(t.admin, { ...w, deps: { ...w.deps, dispatcher: refusing } }).approvals.approve({
      requestId,
      expectedVersion: version,
    });
    await w.settle();
    expect(await outboxRow(requestId)).toMatchObject({
      dispatched_at: null,
      failed_at: expect.any(String),
      last_error: expect.stringContaining("invalid job"),
    });
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "FAILED",
      failure: { code: "UNDELIVERABLE", userMessage: expect.stringContaining("could not be handed") },
    });
    // out of the sweeper's window for good
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepOutbox(w.deps)).toEqual({ dispatched: 0, failed: 0, undeliverable: 0 });
  });

  it("fails the request of a row whose job no longer parses, instead of keeping it APPROVED", async () => {
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
    await env.DB.prepare(`UPDATE job_outbox SET job = '{"kind":"provision-vm"}' WHERE request_id = ?`)
      .bind(requestId)
      .run();
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepOutbox(w.deps)).toMatchObject({ dispatched: 0, undeliverable: 1 });
    expect(w.dispatcher.calls).toEqual([]);
    expect(await outboxRow(requestId)).toMatchObject({
      failed_at: expect.any(String),
      last_error: expect.stringContaining("does not parse"),
    });
    const admin = await callerFor(t.admin, w).requests.get({ requestId });
    expect(admin.request).toMatchObject({ status: "FAILED", failure: { code: "UNDELIVERABLE" } });
    expect(admin.timeline.at(-1)).toMatchObject({
      kind: "PROVISIONING_FAILED",
      technicalDetail: expect.stringContaining("does not parse"),
    });
  });

  it("never lets rows that can never be sent hold back the rows behind them", async () => {
    const w = testWorkflow();
    // more unsendable rows than one sweep reads, all older than a good one
    const old = new Date(w.clock.now().getTime() - 3_600_000);
    await env.DB.batch(
      Array.from({ length: 55 }, (_, i) =>
        env.DB.prepare(
          "INSERT INTO job_outbox (job_id, tenant_id, site_id, request_id, job, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ).bind(
          `job-junk-${i}-${t.tenantId}`,
          t.tenantId,
          t.siteId,
          `junk-${i}-${t.tenantId}`,
          "{}",
          new Date(old.getTime() + i).toISOString(),
        ),
      ),
    );
    const dropped = {
      ...createCommandDeps({ db: env.DB, feed: w.deps.feed, clock: w.clock.now, defer: () => undefined }),
      dispatcher: w.dispatcher,
    };
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, { ...w, deps: dropped }).approvals.approve({
      requestId,
      expectedVersion: version,
    });
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    const first = await sweepOutbox(w.deps);
    const second = await sweepOutbox(w.deps);
    expect(first.undeliverable + second.undeliverable).toBeGreaterThanOrEqual(55);
    expect(w.dispatcher.queued.get(`job-${requestId}`)?.job.requestId).toBe(requestId);
    expect((await outboxRow(requestId))?.dispatched_at).not.toBeNull();
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
