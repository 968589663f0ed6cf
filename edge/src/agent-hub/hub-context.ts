import type { HubSettings } from "./hub-settings.ts";
import type { JobQueue } from "./job-queue.ts";
import type { JobUpdateSink } from "./job-reports.ts";
import type { PendingCalls } from "./pending-calls.ts";

/** What the hub's parts share: the object's state, its queue and its collaborators. */
export interface HubContext {
  readonly ctx: DurableObjectState;
  readonly env: Env;
  readonly sql: SqlStorage;
  readonly queue: JobQueue;
  readonly settings: HubSettings;
  readonly sink: JobUpdateSink;
  readonly calls: PendingCalls;
  /** Hub time: the only clock leases are judged by. */
  now(): number;
  /** Offers queued jobs to agents with free capacity and re-arms the sweep alarm. */
  dispatch(): Promise<void>;
}
