import { type ProgressFrame, parseProgressCursor } from "@gantry/shared/protocol/progress";
import type { ProgressFacts } from "./progress-facts.ts";
import type { RequestProgressStore } from "./progress-store.ts";
import { buildSnapshot, type LivePercent, openStage, percentFrame } from "./snapshot.ts";

/**
 * The first frames a subscriber gets. A cursor from this epoch that the replay buffer still covers gets
 * exactly the durable frames after it (plus the current percent, which is state rather than an event);
 * anything else — no cursor, another epoch, a seq from the future or too far back — gets a snapshot.
 */
export function framesForSubscriber(input: {
  facts: ProgressFacts;
  store: RequestProgressStore;
  live: LivePercent | null;
  after: string | null;
  now: number;
}): ProgressFrame[] {
  const { facts, live } = input;
  const cursor = parseProgressCursor(input.after);
  const missed =
    cursor && cursor.epoch === facts.epoch && cursor.seq <= facts.lastSeq
      ? input.store.framesAfter(cursor.seq)
      : null;
  if (!missed) return [buildSnapshot({ facts, live, now: input.now })];
  if (!live || openStage(facts) !== live.stage) return missed;
  return [...missed, percentFrame(live, facts.lastSeq)];
}
