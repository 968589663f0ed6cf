import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { frame, provisionToReady, record, stageAt } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

const start = new Date("2026-03-02T10:00:00.000Z");

async function approved(w: ReturnType<typeof testWorkflow>) {
  const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  return requestId;
}

describe("vms.list", () => {
  it("lists a VM once READY to its owner and the tenant's admins, not to other members", async () => {
    const w = testWorkflow();
    const ready = await approved(w);
    await provisionToReady(w, { requestId: ready, tenantId: t.tenantId, start });
    const pendingOnly = await approved(w);
    const mine = await callerFor(t.member, w).vms.list({});
    expect(mine.items.map((v) => [v.vmId, v.status, v.powerState])).toContainEqual([
      ready,
      "READY",
      "poweredOn",
    ]);
    expect(mine.items.map((v) => v.vmId)).not.toContain(pendingOnly);
    expect(mine.items.find((v) => v.vmId === ready)).toMatchObject({
      vmName: "web-api-01",
      ipAddress: "10.0.0.5",
      owner: { id: t.member.userId },
      spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
      // Gantry's default lease (the test tenant has no policy): 30 days from READY
      expiresAt: expect.any(String),
      lease: { phase: "active", destroyAt: null, pendingExtension: null },
      action: null,
    });
    expect((await callerFor(t.admin, w).vms.list({})).items.map((v) => v.vmId)).toContain(ready);
    expect((await callerFor(t.otherMember, w).vms.list({})).items.map((v) => v.vmId)).not.toContain(ready);
  });

  it("shows a member only their own VMs, as requests.get would (no one else's names, emails or IPs)", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId: theirs, version } = await callerFor(own.member, w).requests.create(
      requestInput(own.projectId),
    );
    await callerFor(own.admin, w).approvals.approve({ requestId: theirs, expectedVersion: version });
    await provisionToReady(w, { requestId: theirs, tenantId: own.tenantId, start });
    const mine = await callerFor(own.otherMember, w).requests.create(requestInput(own.projectId));
    await callerFor(own.admin, w).approvals.approve({
      requestId: mine.requestId,
      expectedVersion: mine.version,
    });
    await provisionToReady(w, { requestId: mine.requestId, tenantId: own.tenantId, start });

    const seen = await callerFor(own.otherMember, w).vms.list({});
    expect(seen.items.map((v) => v.requestId)).toEqual([mine.requestId]);
    expect(seen.total).toBe(1);
    await expect(callerFor(own.otherMember, w).requests.get({ requestId: theirs })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await callerFor(own.admin, w).vms.list({})).items.map((v) => v.requestId).sort()).toEqual(
      [theirs, mine.requestId].sort(),
    );
  });

  it("answers UNAUTHORIZED when signed out", async () => {
    expect(await codeOf(callerFor(null, testWorkflow()).vms.list({}))).toBe("UNAUTHORIZED");
  });
});

describe("audit.list", () => {
  it("shows who did what when, newest first, in pages", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId, version } = await callerFor(own.member, w).requests.create(
      requestInput(own.projectId, { name: "audit-01" }),
    );
    w.clock.advance(1000);
    await callerFor(own.admin, w).approvals.approve({ requestId, expectedVersion: version });

    const admin = callerFor(own.admin, w);
    const first = await admin.audit.list({ limit: 1 });
    expect(first.items).toEqual([
      expect.objectContaining({
        action: "REQUEST_APPROVED",
        actor: { id: own.admin.userId, kind: "user", name: own.admin.name, tokenId: null },
        requestId,
      }),
    ]);
    const second = await admin.audit.list({ limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items[0]).toMatchObject({
      action: "REQUEST_SUBMITTED",
      summary: expect.stringContaining("audit-01"),
      at: "2026-03-02T09:00:00.000Z",
    });
    expect(second.nextCursor).toBeNull();
  });

  it("leaves agent progress out of the audit view", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId, version } = await callerFor(own.member, w).requests.create(
      requestInput(own.projectId),
    );
    await callerFor(own.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await record(w, frame(requestId, stageAt("CLONING", start), { tenantId: own.tenantId }));
    const entries = await callerFor(own.admin, w).audit.list({});
    expect(entries.items.map((e) => e.action)).toEqual(["REQUEST_APPROVED", "REQUEST_SUBMITTED"]);
  });

  it("answers FORBIDDEN to a member", async () => {
    expect(await codeOf(callerFor(t.member, testWorkflow()).audit.list({}))).toBe("FORBIDDEN");
  });
});

