import type { DomainEvent } from "@gantry/shared/events/catalog";
import { readStreams } from "../event-store/read-stream.ts";
import { type StoredEvent, streamIds } from "../event-store/stored-event.ts";
import { withCarriedEvents } from "../projections/carried-events.ts";
import type { StageStats } from "../projections/eta.ts";
import { loadStageStats } from "../projections/stage-run-queries.ts";
import { vmIdFor } from "../provisioning/ids.ts";
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
 * Reads the request's stream and its VM's stream in one query, then the ETA statistics. The tenant
 * comes from the request's first event, so the object pins the owner the log records.
 */
export const loadProgressLog: LoadProgressLog = async (env, query) => {
  const { requestId } = query;
  const requestStream = streamIds.vmRequest(requestId);
  const events: StoredEvent[] = await readStreams(env.DB, [requestStream, streamIds.vm(vmIdFor(requestId))]);
  const first = events.find((e) => e.streamId === requestStream);
  if (!first) return null;
  const tenantId = first.metadata.tenantId;
  // the first stage rides on the event that opens the VM's stream (older logs: its own event)
  const transitions = withCarriedEvents(events).flatMap((e) => transitionOf(requestId, e) ?? []);
  const stats = await loadStageStats(env.DB, { tenantId, requestId, runs: query.statsRuns });
  return { requestId, tenantId, transitions, stats };
};
