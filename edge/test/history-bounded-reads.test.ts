import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { latestSessionIdentity } from "../src/auth/sessions.ts";
import { approveRequest } from "../src/commands/approve-request.ts";
import { rejectRequest } from "../src/commands/reject-request.ts";
import { submitRequest } from "../src/commands/submit-request.ts";
import { resolveRecipients } from "../src/notifications/recipients.ts";
import { readRequestFacts } from "../src/notifications/request-facts.ts";
import { pendingExtensions } from "../src/projections/lease-queries.ts";
import { pendingPastDeadline } from "../src/projections/request-approvals.ts";
import { listRequestsOf, pendingCount, pendingQueue } from "../src/projections/request-queries.ts";
import { listVms, pendingResizes } from "../src/projections/vm-queries.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

/**
 * The reads of hot paths (every page of an approver, every approval, every notification, the minute cron)
 * must not grow with a tenant's history: with HISTORY finished requests (their VMs READY or deleted, of
 * another person) each reads at most BOUND rows. Without statistics (D1 keeps none unless asked) SQLite
 * would read these through the primary key's tenant prefix, which is the whole history.
 */
const HISTORY = 1500;
const BOUND = 150;

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  const other = await createTestTenant(env.DB);
  const rows = Array.from({ length: HISTORY }, (_, i) => {
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    return env.DB.prepare(
      `INSERT INTO request_summary (tenant_id, request_id, version, status, requester_id, requester_name,
         requester_email, project_id, name, size, cpu, memory_gb, disk_gb, justification, network_path,
         created_at, updated_at, vm_id, vm_status, vm_ready_at)
       VALUES (?, ?, 4, 'READY', 'someone-else', 'Someone', 'someone@example.com', ?, ?, 'M', 2, 4, 40,
         'history', NULL, ?, ?, ?, ?, ?)`,
    ).bind(
      t.tenantId,
      `req_old_${t.tenantId}_${i}`,
      t.projectId,
      `old-${i}`,
      at,
      at,
      `req_old_${t.tenantId}_${i}`,
      i % 3 === 0 ? "DELETED" : "READY",
      at,
    );
  });
  // the names the READY ones still hold
  const names = Array.from({ length: HISTORY }, (_, i) => i)
    .filter((i) => i % 3 !== 0)
    .map((i) =>
      env.DB.prepare(
        "INSERT INTO vm_names (tenant_id, project_id, name, request_id) VALUES (?, ?, ?, ?)",
      ).bind(t.tenantId, t.projectId, `old-${i}`, `req_old_${t.tenantId}_${i}`),
    );
  // and the people of other tenants: a tenant's admins are found among its own
  const users = Array.from({ length: HISTORY }, (_, i) =>
    env.DB.prepare(
      "INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, 'Other', 'admin')",
    ).bind(`other-user-${t.tenantId}-${i}`, other.tenantId, `other-${t.tenantId}-${i}@example.com`),
  );
  const all = [...rows, ...names, ...users];
  for (let i = 0; i < all.length; i += 200) await env.DB.batch(all.slice(i, i + 200));
});

async function readsOf(work: (db: MeteredD1) => Promise<unknown>): Promise<number> {
  const db = new MeteredD1(env.DB);
  await work(db);
  return db.rowsRead;
}