describe("ETA from recent runs of the same template and size", () => {
  it("estimates the time left of a provisioning request from the tenant's completed runs", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const admin = callerFor(own.admin, w);
    const done = await member.requests.create(requestInput(own.projectId));
    await admin.approvals.approve({ requestId: done.requestId, expectedVersion: 1 });
    // 10 s per stage, 15 s waiting for the network (see provisionToReady)
    await provisionToReady(w, { requestId: done.requestId, tenantId: own.tenantId, start });

    const running = await member.requests.create(requestInput(own.projectId));
    await admin.approvals.approve({ requestId: running.requestId, expectedVersion: 1 });
    const stageStart = new Date(w.clock.now().getTime() - 4000);
    await record(w, frame(running.requestId, stageAt("CONFIGURING", stageStart), { tenantId: own.tenantId }));
    const detail = await member.requests.get({ requestId: running.requestId });
    // 6 s left of CONFIGURING, then 10 s powering on and 15 s waiting for the network
    expect(detail.etaMs).toBe(31_000);
    expect((await member.requests.get({ requestId: done.requestId })).etaMs).toBeNull();
  });

  it("learns only from runs of the same size, like the live progress view", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const admin = callerFor(own.admin, w);
    const large = await member.requests.create(requestInput(own.projectId, { size: "L" }));
    await admin.approvals.approve({ requestId: large.requestId, expectedVersion: 1 });
    await provisionToReady(w, { requestId: large.requestId, tenantId: own.tenantId, start });

    const medium = await member.requests.create(requestInput(own.projectId));
    await admin.approvals.approve({ requestId: medium.requestId, expectedVersion: 1 });
    await record(w, frame(medium.requestId, stageAt("CLONING", start), { tenantId: own.tenantId }));
    expect((await member.requests.get({ requestId: medium.requestId })).etaMs).toBeNull();
  });

  it("has no estimate before any run completed", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId, version } = await callerFor(own.member, w).requests.create(
      requestInput(own.projectId),
    );
    await callerFor(own.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await record(w, frame(requestId, stageAt("CLONING", start), { tenantId: own.tenantId }));
    expect((await callerFor(own.member, w).requests.get({ requestId })).etaMs).toBeNull();
  });
});

describe("catalog", () => {
  it("offers the tenant's four default sizes with M as the default", async () => {
    const sizes = await callerFor(t.member, testWorkflow()).catalog.sizes();
    expect(sizes).toEqual([
      { size: "S", label: "Small", cpu: 2, memoryGb: 4, diskGb: 50, isDefault: false },
      { size: "M", label: "Medium", cpu: 4, memoryGb: 8, diskGb: 100, isDefault: true },
      { size: "L", label: "Large", cpu: 8, memoryGb: 16, diskGb: 200, isDefault: false },
      { size: "XL", label: "Extra large", cpu: 16, memoryGb: 32, diskGb: 500, isDefault: false },
    ]);
  });

  it("offers the tenant's projects with their VM name prefix", async () => {
    expect(await callerFor(t.member, testWorkflow()).catalog.projects()).toEqual([
      { projectId: t.projectId, slug: "app", name: "App", vmPrefix: "app" },
    ]);
  });

  it("answers UNAUTHORIZED when signed out", async () => {
    expect(await codeOf(callerFor(null, testWorkflow()).catalog.projects())).toBe("UNAUTHORIZED");
  });
});
