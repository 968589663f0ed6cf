import type { D1CeilingSummary } from "./scenario-d1-ceiling.ts";
import type { BurstSummary, LatencySummary } from "./summaries.ts";

/**
 * What the hosted part costs on Cloudflare, from the bench's measured counts and Cloudflare's published
 * list prices (Workers Paid, Standard usage model). Marginal prices: the $5/month plan and its included
 * allotments (10 M Worker requests, 30 M CPU ms, 1 M DO requests, 400,000 GB-s, 50 M D1 rows written,
 * 25 B rows read, 5 GB, 1 M queue operations per month) are left out, so the figures are what each
 * further 1,000 VMs or watchers add. Every quantity says where it comes from: measured (a results.json
 * field), counted (in the code paths, not metered) or assumed (with why).
 */

export const PRICES_READ_ON = "2026-12-07";

interface Price {
  usd: number;
  per: string;
  source: string;
}

/** Published list prices, read on PRICES_READ_ON. */
export const PRICES = {
  workerRequest: {
    usd: 0.3 / 1e6,
    per: "request",
    source: "https://developers.cloudflare.com/workers/platform/pricing/",
  },
  workerCpuMs: {
    usd: 0.02 / 1e6,
    per: "CPU ms",
    source: "https://developers.cloudflare.com/workers/platform/pricing/",
  },
  doRequest: {
    usd: 0.15 / 1e6,
    per: "request (RPC call, WebSocket upgrade, alarm; incoming WebSocket messages billed 20:1)",
    source: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  },
  doGbSecond: {
    usd: 12.5 / 1e6,
    per: "GB-s (wall time while not hibernated, at 128 MB per object)",
    source: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  },
  d1RowWritten: {
    usd: 1 / 1e6,
    per: "row written (index entries count)",
    source: "https://developers.cloudflare.com/d1/platform/pricing/",
  },
  d1RowRead: {
    usd: 0.001 / 1e6,
    per: "row read",
    source: "https://developers.cloudflare.com/d1/platform/pricing/",
  },
  d1StorageGbMonth: {
    usd: 0.75,
    per: "GB-month",
    source: "https://developers.cloudflare.com/d1/platform/pricing/",
  },
  queueOperation: {
    usd: 0.4 / 1e6,
    per: "operation (write, read, delete per 64 KB: 3 per message)",
    source: "https://developers.cloudflare.com/queues/platform/pricing/",
  },
} satisfies Record<string, Price>;
type Knob = keyof typeof PRICES;

/** A count per unit of work and where it comes from. */
interface Quantity {
  value: number;
  basis: string;
}

export interface CostLine {
  knob: Knob;
  /** per 1,000 units of work */
  quantity: number;
  usd: number;
  basis: string;
}

export interface CostEstimate {
  /** what 1,000 units are */
  unit: string;
  lines: CostLine[];
  totalUsd: number;
  /** the line with the largest share, and that share */
  dominant: { knob: Knob; share: number };
}

/** Where one database stops, in requests, from the measured write ceiling and rows per request. */
export interface DatabaseCeiling {
  concurrency: number;
  rowsWrittenPerSecond: number;
  rowsPerRequest: number;
  /** whole request lifecycles one database can record per second, at the measured local ceiling */
  requestsPerSecond: number;
  /** the same, as VMs per day at a 10× peak-to-average ratio */
  vmsPerDayAtTenfoldPeak: number;
  /** VMs until the 10 GB database limit, at the assumed bytes per VM */
  vmsUntilSizeLimit: number;
  basis: string;
}

export interface CostModel {
  pricesReadOn: string;
  prices: typeof PRICES;
  perThousandVms: CostEstimate;
  perThousandWatcherHours: CostEstimate;
  /** the same watchers polling `requests.get` every 3 s instead of push: what push saves */
  perThousandPollerHours: CostEstimate;
  ceiling: DatabaseCeiling | null;
  assumptions: string[];
}

export interface CostInputs {
  latency: readonly LatencySummary[];
  burst: BurstSummary | null;
  d1Ceiling: D1CeilingSummary | null;
}

const MB = 1 / 1024;
const DO_GB = 128 * MB;
/** stage frames (CLONING … WAITING_FOR_NETWORK, READY) and the terminal frame: the bench's "updates" */
const UPDATES_PER_VM = 6;
/** bytes a provisioned VM leaves in D1 (10 events with metadata, summary, timeline, stage runs, audit) */
const BYTES_PER_VM = 16 * 1024;
const D1_MAX_BYTES = 10 * 1024 ** 3;

