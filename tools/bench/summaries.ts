import type { BurstRun } from "./scenario-burst.ts";
import type { EventStoreResult } from "./scenario-event-store.ts";
import type { LatencyRun } from "./scenario-latency.ts";
import type { OverheadResult, SoapCounts } from "./scenario-overhead.ts";
import { type Figure, figure, type PercentileFigures, percentileFigures } from "./stats.ts";

// what results.json says of each scenario, summarised over its runs; README.md documents every field

export interface LatencySummary {
  inFlight: number;
  pacing: string;
  /** subscriber receive − agent send, ms, over stage and terminal frames */
  push: PercentileFigures;
  /** agent send → hub ack (fencing + D1 append, before the fan-out to browsers), ms */
  hubAck: PercentileFigures;
  /** per update (each stage, and the terminal frame): its p50 and p99 over the runs */
  byUpdate: Record<string, { p50: Figure; p99: Figure }>;
  /** what a 3-second requests.get poller saw of the same changes (paced runs only) */
  poller3s: (PercentileFigures & { seenPerRun: Figure; missedPerRun: Figure }) | null;
  /** poller ÷ push, per run */
  ratio: { p50: Figure; p99: Figure } | null;
  /** updates offered to the hub per second while measuring */
  updatesPerSecond: Figure;
  /** CPU of the edge's workerd processes per update, ms, and in cores busy while measuring */
  edgeCpuMsPerUpdate: Figure;
  edgeCpuCores: Figure;
  /** ms per update the edge's threads waited for a CPU (busy machine), not counted as CPU */
  edgeCpuWaitMsPerUpdate: Figure;
  /** D1 calls per update and their wall time (call → result, inside the Worker), ms */
  d1CallsPerUpdate: Figure;
  d1CallP50Ms: Figure;
  d1CallP99Ms: Figure;
  /** p99 event-loop delay of the bench process itself while measuring, ms */
  benchLoopDelayP99Ms: Figure;
  errorsPerRun: Figure;
  errorDetail: string[];
}

export interface OverheadSummary {
  productMs: Figure;
  floorMs: Figure;
  ratio: Figure;
  overheadMs: Figure;
  approvalToFirstStageMs: Figure;
  /** submit → READY of a request the approval policy approved at submission */
  autoSubmitToReadyMs: Figure;
  /** that ÷ approval → READY */
  autoRatio: Figure;
}

export interface SoapSummary {
  perVm: { product: Figure; floor: Figure };
  perVmByMethod: { product: Record<string, number>; floor: Record<string, number> };
  sessionSetup: { product: SoapCounts; floor: number };
  inventoryOnConnect: SoapCounts;
  govcReference: { perClone: number; perCloneWithIpWait: number };
}

export interface BurstSummary {
  requests: number;
  agents: number;
  concurrencyPerAgent: number;
  wallMs: Figure;
  vmsPerMinute: Figure;
  d1RowsPerRequest: Figure;
  soapPerVm: Figure;
  peakAgentRssMib: Figure;
  errors: Figure;
  /** per run: the error breakdown, requests not READY and where the scenario's time went */
  detail: Pick<BurstRun, "errors" | "notReadyDetail" | "phasesMs" | "d1RowsPerRequestByStatement">[];
}

export interface EventStoreSummary {
  /** one commit per command, as the workflow writes */
  appendEventsPerSecond: Figure;
  appendCommitsPerSecond: Figure;
  /** one commit per request lifecycle (10 events), used to fill the log to its size */
  fillEventsPerSecond: Figure;
  rowsWrittenPerEvent: number;
  rebuildMs: Figure;
  /** of the rebuild: the replay into fresh tables, then their comparison with the live ones */
  rebuildReplayMs: Figure;
  rebuildCompareMs: Figure;
  eventsReplayed: number;
  rebuildEqual: boolean;
}

