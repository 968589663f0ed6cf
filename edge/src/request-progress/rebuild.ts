import { type Applied, applyTransition, markSlowIfDue } from "./apply-transition.ts";
import { initialFacts, type ProgressFacts } from "./progress-facts.ts";
import type { RequestProgressLog } from "./progress-log.ts";

/**
 * Replays the log into fresh facts and the frames a live object would have produced, in a new epoch so
 * that cursors handed out by an earlier incarnation get a snapshot instead of a wrong replay.
 */
export function rebuildFromLog(
  log: RequestProgressLog,
  clock: { epoch: string; now: number; retentionMs: number; slowFloorMs?: number },
): Applied {
  const { requestId, tenantId, stats } = log;
  const facts = initialFacts({ requestId, tenantId, epoch: clock.epoch, stats, now: clock.now });
  return catchUpWithLog(facts, log, clock);
}

/**
 * Folds the log into facts the object already has. Transitions are idempotent, so only what the object
 * missed (a publish the hub dropped) becomes new frames, numbered after the ones it has.
 */
export function catchUpWithLog(
  facts: ProgressFacts,
  log: RequestProgressLog,
  clock: { now: number; retentionMs: number; slowFloorMs?: number },
): Applied {
  const { now, retentionMs } = clock;
  let current = facts;
  const frames: Applied["frames"] = [];
  for (const transition of log.transitions) {
    const applied = applyTransition(current, transition, { now, retentionMs });
    current = applied.facts;
    frames.push(...applied.frames);
  }
  const slow = markSlowIfDue(current, now, clock.slowFloorMs);
  return { facts: { ...slow.facts, syncedAt: now }, frames: [...frames, ...slow.frames] };
}

/** A fresh epoch: 12 lowercase hex characters, unique per incarnation of an object's storage. */
export const newEpoch = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 12);