const measuredOr = (value: number | undefined, field: string, fallback: number, why: string): Quantity =>
  value !== undefined && Number.isFinite(value)
    ? { value, basis: `measured: ${field}` }
    : { value: fallback, basis: `assumed ${fallback} (${field} not measured in this run): ${why}` };

/** Worker invocations and their CPU: the CPU of one update stands for the CPU of one call. */
const workerCalls = (calls: Quantity, cpuPerCall: Quantity): Partial<Record<Knob, Quantity>> => ({
  workerRequest: calls,
  workerCpuMs: {
    value: calls.value * cpuPerCall.value,
    basis: `${calls.value} calls × CPU per update as a call's CPU (${cpuPerCall.basis}; an upper bound: local workerd also runs D1's SQLite)`,
  },
});

function estimate(unit: string, quantities: Partial<Record<Knob, Quantity>>): CostEstimate {
  const lines = (Object.entries(quantities) as [Knob, Quantity][]).map(([knob, q]) => ({
    knob,
    quantity: Math.round(q.value * 1000 * 100) / 100,
    usd: Math.round(q.value * 1000 * PRICES[knob].usd * 1e6) / 1e6,
    basis: q.basis,
  }));
  const totalUsd = Math.round(lines.reduce((n, l) => n + l.usd, 0) * 1e6) / 1e6;
  const top = lines.reduce((a, b) => (b.usd > a.usd ? b : a));
  return {
    unit,
    lines,
    totalUsd,
    dominant: { knob: top.knob, share: totalUsd > 0 ? Math.round((top.usd / totalUsd) * 100) / 100 : 0 },
  };
}

