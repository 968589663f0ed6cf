import type { WanRun } from "./scenario-wan.ts";
import { type Figure, figure, median, type Percentiles, percentiles } from "./stats.ts";

/** One one-way delay of the WAN scenario; Figures are over its VMs (`runs` = VMs), not over repeated runs. */
export interface WanStep {
  oneWayMs: number;
  jitterMs: number;
  browserDelayMs: number;
  /** approval → the agent starts the job (its "job started" log line, just before the first vCenter call) */
  approveToJobStartMs: Figure;
  approveToCloningMs: Figure;
  /** of which: the agent sends CLONING → the browser receives it */
  cloningToBrowserMs: Figure;
  approveToReadyMs: Figure;
  /** median approval → READY here minus at 0 ms: what the WAN adds */
  readyOverheadMs: number;
  /** agent sends a stage or the result → the browser receives it, all VMs pooled */
  stageToBrowser: Percentiles;
  /** median frames per job, by type, each way (acks and percent updates included) */
  framesPerJob: { edgeToAgent: Record<string, number>; agentToEdge: Record<string, number> };
  messagesPerJob: { edgeToAgent: number; agentToEdge: number };
  /** sequential one-way trips on a job's critical path, and round trips (÷ 2) */
  oneWayLegsPerJob: number;
  roundTripsPerJob: number;
}

export interface WanSummary {
  steps: WanStep[];
}

const medianByType = (perJob: Record<string, number>[]) =>
  Object.fromEntries(
    [...new Set(perJob.flatMap((c) => Object.keys(c)))]
      .sort()
      .map((t) => [t, median(perJob.map((c) => c[t] ?? 0))]),
  );
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((n, c) => n + c, 0);

export function summarizeWan(runs: readonly WanRun[]): WanSummary {
  const baseline = runs.find((r) => r.oneWayMs === 0);
  const baseReady = baseline ? median(baseline.vms.map((v) => v.toReady)) : Number.NaN;
  return {
    steps: runs.map((run) => {
      const traffic = run.vms.map((v) => v.traffic);
      const legs = median(traffic.map((t) => t.oneWayLegs));
      return {
        oneWayMs: run.oneWayMs,
        jitterMs: run.jitterMs,
        browserDelayMs: run.browserDelayMs,
        approveToJobStartMs: figure(run.vms.map((v) => v.toJobStart)),
        approveToCloningMs: figure(run.vms.map((v) => v.toCloning)),
        cloningToBrowserMs: figure(run.vms.map((v) => v.cloningToBrowser)),
        approveToReadyMs: figure(run.vms.map((v) => v.toReady)),
        readyOverheadMs: Math.round((median(run.vms.map((v) => v.toReady)) - baseReady) * 10) / 10,
        stageToBrowser: percentiles(run.vms.flatMap((v) => v.stageToBrowser)),
        framesPerJob: {
          edgeToAgent: medianByType(traffic.map((t) => t.edgeToAgent)),
          agentToEdge: medianByType(traffic.map((t) => t.agentToEdge)),
        },
        messagesPerJob: {
          edgeToAgent: median(traffic.map((t) => sum(t.edgeToAgent))),
          agentToEdge: median(traffic.map((t) => sum(t.agentToEdge))),
        },
        oneWayLegsPerJob: legs,
        roundTripsPerJob: legs / 2,
      };
    }),
  };
}
