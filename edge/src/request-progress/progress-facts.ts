import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { ProgressEpoch, StageTiming, TerminalOutcome } from "@gantry/shared/protocol/progress";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import { z } from "zod";

/** A durable progress fact from the log: a stage started, or the run ended. Percentages never are. */
export type ProgressTransition = Exclude<ProgressUpdate, { kind: "percent" }>;

const StageStatsSchema = z.object({
  runs: z.number().int().min(0),
  averageMs: z.partialRecord(ProvisioningStage, z.number().min(0)),
});

/**
 * What one RequestProgress object knows durably. Stored as one JSON row in the object's SQLite and
 * re-parsed on load, so a version step that changes the shape fails loudly instead of drawing garbage.
 */
export const ProgressFacts = z.object({
  requestId: z.string().min(1).max(100),
  tenantId: z.string().min(1).max(100),
  epoch: ProgressEpoch,
  /** seq of the newest durable frame; 0 before the first */
  lastSeq: z.number().int().min(0),
  stages: z.array(StageTiming).max(20),
  /** the full outcome, technical detail included; frames strip it for non-admins */
  terminal: z.object({ at: z.string().datetime(), outcome: TerminalOutcome }).nullable(),
  warnings: z.array(z.string().max(500)).max(20),
  /** when the edge decided the run is taking longer than usual */
  slowAt: z.string().datetime().nullable(),
  stats: StageStatsSchema.nullable(),
  /** after a terminal state: when the object clears itself (ms since epoch) */
  retainUntil: z.number().int().nullable(),
  /** when a durable fact last changed (ms since epoch); a run silent for days is dropped from the cache */
  touchedAt: z.number().int(),
  /** when the object last compared itself with the log (ms since epoch), to catch a publish that was lost */
  syncedAt: z.number().int(),
});
export type ProgressFacts = z.infer<typeof ProgressFacts>;

export function initialFacts(input: {
  requestId: string;
  tenantId: string;
  epoch: string;
  stats: ProgressFacts["stats"];
  now: number;
}): ProgressFacts {
  const { now, ...identity } = input;
  return {
    ...identity,
    lastSeq: 0,
    stages: [],
    terminal: null,
    warnings: [],
    slowAt: null,
    retainUntil: null,
    touchedAt: now,
    syncedAt: now,
  };
}