describe("reads on hot paths, with a long history", () => {
  it("the approvers' badge and queues read the pending rows, not the history", async () => {
    const now = new Date();
    const paging = { page: 1, pageSize: 20 };
    const reads = {
      pendingCount: await readsOf((db) => pendingCount(db, t.tenantId)),
      pendingQueue: await readsOf((db) => pendingQueue(db, { ...paging, tenantId: t.tenantId, now })),
      pendingResizes: await readsOf((db) => pendingResizes(db, { ...paging, tenantId: t.tenantId, now })),
      pendingExtensions: await readsOf((db) =>
        pendingExtensions(db, { ...paging, tenantId: t.tenantId, now }),
      ),
      pastDeadline: await readsOf((db) => pendingPastDeadline(db, { now: now.toISOString(), limit: 50 })),
    };
    for (const [query, rows] of Object.entries(reads)) expect(rows, query).toBeLessThan(BOUND);
  });

  it("an approver of no project gets empty queues through the same indexes, not an error", async () => {
    const now = new Date();
    const scope = { page: 1, pageSize: 20, tenantId: t.tenantId, now, onlyProjects: [] };
    expect(await pendingCount(env.DB, t.tenantId, { onlyProjects: [] })).toBe(0);
    expect((await pendingQueue(env.DB, scope)).total).toBe(0);
    expect((await pendingResizes(env.DB, scope)).total).toBe(0);
    expect((await pendingExtensions(env.DB, scope)).total).toBe(0);
  });

  it("a member's own requests and VMs read their own rows", async () => {
    const paging = { page: 1, pageSize: 20 };
    const member = { tenantId: t.tenantId, requesterId: t.member.userId };
    const reads = {
      requests: await readsOf((db) => listRequestsOf(db, { ...paging, ...member })),
      readyRequests: await readsOf((db) => listRequestsOf(db, { ...paging, ...member, status: "READY" })),
      vms: await readsOf((db) => listVms(db, { ...paging, tenantId: t.tenantId, ownerId: t.member.userId })),
    };
    for (const [query, rows] of Object.entries(reads)) expect(rows, query).toBeLessThan(BOUND);
  });

  it("a notification reads its request by key and the tenant's own admins", async () => {
    const id = `req_old_${t.tenantId}_7`;
    let facts: Awaited<ReturnType<typeof readRequestFacts>> = null;
    expect(
      await readsOf(async (db) => (facts = await readRequestFacts(db, { tenantId: t.tenantId, id }))),
    ).toBeLessThan(BOUND);
    expect(facts).toMatchObject({ requestId: id, name: "old-7" });
    let admins: Awaited<ReturnType<typeof resolveRecipients>> = [];
    const reads = await readsOf(
      async (db) => (admins = await resolveRecipients(db, "admins", { tenantId: t.tenantId, request: null })),
    );
    expect(admins.map((a) => a.userId)).toContain(t.admin.userId);
    expect(admins.some((a) => a.userId.startsWith("other-user-"))).toBe(false);
    expect(reads).toBeLessThan(BOUND);
  });

  it("an approval without quotas and a rejection read a bounded number of rows", async () => {
    const w = testWorkflow();
    const submit = async (name: string) => {
      const submitted = await submitRequest(w.deps, {
        principal: t.member,
        submission: {
          idempotencyKey: crypto.randomUUID(),
          projectId: t.projectId,
          name,
          size: "M",
          justification: "x",
        },
      });
      if (!submitted.ok) throw new Error(submitted.error.code);
      return submitted.value.requestId;
    };
    const toApprove = await submit("bounded-01");
    const toReject = await submit("bounded-02");
    const approving = await readsOf(async (db) => {
      const approved = await approveRequest(testWorkflow({ db }).deps, {
        principal: t.admin,
        requestId: toApprove,
        expectedVersion: 1,
      });
      expect(approved.ok).toBe(true);
    });
    const rejecting = await readsOf(async (db) => {
      const rejected = await rejectRequest(testWorkflow({ db }).deps, {
        principal: t.admin,
        requestId: toReject,
        expectedVersion: 1,
        reason: "not now",
      });
      expect(rejected.ok).toBe(true);
    });
    expect(approving, "approving").toBeLessThan(BOUND);
    expect(rejecting, "rejecting").toBeLessThan(BOUND);
    // the rejected request's name is free again
    expect(await submit("bounded-02")).not.toBe(toReject);
  });
});

describe("an OIDC person's API token", () => {
  it("acts with the role of the person's newest session, read among their own sessions", async () => {
    const person = `oidc-${crypto.randomUUID()}`;
    const session = (id: string, userId: string, role: string, createdAt: number, endedAt: number | null) =>
      env.DB.prepare(
        `INSERT INTO sessions (id_hash, tenant_id, user_id, email, name, role, source, created_at, expires_at, ended_at)
         VALUES (?, ?, ?, 'p@example.com', 'P', ?, 'oidc', ?, ?, ?)`,
      ).bind(id, t.tenantId, userId, role, createdAt, createdAt + 3_600_000, endedAt);
    const now = Date.now();
    const others = Array.from({ length: HISTORY }, (_, i) =>
      session(`h-${person}-${i}`, `someone-${i}`, "member", now - i, null),
    );
    for (let i = 0; i < others.length; i += 200) await env.DB.batch(others.slice(i, i + 200));
    // an older live session as admin on one device, then a newer one, since ended, as a member: the IdP
    // took admin away, and the token must not keep it through the older session
    await env.DB.batch([
      session(`a-${person}`, person, "admin", now - 60_000, null),
      session(`b-${person}`, person, "member", now - 1_000, now),
    ]);
    let identity: Awaited<ReturnType<typeof latestSessionIdentity>> = null;
    const reads = await readsOf(
      async (db) => (identity = await latestSessionIdentity(db, { tenantId: t.tenantId, userId: person })),
    );
    expect(identity).toMatchObject({ role: "member" });
    expect(reads).toBeLessThan(BOUND);
  });
});
