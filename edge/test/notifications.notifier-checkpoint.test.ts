import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { notifierDeps } from "../src/deps.ts";
import { readCheckpoint } from "../src/notifications/checkpoint.ts";
import { deliverBatch } from "../src/notifications/deliver.ts";
import { type DeliveryRow, deliveryId, readDelivery } from "../src/notifications/deliveries.ts";
import type { DeliveryMessage } from "../src/notifications/delivery-queue.ts";
import {
  NOTIFIER,
  type NotifierDeps,
  newNotifierProgress,
  runNotifier,
} from "../src/notifications/notifier.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { DiesBeforeWriteBatchD1, MeteredD1 } from "./support/d1-wrappers.ts";
import { notifierFromHead } from "./support/notifier-position.ts";
import { RecordingQueue } from "./support/recording-queue.ts";
import { recordingDeliveryDeps } from "./support/recording-senders.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  await notifierFromHead(env.DB);
});

/**
 * A notifier as a fresh isolate runs it: its own progress, a queue that records the messages instead of
 * sending them (the test hands them to the consumer itself, to count what is sent), the real D1.
 */
function isolate(overrides: Partial<NotifierDeps> = {}) {
  const queue = new RecordingQueue();
  const deps: NotifierDeps = { ...notifierDeps(env), queue, progress: newNotifierProgress(), ...overrides };
  return { deps, queue };
}

