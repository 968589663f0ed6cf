import type { HubSettings } from "../agents/hub-settings.ts";
import type { JobUpdateSink } from "../agents/job-update-sink.ts";
import type { PendingCalls } from "./agent-hub-calls.ts";
import type { JobQueue } from "./agent-hub-leases.ts";

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