export function summarizeLatency(input: {
  inFlight: number;
  pacing: string;
  runs: LatencyRun[];
}): LatencySummary {
  const { runs } = input;
  const pollers = runs.flatMap((r) => (r.poller ? [r.poller] : []));
  const errorsOf = (r: LatencyRun) =>
    r.errors.missing + r.errors.unacked + r.errors.hub.length + r.errors.http;
  return {
    inFlight: input.inFlight,
    pacing: input.pacing,
    push: percentileFigures(runs.map((r) => r.push)),
    hubAck: percentileFigures(runs.map((r) => r.ack)),
    byUpdate: Object.fromEntries(
      Object.keys(runs[0]?.byUpdate ?? {}).map((update) => {
        const perRun = runs.flatMap((r) => r.byUpdate[update] ?? []);
        return [update, { p50: figure(perRun.map((p) => p.p50)), p99: figure(perRun.map((p) => p.p99)) }];
      }),
    ),
    poller3s:
      pollers.length === 0
        ? null
        : {
            ...percentileFigures(
              pollers.map((p) => p.latency),
              0,
            ),
            seenPerRun: figure(
              pollers.map((p) => p.seen),
              0,
            ),
            missedPerRun: figure(
              pollers.map((p) => p.missed),
              0,
            ),
          },
    ratio:
      pollers.length === 0
        ? null
        : {
            p50: figure(runs.flatMap((r) => (r.poller ? [r.poller.latency.p50 / r.push.p50] : []))),
            p99: figure(runs.flatMap((r) => (r.poller ? [r.poller.latency.p99 / r.push.p99] : []))),
          },
    updatesPerSecond: figure(runs.map((r) => r.updatesPerSecond)),
    edgeCpuMsPerUpdate: figure(runs.map((r) => r.edgeCpuMsPerUpdate)),
    edgeCpuCores: figure(
      runs.map((r) => r.edgeCpuCores),
      2,
    ),
    edgeCpuWaitMsPerUpdate: figure(runs.map((r) => r.edgeCpuWaitMsPerUpdate)),
    d1CallsPerUpdate: figure(runs.map((r) => r.d1.callsPerUpdate)),
    d1CallP50Ms: figure(runs.map((r) => r.d1.callP50)),
    d1CallP99Ms: figure(runs.map((r) => r.d1.callP99)),
    benchLoopDelayP99Ms: figure(runs.map((r) => r.benchLoopDelayP99Ms)),
    errorsPerRun: figure(runs.map(errorsOf), 0),
    errorDetail: [...new Set(runs.flatMap((r) => r.errors.hub))].slice(0, 10),
  };
}

export function summarizeOverhead(result: OverheadResult): { overhead: OverheadSummary; soap: SoapSummary } {
  const { rounds } = result;
  return {
    overhead: {
      productMs: figure(rounds.map((r) => r.productMs)),
      floorMs: figure(rounds.map((r) => r.floorMs)),
      ratio: figure(
        rounds.map((r) => r.ratio),
        3,
      ),
      overheadMs: figure(rounds.map((r) => r.overheadMs)),
      approvalToFirstStageMs: figure(rounds.map((r) => r.firstStageMs)),
      autoSubmitToReadyMs: figure(rounds.map((r) => r.autoMs)),
      autoRatio: figure(
        rounds.map((r) => r.autoRatio),
        3,
      ),
    },
    soap: {
      perVm: {
        product: figure(rounds.map((r) => r.productRoundTrips)),
        floor: figure(rounds.map((r) => r.floorRoundTrips)),
      },
      perVmByMethod: result.steadyByMethod,
      sessionSetup: result.sessionSetup,
      inventoryOnConnect: result.inventoryOnConnect,
      // reference §5: govc 0.24 on the same simulator
      govcReference: { perClone: 30, perCloneWithIpWait: 35 },
    },
  };
}

export function summarizeBurst(
  input: { requests: number; agents: number; concurrency: number },
  runs: BurstRun[],
): BurstSummary {
  return {
    requests: input.requests,
    agents: input.agents,
    concurrencyPerAgent: input.concurrency,
    wallMs: figure(
      runs.map((r) => r.wallMs),
      0,
    ),
    vmsPerMinute: figure(runs.map((r) => r.vmsPerMinute)),
    d1RowsPerRequest: figure(runs.map((r) => r.d1RowsPerRequest)),
    soapPerVm: figure(runs.map((r) => r.soapPerVm)),
    peakAgentRssMib: figure(runs.map((r) => r.peakAgentRssMib)),
    errors: figure(
      runs.map((r) => r.errors.total),
      0,
    ),
    detail: runs.map(({ errors, notReadyDetail, phasesMs, d1RowsPerRequestByStatement }) => ({
      errors,
      notReadyDetail,
      phasesMs,
      d1RowsPerRequestByStatement,
    })),
  };
}

export function summarizeEventStore(result: EventStoreResult): EventStoreSummary {
  return {
    appendEventsPerSecond: figure(result.appendPerRun, 0),
    appendCommitsPerSecond: figure(result.commitsPerSecond, 0),
    fillEventsPerSecond: figure(result.fillPerRun, 0),
    rowsWrittenPerEvent: result.rowsWrittenPerEvent,
    rebuildMs: figure(result.rebuildMs, 0),
    rebuildReplayMs: figure(result.rebuildReplayMs, 0),
    rebuildCompareMs: figure(result.rebuildCompareMs, 0),
    eventsReplayed: result.eventsReplayed,
    rebuildEqual: result.rebuildEqual,
  };
}
