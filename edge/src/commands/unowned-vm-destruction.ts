import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import type { StoredEvent } from "../event-store/stored-event.ts";
import { sha256Hex } from "../tenancy/credentials.ts";

type Requested = Extract<TenancyEvent, { type: "UnownedVmDestroyRequested" }>["data"];

/** The latest attempt to destroy an unowned VM, as its stream tells it. */
export interface DestructionAttempt extends Requested {
  /** 1 for the first job, 2 after a failed or overdue one was asked again, … */
  attempt: number;
  /** its job has not reported an outcome yet */
  running: boolean;
}

/**
 * The id of the destruction of one unowned VM: (tenant, site, moref, marker value) hashed, so a repeated
 * or concurrent ask lands on one stream, and another tenant's ask never on this tenant's.
 */
export async function destructionIdFor(key: {
  tenantId: string;
  siteId: string;
  vmwareId: string;
  markerRequestId: string;
}): Promise<string> {
  const text = [key.tenantId, key.siteId, key.vmwareId, key.markerRequestId].join("\u0000");
  return `uvd_${(await sha256Hex(text)).slice(0, 32)}`;
}

/** Folds a destruction's stream into its latest attempt; null before the first. */
export function lastDestruction(events: readonly StoredEvent[]): DestructionAttempt | null {
  let last = null as DestructionAttempt | null;
  for (const { event } of events) {
    if (event.type === "UnownedVmDestroyRequested")
      last = { ...event.data, attempt: (last?.attempt ?? 0) + 1, running: true };
    else if (
      (event.type === "UnownedVmDestroyed" || event.type === "UnownedVmDestroyFailed") &&
      last?.jobId === event.data.jobId
    )
      last.running = false;
  }
  return last;
}
