import type { StageStats } from "./eta.ts";
import type { ProgressTransition } from "./progress-facts.ts";

/** What a RequestProgress object rebuilds itself from when it has no state: the log, read through D1. */
export interface RequestProgressLog {
  requestId: string;
  /** the tenant that owns the request, from the log; the object pins it */
  tenantId: string;
  /** stage starts and the terminal outcome, in log order */
  transitions: ProgressTransition[];
  /** averages over the tenant's last successful runs of the same template and size; null without history */
  stats: StageStats | null;
}

/** Reads a request's progress from the log; null when the log has no such request. */
export type LoadProgressLog = (
  env: Env,
  query: { requestId: string; statsRuns: number },
) => Promise<RequestProgressLog | null>;

// until the request workflow's event store lands there is nothing to read: objects start from the first publish
export const loadProgressLog: LoadProgressLog = async () => null;
