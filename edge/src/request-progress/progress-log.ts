import type { DomainEvent } from "@gantry/shared/events/catalog";
import { readStreams } from "../event-store/read-stream.ts";
import { type StoredEvent, streamIds } from "../event-store/stored-event.ts";
import { withCarriedEvents, withHeldStages } from "../projections/carried-events.ts";
import type { StageStats } from "../projections/eta.ts";
import { heldStagesOf } from "../projections/held-stages.ts";
import { getSummaryRow } from "../projections/request-queries.ts";
import { loadStageStats } from "../projections/stage-run-queries.ts";
import { jobIdFor, vmIdFor } from "../provisioning/ids.ts";
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
  query: {
    requestId: string;
    statsRuns: number;
    /** while the run is in flight, also read the stages after the first that its hub holds */
    askHub: boolean;
  },
) => Promise<RequestProgressLog | null>;

/** The VM stream's stage and outcome events as progress transitions, at the time the agent reported them. */
function transitionOf(
  requestId: string,
  stored: { event: DomainEvent; occurredAt: string },
): ProgressTransition | null {
  const { event, occurredAt: at } = stored;
  switch (event.type) {
    case "VmProvisioningStageReached":
      return { kind: "stage", requestId, stage: event.data.stage, at };
    case "VmProvisioned": {
      const { vmwareId, vmName, hostname, ipAddress, warning } = event.data;
      const vm = { vmwareId, vmName, hostname, ipAddress, ...(warning === null ? {} : { warning }) };
      return { kind: "succeeded", requestId, vm, at };
    }
    case "VmProvisioningFailed":
      return { kind: "failed", requestId, failure: event.data.failure, at };
    default:
      return null;
  }
}

/**
 * The progress transitions a request's log (its stream and its VM's) holds, in log order: the stages a
 * VM event carries (the first on VmProvisioningStarted, later ones on the outcome; older logs: an event
 * each) come at the times they were reached.
 */
export const transitionsIn = (requestId: string, events: readonly StoredEvent[]): ProgressTransition[] =>
  withCarriedEvents(events).flatMap((e) => transitionOf(requestId, e) ?? []);

/** A run the log saw start and not end: its stages after the first are still its hub's to hold. */
const inFlight = (events: readonly StoredEvent[]): boolean =>
  events.some((e) => e.event.type === "VmProvisioningStarted") &&
  !events.some((e) => e.event.type === "VmProvisioned" || e.event.type === "VmProvisioningFailed");

/** The stages after the first a running job's hub holds (none when its site is unknown). */
async function heldStages(env: Env, scope: { tenantId: string; requestId: string }) {
  const row = await getSummaryRow(env.DB, scope);
  if (!row?.site_id) return [];
  return heldStagesOf(env, { siteId: row.site_id, jobId: jobIdFor(scope.requestId) });
}

/**
 * Reads the request's stream and its VM's stream in one query, then the ETA statistics; while the job
 * runs, also the stages after the first its hub holds (a publish the hub dropped is caught up from
 * there). The tenant comes from the request's first event, so the object pins the owner the log records.
 */
export const loadProgressLog: LoadProgressLog = async (env, query) => {
  const { requestId } = query;
  const requestStream = streamIds.vmRequest(requestId);
  const events: StoredEvent[] = await readStreams(env.DB, [requestStream, streamIds.vm(vmIdFor(requestId))]);
  const first = events.find((e) => e.streamId === requestStream);
  if (!first) return null;
  const tenantId = first.metadata.tenantId;
  const held = query.askHub && inFlight(events) ? await heldStages(env, { tenantId, requestId }) : [];
  const transitions = transitionsIn(requestId, withHeldStages(events, held));
  const stats = await loadStageStats(env.DB, { tenantId, requestId, runs: query.statsRuns });
  return { requestId, tenantId, transitions, stats };
};
