import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { notifierDeps } from "../src/deps.ts";
import { notifyOfflineAgents } from "../src/notifications/notification-sweep.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { watchFromNow } from "./feed-fixtures.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  other = await createTestTenant(env.DB);
});

const notify = () => runNotifier(notifierDeps(env));

describe("the inbox", () => {
  it("pushes a frame to the recipient's open pages only, and the bell's count follows mark read / all read", async () => {
    const w = testWorkflow();
    const admin = await watchFromNow(t.admin);
    const member = await watchFromNow(t.member);
    const { requestId, version } = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { name: "bell-01" }),
    );
    await notify();
    // the admin's stream: the request change (admins see all), then their inbox frame
    for (;;) {
      const { frame } = await admin.reader.next({ inbox: true });
      if (frame.type !== "inbox") continue;
      expect(frame.inbox.recipientId).toBe(t.admin.userId);
      break;
    }
    const admins = callerFor(t.admin, w).notifications;
    const inbox = await admins.inbox({});
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({
      kind: "request.pending",
      link: `/requests/${requestId}`,
      readAt: null,
    });

    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await notify();
    // the member's own stream: its request's change(s), then their inbox frame — never the admin's
    for (;;) {
      const { frame } = await member.reader.next({ inbox: true });
      expect(frame.type === "inbox" ? frame.inbox.recipientId : t.member.userId).toBe(t.member.userId);
      if (frame.type === "inbox") break;
    }
    const members = callerFor(t.member, w).notifications;
    expect((await members.unreadCount({})).unread).toBe(1);

    // marking someone else's notification read changes nothing; one's own does
    expect((await members.markRead({ ids: [inbox.items[0]?.id ?? ""] })).marked).toBe(0);
    expect((await admins.markRead({ ids: [inbox.items[0]?.id ?? ""] })).marked).toBe(1);
    expect((await admins.unreadCount({})).unread).toBe(0);
    expect((await members.markAllRead({})).marked).toBe(1);
    expect((await members.inbox({ unreadOnly: true })).items).toEqual([]);
    expect((await callerFor(other.admin, w).notifications.inbox({})).items).toEqual([]);
    await admin.reader.cancel();
    await member.reader.cancel();
  });

  it("tells the tenant's admins once when an agent has been offline longer than allowed, within a day of it", async () => {
    const now = Date.parse("2026-03-02T12:00:00.000Z");
    const agentId = `agent-${crypto.randomUUID()}`;
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO agent_enrollment_tokens (id, tenant_id, site_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(`tok-${agentId}`, t.tenantId, t.siteId, `hash-tok-${agentId}`, t.admin.userId, now, now + 1),
      env.DB.prepare(
        "INSERT INTO agents (id, tenant_id, site_id, name, credential_hash, enrolled_with, created_at, connected, last_seen_at) VALUES (?, ?, ?, 'lab-agent', ?, ?, ?, 0, ?)",
      ).bind(agentId, t.tenantId, t.siteId, `hash-${agentId}`, `tok-${agentId}`, now, now - 11 * 60_000),
      // one gone quiet two days ago and left unrevoked: its admins were told back then (the sweep's
      // window), and the minute sweep does not look at it again
      env.DB.prepare(
        "INSERT INTO agent_enrollment_tokens (id, tenant_id, site_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(
        `tok-old-${agentId}`,
        t.tenantId,
        t.siteId,
        `hash-tok-old-${agentId}`,
        t.admin.userId,
        now,
        now + 1,
      ),
      env.DB.prepare(
        "INSERT INTO agents (id, tenant_id, site_id, name, credential_hash, enrolled_with, created_at, connected, last_seen_at) VALUES (?, ?, ?, 'old-agent', ?, ?, ?, 0, ?)",
      ).bind(
        `old-${agentId}`,
        t.tenantId,
        t.siteId,
        `hash-old-${agentId}`,
        `tok-old-${agentId}`,
        now,
        now - 2 * 86_400_000,
      ),
    ]);
    const deps = notifierDeps(env);
    await notifyOfflineAgents(deps, { now, agentOfflineMs: 10 * 60_000 });
    await notifyOfflineAgents(deps, { now: now + 60_000, agentOfflineMs: 10 * 60_000 });
    const { results } = await env.DB.prepare(
      "SELECT recipient_id, title FROM notifications WHERE tenant_id = ? AND kind = 'agent.offline' ORDER BY recipient_id",
    )
      .bind(t.tenantId)
      .all<{ recipient_id: string; title: string }>();
    expect(results).toEqual(
      [t.admin.userId, t.otherAdmin.userId]
        .sort()
        .map((id) => ({ recipient_id: id, title: "Agent lab-agent is offline" })),
    );
  });
});
