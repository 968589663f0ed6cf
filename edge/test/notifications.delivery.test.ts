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
  deliveryId,
  listDeliveries,
  type NewDelivery,
  readDelivery,
  strandedDeliveries,
} from "../src/notifications/deliveries.ts";
import type { DeliveryMessage, DeliveryQueue } from "../src/notifications/delivery-queue.ts";
import { sweepNotifications } from "../src/notifications/notification-sweep.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { insertQueuedDelivery } from "./support/legacy-deliveries.ts";
import { RecordingQueue } from "./support/recording-queue.ts";
import { recordingDeliveryDeps } from "./support/recording-senders.ts";
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

/** A new e-mail delivery of the test tenant made at `createdAt` (now by default), as the notifier enqueues it. */
const newEmail = (createdAt = new Date().toISOString()): NewDelivery => ({
  tenantId: t.tenantId,
  channel: "email",
  target: t.member.email,
  kind: "vm.ready",
  sourceKey: `test-delivery-${crypto.randomUUID()}`,
  content: { title: "VM web-01 is ready", body: "at 10.0.0.5", link: "/vms/x", occurredAt: createdAt },
  createdAt,
});

/** A `queued` e-mail row as the notifier wrote it before migration 0051 (see legacy-deliveries.ts). */
async function queuedEmail(createdAt = new Date().toISOString()): Promise<string> {
  const delivery = newEmail(createdAt);
  await insertQueuedDelivery(env.DB, delivery).run();
  return deliveryId(delivery);
}

const message = (body: DeliveryMessage, attempts = 1) => ({
  id: crypto.randomUUID(),
  timestamp: new Date(),
  attempts,
  body,
});

async function consume(deps: DeliveryDeps, messages: ReturnType<typeof message>[]) {
  const batch = createMessageBatch("gantry-notifications", messages);
  const ctx = createExecutionContext();
  await deliverBatch(batch, deps);
  return getQueueResult(batch, ctx);
}

