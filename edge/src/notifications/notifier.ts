import type { DomainEventType } from "@gantry/shared/events/catalog";
import { readAllOf } from "../event-store/read-all.ts";
import type { SqlDatabase, StoredEvent } from "../event-store/stored-event.ts";
import { advanceCheckpoint, readCheckpoint } from "./checkpoint.ts";
import { queuedAmong } from "./deliveries.ts";
import { type DeliveryQueue, enqueueDeliveries } from "./delivery-queue.ts";
import { type FanOut, fanOut } from "./fan-out.ts";
import { NOTIFYING_TYPES, type NotificationRule, rulesFor } from "./notification-rules.ts";
import { resolveRecipients } from "./recipients.ts";
import { readRequestFacts } from "./request-facts.ts";

/** The checkpoint of this process manager in `notifier_checkpoint`. */
export const NOTIFIER = "notifier";

export interface NotifierDeps {
  db: SqlDatabase;
  queue: DeliveryQueue;
  /** tells a person's open pages that their inbox changed (the bell); best effort */
  announceInbox: (tenantId: string, recipientIds: readonly string[]) => Promise<void>;
}

export interface NotifierRun {
  /** events read */
  read: number;
  /** the checkpoint after the run */
  position: number;
}

/**
 * The notification process manager: reads the events of the rule table's types after its checkpoint (the
 * rest is skipped in SQL), turns each into inbox rows and deliveries (fan-out), and moves the checkpoint
 * in the same D1 batch.
 * A run that dies before its batch commits leaves the checkpoint where it was, and the next run writes
 * the same rows (their keys make repeats no-ops); one that dies after it leaves deliveries `queued`,
 * which the minute sweep puts on the queue. Runs overlapping each other are therefore harmless.
 */
export async function runNotifier(
  deps: NotifierDeps,
  options: { pageSize?: number; maxPages?: number } = {},
): Promise<NotifierRun> {
  const pageSize = options.pageSize ?? 100;
  let after = await readCheckpoint(deps.db, NOTIFIER);
  let read = 0;
  for (let page = 0; page < (options.maxPages ?? 20); page++) {
    const log = await readAllOf(deps.db, { after, limit: pageSize, types: NOTIFYING_TYPES });
    const planned: FanOut[] = [];
    for (const event of log.events) {
      planned.push(...(await notificationsOf(deps.db, event)));
    }
    read += log.events.length;
    if (log.lastPosition === after) break;
    const statements = planned.flatMap((p) => p.statements);
    const results = await deps.db.batch([
      ...statements,
      advanceCheckpoint(deps.db, NOTIFIER, log.lastPosition),
    ]);
    after = log.lastPosition;
    await afterCommit(deps, planned, results);
    if (log.done) break;
  }
  return { read, position: after };
}

/**
 * Wakes a notifier one run at a time: a wake-up during a run makes that run go round once more (it may
 * have read the log before the commit that woke it) instead of starting a second reader. Under a burst
 * one run then writes many events' notifications in one batch and moves the checkpoint once, where a run
 * per commit re-read the same log and wrote the checkpoint each time. `run` must not throw.
 */
export function notifierWaker(): (run: () => Promise<unknown>) => Promise<void> {
  let current: Promise<void> | null = null;
  let again = false;
  return (run) => {
    if (current) {
      again = true;
      return current;
    }
    const loop = async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        current = null;
      }
    };
    current = loop();
    return current;
  };
}

/** The isolate's waker: every commit this isolate makes wakes the same one. */
export const wakeNotifier = notifierWaker();

/** What one event notifies: one fan-out per rule of its type that has something to say. */
async function notificationsOf(db: SqlDatabase, event: StoredEvent): Promise<FanOut[]> {
  const fans: FanOut[] = [];
  for (const rule of rulesFor(event.event.type)) {
    const fan = await notificationOf(db, event, rule);
    if (fan) fans.push(fan);
  }
  return fans;
}

async function notificationOf(
  db: SqlDatabase,
  event: StoredEvent,
  rule: NotificationRule<DomainEventType>,
): Promise<FanOut | null> {
  const data = event.event.data as never;
  const tenantId = event.metadata.tenantId;
  const about = rule.about(data);
  const request = about === null ? null : await readRequestFacts(db, { tenantId, id: about });
  const text = rule.text(data, request, { actorKind: event.metadata.actorKind });
  if (!text) return null;
  // nobody is told about what they did themselves
  const actor = event.metadata.actorKind === "user" ? event.metadata.actorId : null;
  const recipients = (await resolveRecipients(db, rule.recipients, { tenantId, request })).filter(
    (r) => r.userId !== actor,
  );
  return fanOut(db, {
    tenantId,
    kind: rule.kind,
    sourceKey: event.eventId,
    occurredAt: event.occurredAt,
    text,
    recipients,
  });
}

/** Once written: the new deliveries go on the queue, and each person with a new inbox row hears of it. */
export async function afterCommit(
  deps: NotifierDeps,
  planned: readonly FanOut[],
  results: readonly D1Result[],
): Promise<void> {
  const ids = planned.flatMap((p) => p.deliveryIds);
  await enqueueDeliveries(deps.queue, await queuedAmong(deps.db, ids));
  let i = 0;
  for (const plan of planned) {
    const told = plan.inboxOf.filter(
      (who, k): who is string => who !== null && (results[i + k]?.meta.changes ?? 0) > 0,
    );
    i += plan.statements.length;
    if (told.length > 0) await deps.announceInbox(plan.tenantId, told);
  }
}
