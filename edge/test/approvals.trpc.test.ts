import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

const outboxRows = async (requestId: string) =>
  (
    await env.DB.prepare("SELECT job_id, dispatched_at FROM job_outbox WHERE request_id = ?")
      .bind(requestId)
      .all<{ job_id: string; dispatched_at: string | null }>()
  ).results;

describe("approvals.pending", () => {
  it("lists pending requests oldest first and flags those waiting more than 48 hours", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const old = await member.requests.create(requestInput(own.projectId));
    w.clock.advance(24 * 3600_000);
    const recent = await member.requests.create(requestInput(own.projectId));
    const gone = await member.requests.create(requestInput(own.projectId));
    await member.requests.cancel({ requestId: gone.requestId });
    w.clock.advance(25 * 3600_000);

    const queue = await callerFor(own.admin, w).approvals.pending({});
    expect(queue.items.map((r) => [r.requestId, r.waitingLong])).toEqual([
      [old.requestId, true],
      [recent.requestId, false],
    ]);
    expect(queue).toMatchObject({ total: 2, page: 1, pageSize: 25 });
    expect(queue.items[0]).toMatchObject({
      version: 1,
      justification: "needed for the integration tests",
      waitingMs: 49 * 3600_000,
    });
  });

  it("filters the queue by project", async () => {
    const w = testWorkflow();
    await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const queue = await callerFor(t.admin, w).approvals.pending({ projectId: "proj-none" });
    expect(queue.items).toEqual([]);
  });

  it("answers FORBIDDEN to a member", async () => {
    expect(await codeOf(callerFor(t.member, testWorkflow()).approvals.pending({}))).toBe("FORBIDDEN");
  });
});

describe("approvals.pendingCount", () => {
  it("counts the tenant's requests waiting for a decision, for admins only", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const admin = callerFor(own.admin, w);
    expect(await admin.approvals.pendingCount()).toEqual({ count: 0 });
    const first = await member.requests.create(requestInput(own.projectId));
    await member.requests.create(requestInput(own.projectId));
    expect(await admin.approvals.pendingCount()).toEqual({ count: 2 });
    await admin.approvals.approve({ requestId: first.requestId, expectedVersion: first.version });
    expect(await admin.approvals.pendingCount()).toEqual({ count: 1 });
    expect(await codeOf(member.approvals.pendingCount())).toBe("FORBIDDEN");
  });
});

