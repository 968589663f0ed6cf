import { type Applied, applyTransition, markSlowIfDue } from "./apply-transition.ts";
import { initialFacts } from "./progress-facts.ts";
import type { RequestProgressLog } from "./progress-log.ts";

/**
 * Replays the log into fresh facts and the frames a live object would have produced, in a new epoch so
 * that cursors handed out by an earlier incarnation get a snapshot instead of a wrong replay.
 */
export function rebuildFromLog(
  log: RequestProgressLog,
  clock: { epoch: string; now: number; retentionMs: number },
): Applied {
  const { epoch, now, retentionMs } = clock;
  let facts = initialFacts({
    requestId: log.requestId,
    tenantId: log.tenantId,
    epoch,
    stats: log.stats,
    now,
  });
  const frames: Applied["frames"] = [];
  for (const transition of log.transitions) {
    const applied = applyTransition(facts, transition, { now, retentionMs });
    facts = applied.facts;
    frames.push(...applied.frames);
  }
  const slow = markSlowIfDue(facts, now);
  return { facts: slow.facts, frames: [...frames, ...slow.frames] };
}

/** A fresh epoch: 12 lowercase hex characters, unique per incarnation of an object's storage. */
export const newEpoch = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 12);
