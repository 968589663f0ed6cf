import type { DomainEventType } from "@gantry/shared/events/catalog";
import { readAllOf } from "../event-store/read-all.ts";
import type { SqlDatabase, StoredEvent } from "../event-store/stored-event.ts";
import {
  advanceCheckpoint,
  CHECKPOINT_EVERY,
  type CheckpointPolicy,
  checkpointDue,
  readCheckpoint,
} from "./checkpoint.ts";
import { type FanOut, fanOut } from "./fan-out.ts";
import { NOTIFYING_TYPES, type NotificationRule, rulesFor } from "./notification-rules.ts";
import { resolveRecipients } from "./recipients.ts";
import { readRequestFacts } from "./request-facts.ts";
import { type NotificationWriterDeps, writeNotifications } from "./write-notifications.ts";

/**
 * The checkpoint of this process manager in `notifier_checkpoint`. A name of its own since a request's
 * outcome is told from its VM's events: Workers before that told it from the request's mirror events and
 * kept "notifier". While both run during a deploy, an earlier Worker's run could move that checkpoint past
 * an outcome it has no rule for; this one starts where "notifier" stood on its first run and moves only
 * its own. (What the overlap can still do: an outcome the earlier Worker recorded with its mirror is told
 * by both, keyed by different events.)
 */
export const NOTIFIER = "notifier-vm-outcomes";
const NOTIFIER_BEFORE_VM_OUTCOMES = "notifier";

/**
 * How far the runs of one isolate have written their effects. Between checkpoint writes it is ahead of
 * the stored checkpoint, and the isolate's next run starts from it instead of repeating its own work;
 * another isolate (or this one after an eviction) starts from the stored checkpoint and repeats what
 * lies between, without effect.
 */
export interface NotifierProgress {
  handled: number;
}

export const newNotifierProgress = (): NotifierProgress => ({ handled: 0 });

export interface NotifierDeps extends NotificationWriterDeps {
  clock: () => Date;
  progress: NotifierProgress;
}

export interface NotifierRun {
  /** events read */
  read: number;
  /** how far the log is handled after the run (the stored checkpoint may lag behind it) */
  position: number;
}

/**
 * The notification process manager: reads the events of the rule table's types after what it has handled
 * (the rest is skipped in SQL), turns each into inbox rows and deliveries (fan-out), and writes them: the
 * deliveries on the queue, then the inbox rows in one D1 batch (`writeNotifications`). The checkpoint goes
 * into that batch only when it is due (`checkpointDue`: far or long enough past the stored one), and a run
 * that reads nothing new stores what earlier runs handled once it is due, so the minute cron stores a
 * burst's end within a minute or so.
 * A run that dies before its batch commits, or an isolate that dies before its checkpoint is due, leaves
 * the stored checkpoint behind; the next run from it makes the same notifications again, whose keys make
 * the repeats write nothing (inbox rows) and send nothing (deliveries, claimed by their ids). Runs
 * overlapping each other are therefore harmless too.
 */
export async function runNotifier(
  deps: NotifierDeps,
  options: { pageSize?: number; maxPages?: number; checkpointEvery?: CheckpointPolicy } = {},
): Promise<NotifierRun> {
  const pageSize = options.pageSize ?? 100;
  const every = options.checkpointEvery ?? CHECKPOINT_EVERY;
  const now = deps.clock().getTime();
  let stored = await readCheckpoint(deps.db, NOTIFIER, { seededFrom: NOTIFIER_BEFORE_VM_OUTCOMES });
  let after = Math.max(stored.position, deps.progress.handled);
  let read = 0;
  for (let page = 0; page < (options.maxPages ?? 20); page++) {
    const log = await readAllOf(deps.db, { after, limit: pageSize, types: NOTIFYING_TYPES });
    const planned: FanOut[] = [];
    for (const event of log.events) {
      planned.push(...(await notificationsOf(deps.db, event)));
    }
    read += log.events.length;
    if (log.lastPosition === after) break;
    const due = checkpointDue(every, stored, { position: log.lastPosition, now });
    const checkpoint = { position: log.lastPosition, at: now };
    await writeNotifications(deps, planned, due ? [advanceCheckpoint(deps.db, NOTIFIER, checkpoint)] : []);
    if (due) stored = { position: checkpoint.position, writtenAt: now };
    after = log.lastPosition;
    deps.progress.handled = Math.max(deps.progress.handled, after);
    if (log.done) break;
  }
  if (checkpointDue(every, stored, { position: after, now }))
    await advanceCheckpoint(deps.db, NOTIFIER, { position: after, at: now }).run();
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

/** The isolate's progress: every run of this isolate (woken, or the minute cron's) starts from it. */
export const isolateNotifierProgress = newNotifierProgress();

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
