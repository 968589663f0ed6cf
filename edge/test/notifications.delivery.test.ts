import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { notifierDeps } from "../src/deps.ts";
import {
  type DeliveryDeps,
  deadLetters,
  deliverBatch,
  retryDelaySeconds,
} from "../src/notifications/deliver.ts";
import {
  type DeliveryRow,
  deliveryId,
  insertDelivery,
  listDeliveries,
  readDelivery,
  strandedDeliveries,
} from "../src/notifications/deliveries.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
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

/** A queued e-mail delivery of the test tenant, made at `createdAt` (now by default). */
async function queuedEmail(createdAt = new Date().toISOString()): Promise<string> {
  const delivery = {
    tenantId: t.tenantId,
    channel: "email",
    target: t.member.email,
    kind: "vm.ready",
    sourceKey: `test-delivery-${crypto.randomUUID()}`,
    content: {
      title: "VM web-01 is ready",
      body: "at 10.0.0.5",
      link: "/vms/x",
      occurredAt: createdAt,
    },
    createdAt,
  } as const;
  await insertDelivery(env.DB, delivery).run();
  return deliveryId(delivery);
}

/**
 * Consumer deps whose channels record what they were asked to send: the queue, the claim and the
 * delivery table are real; only the last hop (the mail server, the receiver) is a recording double.
 */
function recordingDeps(options: { fail?: string } = {}) {
  const sent: DeliveryRow[] = [];
  const send = async (row: DeliveryRow) => {
    if (options.fail) throw new Error(options.fail);
    sent.push(row);
  };
  const deps: DeliveryDeps = {
    db: env.DB,
    clock: () => new Date(),
    send: { email: send, webhook: send },
    retryBaseSeconds: 30,
  };
  return { deps, sent };
}

const message = (deliveryId: string, attempts = 1) => ({
  id: crypto.randomUUID(),
  timestamp: new Date(),
  attempts,
  body: { deliveryId },
});

async function consume(deps: DeliveryDeps, messages: ReturnType<typeof message>[]) {
  const batch = createMessageBatch("gantry-notifications", messages);
  const ctx = createExecutionContext();
  await deliverBatch(batch, deps);
  return getQueueResult(batch, ctx);
}

