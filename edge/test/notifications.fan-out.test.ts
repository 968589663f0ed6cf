import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { notifierDeps } from "../src/deps.ts";
import { readAll, readAllOf } from "../src/event-store/read-all.ts";
import { deliveryId, readDelivery } from "../src/notifications/deliveries.ts";
import type { DeliveryQueue } from "../src/notifications/delivery-queue.ts";
import { NOTIFYING_TYPES, notifiesOfAny } from "../src/notifications/notification-rules.ts";
import { NOTIFIER, newNotifierProgress, runNotifier } from "../src/notifications/notifier.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { failure, frame, provisionToReady, record, stageAt } from "./support/job-updates.ts";
import { logHead, notifierFromHead } from "./support/notifier-position.ts";
import { RecordingQueue } from "./support/recording-queue.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  other = await createTestTenant(env.DB);
  await notifierFromHead(env.DB);
});

/** What the file's notifier runs put on the (real) queue: deliveries have no row until claimed. */
const queue = new RecordingQueue(env.NOTIFICATIONS as DeliveryQueue);
const notify = () => runNotifier({ ...notifierDeps(env), queue });

interface Row {
  recipient_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
}

/** Every inbox row of a tenant about one request (its events' ids are the source keys). */
async function inboxOf(tenantId: string, kind?: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT recipient_id, kind, title, body, link FROM notifications WHERE tenant_id = ? ${kind ? "AND kind = ?" : ""}
     ORDER BY recipient_id, created_at`,
  )
    .bind(...(kind ? [tenantId, kind] : [tenantId]))
    .all<Row>();
  return results;
}

/** The e-mails of a kind the notifier enqueued for a tenant, optionally about one link. */
const emailsOf = (tenantId: string, kind: string, link?: string) =>
  queue.deliveries.filter(
    (d) =>
      d.tenantId === tenantId &&
      d.kind === kind &&
      d.channel === "email" &&
      (link === undefined || d.content.link === link),
  );

async function submitted(w: TestWorkflow, name: string) {
  return callerFor(t.member, w).requests.create(requestInput(t.projectId, { name }));
}

describe("who is notified of what (the notifier reading the log)", () => {
  it("tells the project's approvers (the tenant's admins) that a request waits, by inbox and e-mail", async () => {
    const w = testWorkflow();
    const { requestId } = await submitted(w, "pend-01");
    await notify();
    const rows = (await inboxOf(t.tenantId, "request.pending")).filter(
      (r) => r.link === `/requests/${requestId}`,
    );
    expect(rows.map((r) => r.recipient_id)).toEqual([t.otherAdmin.userId, t.admin.userId].sort());
    expect(rows[0]?.title).toBe('Request "pend-01" waits for approval');
    expect(emailsOf(t.tenantId, "request.pending").map((e) => e.target)).toEqual(
      expect.arrayContaining([t.admin.email, t.otherAdmin.email]),
    );
    expect(await inboxOf(other.tenantId)).toEqual([]);
  });

  it("tells the requester the decision, never the admin who decided: a rejection with its reason by e-mail too, an approval in the inbox only", async () => {
    const w = testWorkflow();
    const rejected = await submitted(w, "rej-01");
    await callerFor(t.admin, w).approvals.reject({
      requestId: rejected.requestId,
      expectedVersion: rejected.version,
      reason: "no budget left",
    });
    const approved = await submitted(w, "appr-01");
    await callerFor(t.admin, w).approvals.approve({
      requestId: approved.requestId,
      expectedVersion: approved.version,
    });
    await notify();
    // the requester's inbox rows about a request, and the one row each decision must have left there
    const about = (kind: string, requestId: string) =>
      inboxOf(t.tenantId, kind).then((rows) => rows.filter((r) => r.link === `/requests/${requestId}`));
    const toRequester = (kind: string, requestId: string, title: string, body: string) => [
      { recipient_id: t.member.userId, kind, title, body, link: `/requests/${requestId}` },
    ];
    expect(await about("request.rejected", rejected.requestId)).toEqual(
      toRequester(
        "request.rejected",
        rejected.requestId,
        'Request "rej-01" was rejected',
        "Reason: no budget left",
      ),
    );
    expect(await about("request.approved", approved.requestId)).toEqual(
      toRequester(
        "request.approved",
        approved.requestId,
        'Request "appr-01" was approved',
        "It is being provisioned now; you will hear when it is ready.",
      ),
    );
    // by default the requester's e-mail is the outcome: the rejection now, READY or FAILED after an approval
    expect(emailsOf(t.tenantId, "request.rejected").map((e) => e.target)).toContain(t.member.email);
    expect(emailsOf(t.tenantId, "request.approved")).toEqual([]);
  });

  it("tells the requester READY with the VM's name and address, and FAILED with the plain reason", async () => {
    const w = testWorkflow();
    const ready = await submitted(w, "ready-01");
    await callerFor(t.admin, w).approvals.approve({
      requestId: ready.requestId,
      expectedVersion: ready.version,
    });
    await provisionToReady(w, { requestId: ready.requestId, tenantId: t.tenantId, start: w.clock.now() });
    const failed = await submitted(w, "fail-01");
    await callerFor(t.admin, w).approvals.approve({
      requestId: failed.requestId,
      expectedVersion: failed.version,
    });
    const at = w.clock.now();
    await record(w, frame(failed.requestId, stageAt("CLONING", at), { tenantId: t.tenantId }));
    await record(
      w,
      frame(
        failed.requestId,
        {
          kind: "failed",
          failure: { ...failure, userMessage: "The datacenter is out of capacity.", cleanupFailed: true },
          at: at.toISOString(),
        },
        { tenantId: t.tenantId },
      ),
    );
    await notify();

    const readyRows = (await inboxOf(t.tenantId, "vm.ready")).filter(
      (r) => r.link === `/vms/${ready.requestId}`,
    );
    expect(readyRows).toHaveLength(1);
    expect(readyRows[0]).toMatchObject({ recipient_id: t.member.userId, title: "VM web-api-01 is ready" });
    expect(readyRows[0]?.body).toContain("10.0.0.5");
    const failedRows = (await inboxOf(t.tenantId, "vm.failed")).filter(
      (r) => r.link === `/requests/${failed.requestId}`,
    );
    expect(failedRows).toEqual([
      expect.objectContaining({ recipient_id: t.member.userId, body: "The datacenter is out of capacity." }),
    ]);
    // the leftover of the failed cleanup goes to both admins, not to the requester
    const leftovers = (await inboxOf(t.tenantId, "vm.leftover")).filter((r) => r.title.includes("fail-01"));
    expect(leftovers.map((r) => r.recipient_id)).toEqual([t.otherAdmin.userId, t.admin.userId].sort());
    // a full cluster is the requester's to work around (a smaller size): no admin alert for it
    expect((await inboxOf(t.tenantId, "job.failed")).filter((r) => r.title.includes("fail-01"))).toEqual([]);
  });

  it("tells the admins of a job stopped past its deadline: the requester was told they know", async () => {
    const w = testWorkflow();
    const stuck = await submitted(w, "stuck-01");
    await callerFor(t.admin, w).approvals.approve({
      requestId: stuck.requestId,
      expectedVersion: stuck.version,
    });
    const at = w.clock.now();
    await record(w, frame(stuck.requestId, stageAt("CLONING", at), { tenantId: t.tenantId }));
    await record(
      w,
      frame(
        stuck.requestId,
        {
          kind: "failed",
          failure: {
            ...failure,
            code: "TIMED_OUT",
            userMessage: "Provisioning took longer than this site allows.",
          },
          at: at.toISOString(),
        },
        { tenantId: t.tenantId },
      ),
    );
    await notify();
    const alerts = (await inboxOf(t.tenantId, "job.failed")).filter(
      (r) => r.link === `/requests/${stuck.requestId}`,
    );
    expect(alerts.map((r) => r.recipient_id)).toEqual([t.otherAdmin.userId, t.admin.userId].sort());
    expect(alerts[0]?.title).toBe('Provisioning of "stuck-01" failed: TIMED_OUT');
    // the requester's own notice is the plain one
    const told = (await inboxOf(t.tenantId, "vm.failed")).filter(
      (r) => r.link === `/requests/${stuck.requestId}`,
    );
    expect(told.map((r) => r.recipient_id)).toEqual([t.member.userId]);
  });

  it("sends e-mail only to those who want the kind by e-mail; the inbox always gets it", async () => {
    const w = testWorkflow();
    await callerFor(t.otherAdmin, w).notifications.setPreference({
      kind: "request.pending",
      channel: "email",
      enabled: false,
    });
    const { requestId } = await submitted(w, "pref-01");
    await notify();
    const rows = (await inboxOf(t.tenantId, "request.pending")).filter(
      (r) => r.link === `/requests/${requestId}`,
    );
    expect(rows.map((r) => r.recipient_id).sort()).toEqual([t.admin.userId, t.otherAdmin.userId].sort());
    expect(emailsOf(t.tenantId, "request.pending", `/requests/${requestId}`).map((e) => e.target)).toEqual([
      t.admin.email,
    ]);
  });

  it("writes and sends nothing twice when the same events are read again (an isolate that died before its checkpoint)", async () => {
    const w = testWorkflow();
    // the log's head before this test's events: a run that died before its checkpoint left it there
    const head = await logHead(env.DB);
    const { requestId } = await submitted(w, "again-01");
    await notify();
    const emails = emailsOf(t.tenantId, "request.pending", `/requests/${requestId}`);
    expect(emails.length).toBeGreaterThan(0);
    // the consumer claims and sends them through the real queue
    for (const email of emails)
      await expect
        .poll(async () => (await readDelivery(env.DB, deliveryId(email)))?.status, { timeout: 20_000 })
        .toBe("sent");
    // this file's tenants' rows (other files' tenants may share the log, and their own runs)
    const count = async () =>
      (
        await env.DB.prepare(
          `SELECT (SELECT count(*) FROM notifications WHERE tenant_id IN (?1, ?2))
                + (SELECT count(*) FROM notification_deliveries WHERE tenant_id IN (?1, ?2)) AS n`,
        )
          .bind(t.tenantId, other.tenantId)
          .first<{ n: number }>()
      )?.n;
    const before = await count();
    await env.DB.prepare("UPDATE notifier_checkpoint SET position = ? WHERE name = ?")
      .bind(head, NOTIFIER)
      .run();
    // a new isolate: it knows nothing of what this one handled, only the stored checkpoint
    const again = new RecordingQueue();
    const rerun = await runNotifier({ ...notifierDeps(env), queue: again, progress: newNotifierProgress() });
    expect(rerun.read).toBeGreaterThan(0);
    expect(await count()).toBe(before);
    // the e-mails were claimed (sent): not enqueued again
    expect(again.deliveries.filter((d) => d.tenantId === t.tenantId)).toEqual([]);
  });

  it("skips an agent's stage frame: no rule knows it, so its commit wakes no notifier, and a run reads past it without it", async () => {
    const w = testWorkflow();
    // this tenant's events between two heads (other files may write beside them)
    const mineBetween = async (after: number, upTo: number) =>
      (await readAll(env.DB, { after, limit: 1000 })).events.filter(
        (e) => e.metadata.tenantId === t.tenantId && e.position <= upTo,
      );
    const start = await logHead(env.DB);
    const r = await submitted(w, "frame-01");
    await callerFor(t.admin, w).approvals.approve({ requestId: r.requestId, expectedVersion: r.version });
    const before = await logHead(env.DB);
    expect(notifiesOfAny(await mineBetween(start, before))).toBe(true);
    await record(w, frame(r.requestId, stageAt("CLONING", w.clock.now()), { tenantId: t.tenantId }));
    await record(w, frame(r.requestId, stageAt("CONFIGURING", w.clock.now()), { tenantId: t.tenantId }));
    const head = await logHead(env.DB);
    const mine = await mineBetween(before, head);
    // the first stage's commit (a later stage writes no event: the hub holds it for the outcome)
    expect(mine.map((e) => e.event.type)).toContain("VmProvisioningStarted");
    expect(notifiesOfAny(mine)).toBe(false);
    const page = await readAllOf(env.DB, { after: before, limit: 100, types: NOTIFYING_TYPES });
    expect(page.events.filter((e) => e.metadata.tenantId === t.tenantId)).toEqual([]);
    expect(page.lastPosition).toBeGreaterThanOrEqual(head);
    expect((await notify()).position).toBeGreaterThanOrEqual(head);
  });

  it("delivers the e-mails through the real queue and Email binding (each one sent once)", async () => {
    const w = testWorkflow();
    const { requestId } = await submitted(w, "mail-01");
    await notify();
    const ids = emailsOf(t.tenantId, "request.pending", `/requests/${requestId}`).map(deliveryId);
    expect(ids.length).toBeGreaterThan(0);
    const rows = () => Promise.all(ids.map((id) => readDelivery(env.DB, id)));
    await expect
      .poll(async () => (await rows()).map((r) => r?.status), { timeout: 20_000 })
      .toSatisfy((statuses: unknown[]) => statuses.every((s) => s === "sent"));
    expect((await rows()).map((r) => r?.attempts)).toEqual(ids.map(() => 1));
  });
});

describe("who hears of a project's requests and of a VM's lease", () => {
  it("tells only the people named approvers of the project, when it names any", async () => {
    const a = await createTestTenant(env.DB);
    const w = testWorkflow();
    await callerFor(a.admin, w).settings.setApprover({
      projectId: a.projectId,
      userId: a.otherMember.userId,
      approver: true,
    });
    const { requestId } = await callerFor(a.member, w).requests.create(
      requestInput(a.projectId, { name: "appr-01" }),
    );
    await notify();
    const rows = (await inboxOf(a.tenantId, "request.pending")).filter(
      (r) => r.link === `/requests/${requestId}`,
    );
    expect(rows.map((r) => r.recipient_id)).toEqual([a.otherMember.userId]);
  });
});
