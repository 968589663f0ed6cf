import { stageIndex } from "@gantry/shared/jobs/provisioning-stage";
import {
  PROGRESS_PROTOCOL_VERSION,
  type ProgressFrame,
  type TerminalOutcome,
} from "@gantry/shared/protocol/progress";
import { computeEta, SLOW_FLOOR_MS, slowThreshold } from "../projections/eta.ts";
import type { ProgressFacts, ProgressTransition } from "./progress-facts.ts";

/** Frames that advance `seq` and are kept in the replay buffer. */
export type DurableFrame = Extract<ProgressFrame, { type: "stage" | "slow" | "terminal" }>;

export interface Applied {
  facts: ProgressFacts;
  /** empty when the transition was a duplicate, out of order, or came after the end */
  frames: DurableFrame[];
}

const v = PROGRESS_PROTOCOL_VERSION;

function closeOpenStage(stages: ProgressFacts["stages"], at: string): ProgressFacts["stages"] {
  return stages.map((s) => (s.endedAt === null ? { ...s, endedAt: at } : s));
}

function outcomeOf(t: Exclude<ProgressTransition, { kind: "stage" }>): TerminalOutcome {
  if (t.kind === "succeeded") {
    const { vmwareId, vmName, hostname, ipAddress, warning } = t.vm;
    return { status: "succeeded", vm: { vmwareId, vmName, hostname, ipAddress }, warning: warning ?? null };
  }
  const { code, userMessage, retriable, cleanupFailed, technicalDetail } = t.failure;
  return { status: "failed", code, userMessage, retriable, cleanupFailed, technicalDetail };
}

/**
 * Folds one durable transition into the facts. Idempotent: the hub may publish a stage twice (agent
 * outbox replay) and a rebuild replays the whole log, so a stage at or behind the newest one is ignored
 * and nothing follows a terminal state.
 */
export function applyTransition(
  facts: ProgressFacts,
  transition: ProgressTransition,
  clock: { now: number; retentionMs: number },
): Applied {
  if (facts.terminal) return { facts, frames: [] };
  if (transition.kind === "stage") {
    const newest = facts.stages[facts.stages.length - 1];
    if (newest && stageIndex(newest.stage) >= stageIndex(transition.stage)) return { facts, frames: [] };
    const stages = [
      ...closeOpenStage(facts.stages, transition.at),
      { stage: transition.stage, startedAt: transition.at, endedAt: null },
    ];
    const seq = facts.lastSeq + 1;
    const eta = computeEta({ stats: facts.stats, stages, now: clock.now });
    const frame: DurableFrame = {
      v,
      seq,
      type: "stage",
      stage: transition.stage,
      at: transition.at,
      eta,
      tooLong: facts.slowAt !== null,
    };
    return { facts: { ...facts, stages, lastSeq: seq, touchedAt: clock.now }, frames: [frame] };
  }
  const outcome = outcomeOf(transition);
  const warning = outcome.status === "succeeded" ? outcome.warning : null;
  const seq = facts.lastSeq + 1;
  const next: ProgressFacts = {
    ...facts,
    stages: closeOpenStage(facts.stages, transition.at),
    lastSeq: seq,
    terminal: { at: transition.at, outcome },
    warnings: warning ? [...facts.warnings, warning].slice(-20) : facts.warnings,
    retainUntil: clock.now + clock.retentionMs,
    touchedAt: clock.now,
  };
  return { facts: next, frames: [{ v, seq, type: "terminal", at: transition.at, outcome }] };
}

/** Marks the run as taking longer than usual once the edge's clock passes the threshold; once only. */
export function markSlowIfDue(facts: ProgressFacts, now: number, floorMs = SLOW_FLOOR_MS): Applied {
  const threshold = slowThreshold({ ...facts, floorMs });
  if (facts.terminal || facts.slowAt !== null || threshold === null || now < threshold) {
    return { facts, frames: [] };
  }
  const at = new Date(now).toISOString();
  const seq = facts.lastSeq + 1;
  const eta = computeEta({ stats: facts.stats, stages: facts.stages, now });
  return {
    facts: { ...facts, slowAt: at, lastSeq: seq, touchedAt: now },
    frames: [{ v, seq, type: "slow", at, eta }],
  };
}

/** How long the object keeps what it knows, and how long it trusts silence before checking the log. */
export interface Keeping {
  abandonedAfterMs: number;
  /** first check of a silent run; later checks back off as the silence grows */
  reconcileAfterMs: number;
  /** the longest the alarm waits between two checks */
  reconcileMaxMs: number;
  /** "taking longer than usual" never before this much time (default ten minutes) */
  slowFloorMs?: number;
}

/** Whether the object should clear itself now: retention over, or a run silent for too long. */
export function isExpired(
  facts: ProgressFacts,
  now: number,
  keeping: Pick<Keeping, "abandonedAfterMs">,
): boolean {
  if (facts.terminal) return facts.retainUntil !== null && now >= facts.retainUntil;
  return now >= facts.touchedAt + keeping.abandonedAfterMs;
}

/**
 * Whether a run has been silent for `afterMs` since its last change or check. The hub drops a publish
 * that fails; without these checks a lost terminal update would leave viewers watching a run that ended.
 */
export function needsReconcile(facts: ProgressFacts, now: number, afterMs: number): boolean {
  return !facts.terminal && now >= Math.max(facts.touchedAt, facts.syncedAt) + afterMs;
}

/** When the alarm next compares a silent run with the log: the wait doubles with the silence, up to a cap. */
export function recheckAt(facts: ProgressFacts, keeping: Keeping): number {
  const silence = Math.max(0, facts.syncedAt - facts.touchedAt);
  const wait = Math.min(Math.max(keeping.reconcileAfterMs, silence), keeping.reconcileMaxMs);
  return Math.max(facts.touchedAt, facts.syncedAt) + wait;
}

/** When the object next has work of its own: slow notice, log check or purge during a run; purge after. */
export function nextWakeUp(facts: ProgressFacts, keeping: Keeping): number {
  if (facts.terminal && facts.retainUntil !== null) return facts.retainUntil;
  const abandonAt = facts.touchedAt + keeping.abandonedAfterMs;
  const slowAt = facts.slowAt === null ? slowThreshold({ ...facts, floorMs: keeping.slowFloorMs }) : null;
  return Math.min(abandonAt, recheckAt(facts, keeping), slowAt ?? Number.POSITIVE_INFINITY);
}