describe("the delivery consumer", () => {
  it("sends a delivery once however often its message is redelivered, in one batch or later", async () => {
    const id = await queuedEmail();
    const { deps, sent } = recordingDeps();
    const first = await consume(deps, [message(id), message(id)]);
    await consume(deps, [message(id, 2)]);
    await Promise.all([consume(deps, [message(id, 3)]), consume(deps, [message(id, 3)])]);
    expect(sent.map((r) => r.id)).toEqual([id]);
    expect(first.explicitAcks).toHaveLength(2);
    expect(await readDelivery(env.DB, id)).toMatchObject({ status: "sent", attempts: 1, last_error: null });
  });

  it("two consumers racing on one delivery send it once", async () => {
    const id = await queuedEmail();
    const { deps, sent } = recordingDeps();
    await Promise.all(Array.from({ length: 5 }, () => consume(deps, [message(id)])));
    expect(sent).toHaveLength(1);
  });

  it("retries a failed send with exponential backoff, keeping the reason in the delivery log", async () => {
    const id = await queuedEmail();
    const { deps } = recordingDeps({ fail: "the receiver answered 503" });
    const first = await consume(deps, [message(id, 1)]);
    const third = await consume(deps, [message(id, 3)]);
    expect(first.retryMessages).toHaveLength(1);
    expect(third.retryMessages).toHaveLength(1);
    // the helper does not report the delay asked for: the schedule itself
    expect([1, 2, 3, 10].map((attempts) => retryDelaySeconds(attempts, 30))).toEqual([30, 60, 120, 900]);
    expect(await readDelivery(env.DB, id)).toMatchObject({
      status: "failed",
      attempts: 2,
      last_error: "the receiver answered 503",
    });
  });

  it("drops a message that names no delivery without failing the batch", async () => {
    const { deps } = recordingDeps();
    const result = await consume(deps, [{ ...message("x"), body: { nope: 1 } as never }]);
    expect(result.explicitAcks).toHaveLength(1);
  });

  it("marks a dead-lettered delivery dead; an admin of its tenant retries it and it is sent", async () => {
    const id = await queuedEmail();
    await consume(recordingDeps({ fail: "mail server refused" }).deps, [message(id)]);
    const batch = createMessageBatch("gantry-notifications-dlq", [message(id, 6)]);
    await deadLetters(batch, { db: env.DB, clock: () => new Date() });
    expect(await readDelivery(env.DB, id)).toMatchObject({
      status: "dead",
      last_error: "mail server refused",
    });

    const w = testWorkflow();
    expect(await codeOf(callerFor(other.admin, w).notifications.retryDelivery({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(t.member, w).notifications.retryDelivery({ id }))).toBe("FORBIDDEN");
    const log = await callerFor(t.admin, w).notifications.deliveries({ status: "dead" });
    expect(log.find((d) => d.id === id)).toMatchObject({ status: "dead", lastError: "mail server refused" });
    await callerFor(t.admin, w).notifications.retryDelivery({ id });
    // through the real queue and the Email binding this time
    await expect.poll(async () => (await readDelivery(env.DB, id))?.status, { timeout: 20_000 }).toBe("sent");
  });
});

describe("an admin's retry of a stuck delivery", () => {
  it("sends a delivery queued for over an hour again, and refuses one that may still be on its way", async () => {
    // the test workflow's clock reads 2026-03-02T09:00Z
    const stuck = await queuedEmail("2026-03-02T07:30:00.000Z");
    const fresh = await queuedEmail("2026-03-02T08:50:00.000Z");
    const admin = callerFor(t.admin, testWorkflow());
    expect(await codeOf(admin.notifications.retryDelivery({ id: fresh }))).toBe("NOT_FOUND");
    expect(await admin.notifications.retryDelivery({ id: stuck })).toEqual({ requeued: true });
    await expect
      .poll(async () => (await readDelivery(env.DB, stuck))?.status, { timeout: 20_000 })
      .toBe("sent");
  });
});

describe("a delivery's rows", () => {
  it("costs one written row when made (its id is the tenant's log order: no index), none when made again", async () => {
    const db = new MeteredD1(env.DB);
    const delivery = {
      tenantId: t.tenantId,
      channel: "webhook",
      target: "hook-1",
      kind: "vm.ready",
      sourceKey: `rows-${crypto.randomUUID()}`,
      content: { title: "VM web-01 is ready", body: "", link: null, occurredAt: "2026-03-02T09:00:00.000Z" },
      createdAt: "2026-03-02T09:00:00.000Z",
    } as const;
    await db.batch([insertDelivery(db, delivery)]);
    await db.batch([insertDelivery(db, delivery)]);
    expect(db.rowsWritten).toBe(1);
    expect(deliveryId(delivery).startsWith(`${t.tenantId}|2026-03-02T09:00:00.000Z|`)).toBe(true);
    // the log lists it for its tenant only
    const ids = async (tenantId: string) =>
      (await listDeliveries(env.DB, { tenantId, limit: 500 })).map((d) => d.id);
    expect(await ids(t.tenantId)).toContain(deliveryId(delivery));
    expect(await ids(other.tenantId)).not.toContain(deliveryId(delivery));
  });
});

describe("the minute sweep's search for deliveries whose queue message was lost", () => {
  it("finds one queued for over a minute, and reads only the last day's deliveries to find it", async () => {
    // ten days ahead, so every other test's deliveries are old too
    const now = Date.now() + 10 * 86_400_000;
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const old = await Promise.all(Array.from({ length: 120 }, () => queuedEmail(at(3 * 86_400_000))));
    const lost = await queuedEmail(at(5 * 60_000));
    const justQueued = await queuedEmail(at(10_000));
    const db = new MeteredD1(env.DB);
    const found = await strandedDeliveries(db, {
      since: at(86_400_000),
      before: at(60_000),
      now,
      limit: 500,
    });
    expect(found).toEqual([lost]);
    expect(found).not.toContain(justQueued);
    expect(found.some((id) => old.includes(id))).toBe(false);
    // the old rows are not even read: the tenant's log index bounds the search to the window
    expect(db.rowsRead).toBeGreaterThan(0);
    expect(db.rowsRead).toBeLessThan(old.length / 4);
  });
});

describe("dead-lettering through the real queue", () => {
  it("retries a webhook whose receiver cannot be reached, then dead-letters it, while e-mails of the same event go out", async () => {
    const w = testWorkflow();
    // port 9 (discard) is closed on this machine: every attempt fails at once
    const hook = await callerFor(t.admin, w).notifications.createWebhook({
      url: "http://127.0.0.1:9/hook",
      format: "generic",
    });
    const { requestId } = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { name: "dlq-01" }),
    );
    await runNotifier(notifierDeps(env));
    const { results } = await env.DB.prepare(
      `SELECT id, channel FROM notification_deliveries WHERE tenant_id = ? AND source_key IN
         (SELECT source_key FROM notifications WHERE link = ?)`,
    )
      .bind(t.tenantId, `/requests/${requestId}`)
      .all<{ id: string; channel: string }>();
    const webhook = results.find((r) => r.channel === "webhook");
    expect(webhook).toBeDefined();
    await expect
      .poll(async () => (await readDelivery(env.DB, webhook?.id ?? ""))?.status, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe("dead");
    const dead = await readDelivery(env.DB, webhook?.id ?? "");
    // the first attempt and wrangler.toml's max_retries (5) more
    expect(dead?.attempts).toBe(6);
    expect(dead?.last_error).toContain("could not reach the receiver");
    for (const email of results.filter((r) => r.channel === "email")) {
      await expect
        .poll(async () => (await readDelivery(env.DB, email.id))?.status, { timeout: 20_000 })
        .toBe("sent");
    }
    await callerFor(t.admin, w).notifications.deleteWebhook({ id: hook.id });
  }, 90_000);
});