describe("the delivery consumer", () => {
  it("writes a new delivery's row when it first claims it, and sends it once however often its message is redelivered", async () => {
    const delivery = newEmail();
    const id = deliveryId(delivery);
    const { deps, sent } = recordingDeliveryDeps();
    const first = await consume(deps, [message({ delivery }), message({ delivery })]);
    await consume(deps, [message({ delivery }, 2)]);
    await Promise.all([consume(deps, [message({ delivery }, 3)]), consume(deps, [message({ delivery }, 3)])]);
    expect(sent.map((r) => r.id)).toEqual([id]);
    expect(first.explicitAcks).toHaveLength(2);
    expect(await readDelivery(env.DB, id)).toMatchObject({
      status: "sent",
      attempts: 1,
      last_error: null,
      target: t.member.email,
      created_at: delivery.createdAt,
    });
    // what was sent is what the message carried, kept in the row
    expect(JSON.parse(sent[0]?.content ?? "{}")).toEqual(delivery.content);
  });

  it("two consumers racing on one new delivery write one row and send it once", async () => {
    const delivery = newEmail();
    const { deps, sent } = recordingDeliveryDeps();
    await Promise.all(Array.from({ length: 5 }, () => consume(deps, [message({ delivery })])));
    expect(sent).toHaveLength(1);
    expect(await readDelivery(env.DB, deliveryId(delivery))).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries a failed send with exponential backoff, keeping the reason in the delivery log", async () => {
    const delivery = newEmail();
    const id = deliveryId(delivery);
    const { deps } = recordingDeliveryDeps({ fail: "the receiver answered 503" });
    const first = await consume(deps, [message({ delivery }, 1)]);
    expect(await readDelivery(env.DB, id)).toMatchObject({ status: "failed", attempts: 1 });
    const third = await consume(deps, [message({ delivery }, 3)]);
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

  it("drops a message that is no delivery, or one the table would refuse, without failing the batch", async () => {
    const { deps, sent } = recordingDeliveryDeps();
    const tooLong = { ...newEmail(), target: "x".repeat(321) };
    const result = await consume(deps, [
      { ...message({ deliveryId: "x" }), body: { nope: 1 } as never },
      message({ delivery: tooLong }),
    ]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(sent).toEqual([]);
    expect(await readDelivery(env.DB, deliveryId(tooLong))).toBeNull();
  });

  it("marks a dead-lettered delivery dead; an admin of its tenant retries it and it is sent", async () => {
    const delivery = newEmail();
    const id = deliveryId(delivery);
    await consume(recordingDeliveryDeps({ fail: "mail server refused" }).deps, [message({ delivery })]);
    const batch = createMessageBatch("gantry-notifications-dlq", [message({ delivery }, 6)]);
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

  it("gives a dead-lettered delivery that was never claimed its row, dead, so the log shows it and an admin may send it", async () => {
    const delivery = newEmail();
    const id = deliveryId(delivery);
    const batch = createMessageBatch("gantry-notifications-dlq", [message({ delivery }, 6)]);
    await deadLetters(batch, { db: env.DB, clock: () => new Date() });
    expect(await readDelivery(env.DB, id)).toMatchObject({ status: "dead", attempts: 0 });
    const admin = callerFor(t.admin, testWorkflow());
    expect((await admin.notifications.deliveries({ status: "dead" })).map((d) => d.id)).toContain(id);
    await admin.notifications.retryDelivery({ id });
    await expect.poll(async () => (await readDelivery(env.DB, id))?.status, { timeout: 20_000 }).toBe("sent");
  });
});

describe("rows the notifier wrote before migration 0051 (`queued`, written at fan-out)", () => {
  it("are claimed and sent by their old messages, which name their ids", async () => {
    const id = await queuedEmail();
    const { deps, sent } = recordingDeliveryDeps();
    await consume(deps, [message({ deliveryId: id }), message({ deliveryId: id })]);
    expect(sent.map((r) => r.id)).toEqual([id]);
    expect(await readDelivery(env.DB, id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("are put on the queue again by the minute sweep when their message was lost, and sent", async () => {
    const id = await queuedEmail(new Date(Date.now() - 5 * 60_000).toISOString());
    await sweepNotifications(notifierDeps(env), { now: Date.now(), agentOfflineMs: 60 * 60_000 });
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
  it("costs one written row when claimed and one when sent (its id is the tenant's log order: no index), none for a repeated message", async () => {
    const db = new MeteredD1(env.DB);
    const delivery = {
      ...newEmail("2026-03-02T09:00:00.000Z"),
      channel: "webhook",
      target: "hook-1",
    } as const;
    const { deps } = recordingDeliveryDeps();
    await consume({ ...deps, db }, [message({ delivery })]);
    expect(db.byStatement).toEqual({
      "INSERT notification_deliveries": 1,
      "UPDATE notification_deliveries": 1,
    });
    await consume({ ...deps, db }, [message({ delivery })]);
    expect(db.rowsWritten).toBe(2);
    expect(deliveryId(delivery).startsWith(`${t.tenantId}|2026-03-02T09:00:00.000Z|`)).toBe(true);
  });

  it("appears in the delivery log once claimed, for its tenant only: the queue message is its only record before", async () => {
    const delivery = newEmail("2026-03-02T09:01:00.000Z");
    const id = deliveryId(delivery);
    const ids = async (tenantId: string) =>
      (await listDeliveries(env.DB, { tenantId, limit: 500 })).map((d) => d.id);
    expect(await ids(t.tenantId)).not.toContain(id);
    const seenWhileSending: string[] = [];
    const { deps } = recordingDeliveryDeps();
    const send = async () => {
      const row = (await listDeliveries(env.DB, { tenantId: t.tenantId, limit: 500 })).find(
        (d) => d.id === id,
      );
      seenWhileSending.push(row?.status ?? "absent");
    };
    await consume({ ...deps, send: { email: send, webhook: send } }, [message({ delivery })]);
    expect(seenWhileSending).toEqual(["sending"]);
    const admin = callerFor(t.admin, testWorkflow());
    expect((await admin.notifications.deliveries({})).find((d) => d.id === id)).toMatchObject({
      status: "sent",
      attempts: 1,
      title: "VM web-01 is ready",
    });
    expect(await ids(other.tenantId)).not.toContain(id);
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
    const queue = new RecordingQueue(env.NOTIFICATIONS as DeliveryQueue);
    await runNotifier({ ...notifierDeps(env), queue });
    // the deliveries of the request's notification, whose rows the consumer writes as it claims them
    const results = queue.deliveries
      .filter((d) => d.content.link === `/requests/${requestId}`)
      .map((d) => ({ id: deliveryId(d), channel: d.channel }));
    const webhook = results.find((r) => r.channel === "webhook");
    expect(webhook).toBeDefined();
    expect(results.some((r) => r.channel === "email")).toBe(true);
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