/** The real consumer over these messages, with channels that record what they were asked to send. */
async function consume(messages: readonly DeliveryMessage[]): Promise<DeliveryRow[]> {
  const { deps, sent } = recordingDeliveryDeps();
  const batch = createMessageBatch(
    "gantry-notifications",
    messages.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  await deliverBatch(batch, deps);
  await getQueueResult(batch, createExecutionContext());
  return sent;
}

const submit = (name: string) =>
  callerFor(t.member, testWorkflow()).requests.create(requestInput(t.projectId, { name }));

describe("the notifier's order: the queue first, then the inbox and the checkpoint", () => {
  it("a crash between its enqueue and its D1 batch leaves the checkpoint behind; the next run enqueues again and each e-mail is sent once", async () => {
    const stored = await readCheckpoint(env.DB, NOTIFIER);
    const { requestId } = await submit("crash-01");
    const link = `/requests/${requestId}`;
    const dying = isolate({ db: new DiesBeforeWriteBatchD1(env.DB) });
    await expect(runNotifier(dying.deps)).rejects.toThrow("died before its D1 batch");
    const enqueued = dying.queue.deliveries.filter((d) => d.content.link === link);
    // the request waits for both admins, who want it by e-mail
    expect(enqueued.map((d) => d.target).sort()).toEqual([t.admin.email, t.otherAdmin.email].sort());
    expect((await readCheckpoint(env.DB, NOTIFIER)).position).toBe(stored.position);

    const next = isolate();
    await runNotifier(next.deps);
    const again = next.queue.deliveries.filter((d) => d.content.link === link);
    expect(again.map(deliveryId).sort()).toEqual(enqueued.map(deliveryId).sort());
    // both copies of every message reach the consumer, the first run's ones twice (redelivered)
    const sent = await consume([...dying.queue.messages, ...next.queue.messages, ...dying.queue.messages]);
    expect(
      sent
        .filter((r) => JSON.parse(r.content).link === link)
        .map((r) => r.id)
        .sort(),
    ).toEqual(enqueued.map(deliveryId).sort());
    for (const d of enqueued)
      expect(await readDelivery(env.DB, deliveryId(d))).toMatchObject({ status: "sent", attempts: 1 });
    // the inbox rows are the second run's, once
    const { results } = await env.DB.prepare("SELECT recipient_id FROM notifications WHERE link = ?")
      .bind(link)
      .all<{ recipient_id: string }>();
    expect(results.map((r) => r.recipient_id).sort()).toEqual([t.admin.userId, t.otherAdmin.userId].sort());
  });
});

describe("the notifier's checkpoint", () => {
  it("is stored once the run is N positions past the stored one, not on every run; the isolate's next run starts where it stopped", async () => {
    await notifierFromHead(env.DB);
    const every = { positions: 4, ms: 3_600_000 };
    const db = new MeteredD1(env.DB);
    const { deps } = isolate({ db });
    const writes = () => db.byStatement["INSERT notifier_checkpoint"] ?? 0;
    let runs = 0;
    for (let i = 0; i < 8; i++) {
      await submit(`every-${i}`);
      const before = await readCheckpoint(env.DB, NOTIFIER);
      const writesBefore = writes();
      const run = await runNotifier(deps, { checkpointEvery: every });
      runs += 1;
      expect(run.read).toBeGreaterThan(0);
      const due = run.position - before.position >= every.positions;
      expect((await readCheckpoint(env.DB, NOTIFIER)).position).toBe(due ? run.position : before.position);
      expect(writes() - writesBefore).toBe(due ? 1 : 0);
    }
    expect(writes()).toBeGreaterThan(0);
    expect(writes()).toBeLessThan(runs);
    // nothing new: this isolate reads nothing again, though the stored checkpoint may lag behind it
    expect((await runNotifier(deps, { checkpointEvery: every })).read).toBe(0);
  });

  it("is stored by a run with nothing new once the stored one is T old, so a burst's end is stored within a minute's cron", async () => {
    await notifierFromHead(env.DB);
    const every = { positions: 1_000, ms: 30_000 };
    let now = Date.now();
    const db = new MeteredD1(env.DB);
    const { deps } = isolate({ db, clock: () => new Date(now) });
    await submit("quiet-01");
    const run = await runNotifier(deps, { checkpointEvery: every });
    expect(run.read).toBeGreaterThan(0);
    const stored = await readCheckpoint(env.DB, NOTIFIER);
    expect(stored.position).toBeLessThan(run.position);
    now += every.ms;
    const quiet = await runNotifier(deps, { checkpointEvery: every });
    expect(quiet.read).toBe(0);
    expect(await readCheckpoint(env.DB, NOTIFIER)).toEqual({ position: run.position, writtenAt: now });
    expect(db.byStatement["INSERT notifier_checkpoint"]).toBe(1);
  });

  it("costs a lost isolate only a replay of what lies past the stored checkpoint: no row written, no e-mail enqueued again", async () => {
    await notifierFromHead(env.DB);
    const every = { positions: 1_000, ms: 3_600_000 };
    const first = isolate();
    await submit("replay-01");
    await submit("replay-02");
    const run = await runNotifier(first.deps, { checkpointEvery: every });
    expect(run.read).toBeGreaterThan(0);
    await consume(first.queue.messages);
    const stored = await readCheckpoint(env.DB, NOTIFIER);
    expect(stored.position).toBeLessThan(run.position);

    // the tenant's rows (the shared log may hold other files' late events beside its own)
    const rows = async () =>
      (
        await env.DB.prepare(
          `SELECT (SELECT count(*) FROM notifications WHERE tenant_id = ?1)
                + (SELECT count(*) FROM notification_deliveries WHERE tenant_id = ?1) AS n`,
        )
          .bind(t.tenantId)
          .first<{ n: number }>()
      )?.n;
    const before = await rows();
    const second = isolate();
    const replay = await runNotifier(second.deps, { checkpointEvery: every });
    // it reads again what the first handled past the stored checkpoint
    expect(replay.read).toBeGreaterThanOrEqual(run.read);
    expect(await rows()).toBe(before);
    // every e-mail of the replayed events was claimed: none goes on the queue again
    expect(second.queue.deliveries.filter((d) => d.tenantId === t.tenantId)).toEqual([]);
  });
});

describe("the notifier's checkpoint across the deploy that moved outcomes to the VM's events", () => {
  const position = async (name: string) =>
    (
      await env.DB.prepare("SELECT position FROM notifier_checkpoint WHERE name = ?")
        .bind(name)
        .first<{ position: number }>()
    )?.position ?? null;

  it("starts where the earlier notifier stood, then moves only its own, whatever an earlier Worker still writes", async () => {
    await notifierFromHead(env.DB);
    const { requestId: before } = await submit("deploy-before");
    const head = await logHeadOf();
    // the earlier Worker's checkpoint stands past the first submission; this one has none yet
    await env.DB.prepare(
      `INSERT INTO notifier_checkpoint (name, position, written_at) VALUES ('notifier', ?1, ?2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    )
      .bind(head, new Date().toISOString())
      .run();
    await env.DB.prepare("DELETE FROM notifier_checkpoint WHERE name = ?").bind(NOTIFIER).run();
    const every = { positions: 1, ms: 0 };
    // the first run after the deploy: it starts where the earlier notifier stood
    await runNotifier(isolate().deps, { checkpointEvery: every });
    expect(await position(NOTIFIER)).toBe(head);
    const { requestId: after } = await submit("deploy-after");
    // a run of the earlier Worker, still going, moves its own checkpoint past the new submission
    await env.DB.prepare("UPDATE notifier_checkpoint SET position = ? WHERE name = 'notifier'")
      .bind(await logHeadOf())
      .run();
    // a fresh isolate of this Worker starts from its own checkpoint, not the earlier one's
    await runNotifier(isolate().deps, { checkpointEvery: every });
    const told = async (requestId: string) =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE tenant_id = ? AND link = ?")
          .bind(t.tenantId, `/requests/${requestId}`)
          .first<{ n: number }>()
      )?.n;
    // what the earlier notifier had told before the seed is not told again; what came after is told
    expect(await told(before)).toBe(0);
    expect(await told(after)).toBeGreaterThan(0);
    expect(await position(NOTIFIER)).toBeGreaterThan(head);
  });
});

/** The last position in the shared log. */
async function logHeadOf(): Promise<number> {
  return (
    (await env.DB.prepare("SELECT COALESCE(MAX(position), 0) AS p FROM events").first<{ p: number }>())?.p ??
    0
  );
}
