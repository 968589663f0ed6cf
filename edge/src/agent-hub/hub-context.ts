import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import type { AgentRoster } from "./agent-roster.ts";
import type { SocketFacts } from "./agent-sockets.ts";
import type { HubSettings } from "./hub-settings.ts";
import type { InventoryCache } from "./inventory-cache.ts";
import type { JobQueue } from "./job-queue.ts";
import type { JobReportSink } from "./job-reports.ts";
import type { PendingCalls } from "./pending-calls.ts";

/** What the hub's parts share: the object's state, the owners of its tables and its collaborators. */
export interface HubContext {
  readonly ctx: DurableObjectState;
  readonly env: Env;
  /** for the counters and meta tables (hub-storage.ts); every other table has its owner below */
  readonly sql: SqlStorage;
  readonly queue: JobQueue;
  readonly roster: AgentRoster;
  readonly inventory: InventoryCache;
  readonly settings: HubSettings;
  readonly sink: JobReportSink;
  readonly calls: PendingCalls;
  /** reconciliation scans (site-scan.ts): where their parts go, and the scan after a hello */
  readonly scans: HubScans;
  /** Hub time: the only clock leases are judged by. */
  now(): number;
  /** Grants or offers queued jobs to agents with free capacity and re-arms the sweep alarm. */
  dispatch(): Promise<void>;
}

/** The part of the hub's reconciliation scans (`SiteScans`) that frame handlers use. */
export interface HubScans {
  onPart(facts: SocketFacts, frame: Extract<AgentToEdge, { type: "scan.part" }>): boolean;
  afterReconnect(hub: HubContext, facts: SocketFacts): void;
}