describe("approvals.approve", () => {
  it("approves at the version seen and hands exactly one job to the site's agent pool", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { name: "api-01", size: "S" }),
    );
    const approved = await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await w.settle();

    expect(approved).toEqual({ requestId, version: 2, jobId: `job-${requestId}`, awaiting: 0 });
    expect(w.dispatcher.calls).toEqual([
      {
        tenantId: t.tenantId,
        siteId: t.siteId,
        job: expect.objectContaining({
          kind: "provision-vm",
          jobId: `job-${requestId}`,
          requestId,
          tenantSlug: t.tenantId,
          projectSlug: "app",
          vmName: "app-api-01",
          hostname: "api-01",
          cpu: 2,
          memoryMb: 4096,
          diskGb: 50,
          networkPath: "/DC0/network/DC0_DVPG0",
        }),
      },
    ]);
    expect(await outboxRows(requestId)).toEqual([
      { job_id: `job-${requestId}`, dispatched_at: w.clock.now().toISOString() },
    ]);
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "APPROVED",
      decision: { by: t.admin.userId, byName: t.admin.name },
    });
  });

  it("answers a stale version with CONFLICT: already processed or modified by another admin", async () => {
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const error = await callerFor(t.admin, w)
      .approvals.approve({ requestId, expectedVersion: 2 })
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "already processed or modified by another admin",
    });
  });

  it("answers an approval its admin submits twice as done (a retry after a lost answer) and still dispatches one job", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const admin = callerFor(t.admin, w);
    const first = await admin.approvals.approve({ requestId, expectedVersion: version });
    expect(await admin.approvals.approve({ requestId, expectedVersion: version })).toEqual(first);
    await w.settle();
    expect(w.dispatcher.calls).toHaveLength(1);
    expect(await outboxRows(requestId)).toHaveLength(1);
  });

  it("lets exactly one of two racing admins win: one CONFLICT, one job", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const outcomes = await Promise.all([
      codeOf(callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version })),
      codeOf(callerFor(t.otherAdmin, w).approvals.approve({ requestId, expectedVersion: version })),
    ]);
    await w.settle();
    expect(outcomes.sort()).toEqual(["CONFLICT", "resolved"]);
    expect(await outboxRows(requestId)).toHaveLength(1);
    expect(w.dispatcher.calls).toHaveLength(1);
    const n = await env.DB.prepare(
      "SELECT count(*) AS n FROM events WHERE stream_id = ? AND type = 'VmRequestApproved'",
    )
      .bind(`vm-request:${requestId}`)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("lets an approval and a rejection race with one winner", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const outcomes = await Promise.all([
      codeOf(callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version })),
      codeOf(
        callerFor(t.otherAdmin, w).approvals.reject({
          requestId,
          expectedVersion: version,
          reason: "over the budget",
        }),
      ),
    ]);
    expect(outcomes.sort()).toEqual(["CONFLICT", "resolved"]);
  });

  it("refuses an admin approving their own request", async () => {
    const w = testWorkflow();
    const admin = callerFor(t.admin, w);
    const { requestId, version } = await admin.requests.create(requestInput(t.projectId));
    expect(await codeOf(admin.approvals.approve({ requestId, expectedVersion: version }))).toBe("FORBIDDEN");
    expect(
      await codeOf(
        admin.approvals.reject({ requestId, expectedVersion: version, reason: "changed my mind" }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("refuses to approve for a site without placement, writing nothing", async () => {
    const bare = await createTestTenant(env.DB, { placement: false });
    const w = testWorkflow();
    const { requestId, version } = await callerFor(bare.member, w).requests.create(
      requestInput(bare.projectId),
    );
    expect(
      await codeOf(callerFor(bare.admin, w).approvals.approve({ requestId, expectedVersion: version })),
    ).toBe("PRECONDITION_FAILED");
    expect((await callerFor(bare.member, w).requests.get({ requestId })).request.status).toBe("PENDING");
    expect(await outboxRows(requestId)).toEqual([]);
  });

  it("answers FORBIDDEN to a member and BAD_REQUEST to a missing version", async () => {
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(await codeOf(callerFor(t.member, w).approvals.approve({ requestId, expectedVersion: 1 }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(callerFor(t.admin, w).approvals.approve({ requestId } as never))).toBe("BAD_REQUEST");
  });
});

describe("approvals.reject", () => {
  it("rejects with a reason that shows on the timeline", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(
      await callerFor(t.admin, w).approvals.reject({
        requestId,
        expectedVersion: version,
        reason: "over the budget",
      }),
    ).toEqual({
      requestId,
      version: 2,
    });
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "REJECTED", decision: { reason: "over the budget" } });
    expect(detail.timeline.at(-1)).toMatchObject({
      kind: "REJECTED",
      detail: "over the budget",
      actor: { id: t.admin.userId },
    });
  });

  it.each([
    ["shorter than 10", "too short"],
    ["longer than 500", "x".repeat(501)],
  ])("refuses a reason %s characters", async (_case, reason) => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(
      await codeOf(callerFor(t.admin, w).approvals.reject({ requestId, expectedVersion: version, reason })),
    ).toBe("BAD_REQUEST");
  });

  it("answers CONFLICT once the request was approved", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    expect(
      await codeOf(
        callerFor(t.admin, w).approvals.reject({ requestId, expectedVersion: 2, reason: "too late now" }),
      ),
    ).toBe("CONFLICT");
  });
});