export function computeCostModel(input: CostInputs): CostModel {
  const busy = input.latency.find((l) => l.inFlight === 100) ?? input.latency[0];
  const cpuPerInvocation = measuredOr(
    busy?.edgeCpuMsPerUpdate.median,
    "latency[].edgeCpuMsPerUpdate",
    5,
    "a small tRPC call or a job update",
  );
  // an update's wall time from agent send to browser: the hub and the progress object awake, one after the other
  const awakeMsPerUpdate = measuredOr(busy?.push.p50.median, "latency[].push.p50", 20, "stage → browser p50");
  const ceilingRows = input.d1Ceiling?.levels[0]?.rowsPerLifecycle;
  const rowsPerVm = measuredOr(
    input.burst?.d1RowsPerRequest.median,
    "burst.d1RowsPerRequest",
    ceilingRows ?? 36,
    ceilingRows
      ? "the synthetic lifecycle's rows (d1Ceiling), without outbox and presence"
      : "round 1's figure",
  );

  // per VM: requests.create, approvals.approve, the progress socket's upgrade, two requests.get of the page
  const apiCallsPerVm = 5;
  // enqueueJob, RequestProgress.publish per update, TenantFeed.publish per status change (PENDING,
  // APPROVED, PROVISIONING, READY: request-change.ts) and per inbox notification (2), the progress socket's
  // connect, one hub alarm (lease sweep), and ~8 agent frames (accept, 6 reports, a lease renewal) billed
  // 20:1 as incoming WebSocket messages
  const doRequestsPerVm = 1 + UPDATES_PER_VM + 4 + 2 + 1 + 1 + 8 / 20;
  const doAwakeSecondsPerVm = ((UPDATES_PER_VM + 4) * awakeMsPerUpdate.value) / 1000;
  const perThousandVms = estimate("1,000 VMs provisioned", {
    ...workerCalls(
      { value: apiCallsPerVm, basis: "counted: the UI's calls per VM (create, approve, socket, 2 reads)" },
      cpuPerInvocation,
    ),
    doRequest: {
      value: doRequestsPerVm,
      basis:
        "counted in code: 1 enqueue + 6 progress publishes + 4 status + 2 inbox feed publishes + 1 socket + 1 alarm + 8 agent frames ÷ 20",
    },
    doGbSecond: {
      value: doAwakeSecondsPerVm * DO_GB,
      basis: `(6 updates + 4 feed changes) × ${awakeMsPerUpdate.value} ms awake × 128 MB (${awakeMsPerUpdate.basis}; hibernated otherwise)`,
    },
    d1RowWritten: rowsPerVm,
    d1RowRead: { value: 200, basis: "assumed 200: not metered (reads use first()/raw()); indexed lookups" },
    d1StorageGbMonth: {
      value: BYTES_PER_VM / 1024 ** 3,
      basis: `assumed ${BYTES_PER_VM / 1024} KB per VM kept for one month`,
    },
    queueOperation: {
      value: 2 * 3,
      basis:
        "assumed 2 e-mail notifications per VM (pending → approver, ready → requester), 1 message each, 3 operations",
    },
  });

  // a watcher: a person with a request's page open for an hour (progress socket + tenant feed socket)
  const openCalls = 5;
  const changesPerHour = 60;
  const readRowsPerCall = 20;
  const perThousandWatcherHours = estimate("1,000 watcher-hours", {
    ...workerCalls(
      { value: openCalls, basis: "assumed: 2 socket upgrades + 3 tRPC reads when the page opens" },
      cpuPerInvocation,
    ),
    doRequest: {
      value: 2,
      basis:
        "counted: 2 socket connects; pings are answered by setWebSocketAutoResponse without waking the object",
    },
    doGbSecond: {
      value: ((changesPerHour * awakeMsPerUpdate.value) / 1000) * DO_GB,
      basis: `assumed ${changesPerHour} pushed changes an hour, each waking the object ${awakeMsPerUpdate.value} ms, charged whole to one watcher (upper bound)`,
    },
    d1RowRead: { value: 3 * readRowsPerCall, basis: `assumed ${readRowsPerCall} rows per read` },
  });
  const pollsPerHour = 3600 / 3;
  const perThousandPollerHours = estimate("1,000 watcher-hours, polling every 3 s", {
    ...workerCalls({ value: pollsPerHour, basis: "a requests.get every 3 s" }, cpuPerInvocation),
    d1RowRead: { value: pollsPerHour * readRowsPerCall, basis: `assumed ${readRowsPerCall} rows per read` },
  });

  return {
    pricesReadOn: PRICES_READ_ON,
    prices: PRICES,
    perThousandVms,
    perThousandWatcherHours,
    perThousandPollerHours,
    ceiling: databaseCeiling(input.d1Ceiling, rowsPerVm),
    assumptions: [
      "Marginal list prices of Workers Paid (Standard): the $5 monthly plan and its included usage are not subtracted.",
      "Worker CPU per call is the edge's CPU per job update measured in local workerd (Worker, Durable Objects and D1's SQLite in one process): an upper bound for a Worker invocation.",
      "Durable Objects bill wall time only while awake; every socket is hibernatable, so duration is the time an update keeps the objects awake (stage → browser p50), not the hour.",
      "D1 rows read are not metered by the bench (the edge reads with first()/raw(), which drop D1's meta); at $0.001 per million they stay negligible unless reads exceed ~1,000× rows written.",
      "Queue messages per notification: one per e-mail or webhook delivery (delivery-queue.ts), 3 operations each; 2 notifications per VM.",
    ],
  };
}

function databaseCeiling(ceiling: D1CeilingSummary | null, rowsPerVm: Quantity): DatabaseCeiling | null {
  const levels = ceiling?.levels ?? [];
  const [first] = levels;
  if (!first) return null;
  const top = levels.reduce(
    (a, b) => (b.rowsWrittenPerSecond.median > a.rowsWrittenPerSecond.median ? b : a),
    first,
  );
  const requestsPerSecond = top.rowsWrittenPerSecond.median / rowsPerVm.value;
  return {
    concurrency: top.concurrency,
    rowsWrittenPerSecond: top.rowsWrittenPerSecond.median,
    rowsPerRequest: rowsPerVm.value,
    requestsPerSecond: Math.round(requestsPerSecond * 10) / 10,
    vmsPerDayAtTenfoldPeak: Math.round((requestsPerSecond * 86_400) / 10),
    vmsUntilSizeLimit: Math.round(D1_MAX_BYTES / BYTES_PER_VM),
    basis: `measured local write ceiling (d1Ceiling, best concurrency) ÷ rows per request (${rowsPerVm.basis}); ${BYTES_PER_VM / 1024} KB per VM assumed for the size limit`,
  };
}
