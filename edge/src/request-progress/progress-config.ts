import { z } from "zod";

const DAY_SECONDS = 86_400;

/** Optional Worker vars that tune the progress objects; defaults hold in production. */
const ProgressVars = z.object({
  /** how long a finished run's final state stays for late viewers */
  PROGRESS_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * DAY_SECONDS)
    .default(DAY_SECONDS),
  /** "taking longer than usual" is never said before this much time: ten minutes; tests use less */
  PROGRESS_SLOW_FLOOR_SECONDS: z.coerce.number().int().min(1).max(DAY_SECONDS).default(600),
});

export interface ProgressConfig {
  retentionMs: number;
  /** a run with no update for this long is dropped from the cache (the log still has it) */
  abandonedAfterMs: number;
  /** a silent run first compares itself with the log after this long, to catch a publish the hub dropped */
  reconcileAfterMs: number;
  /** later checks back off as the silence grows, up to this interval */
  reconcileMaxMs: number;
  /** a subscriber arriving after this much silence gets a state checked against the log first */
  reconcileOnConnectMs: number;
  /** at most one percent frame per object per this interval */
  percentIntervalMs: number;
  /** how many past successful runs the ETA averages over */
  statsRuns: number;
  /** a run is "taking longer than usual" no sooner than this (also the whole rule for a first run) */
  slowFloorMs: number;
}

/** @throws with every bad field named, like the edge's own vars */
export function progressConfig(env: object): ProgressConfig {
  const parsed = ProgressVars.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `invalid progress configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  return {
    retentionMs: parsed.data.PROGRESS_RETENTION_SECONDS * 1000,
    abandonedAfterMs: 7 * DAY_SECONDS * 1000,
    reconcileAfterMs: 5 * 60_000,
    reconcileMaxMs: 6 * 60 * 60_000,
    reconcileOnConnectMs: 30_000,
    percentIntervalMs: 100,
    statsRuns: 20,
    slowFloorMs: parsed.data.PROGRESS_SLOW_FLOOR_SECONDS * 1000,
  };
}
