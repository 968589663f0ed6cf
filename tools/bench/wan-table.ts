import type { WanSummary } from "./wan-summary.ts";

/** The WAN scenario's lines of the printed table: one block per one-way delay (medians over its VMs). */
export function wanLines(wan: WanSummary): string[] {
  return wan.steps.flatMap((s) => [
    `WAN ${s.oneWayMs} ± ${s.jitterMs} ms one-way (browser link ${s.browserDelayMs} ms), ${s.approveToReadyMs.runs} VMs:`,
    `  approval → job start at the agent ${s.approveToJobStartMs.median} ms, → CLONING at the browser ${s.approveToCloningMs.median} ms, → READY ${s.approveToReadyMs.median} ms (+${s.readyOverheadMs} vs 0 ms)`,
    `  of approval → CLONING: agent sends CLONING → browser ${s.cloningToBrowserMs.median} ms`,
    `  stage → browser p50 ${s.stageToBrowser.p50} / p99 ${s.stageToBrowser.p99} ms (${s.stageToBrowser.samples} updates)`,
    `  frames per job: edge → agent ${s.messagesPerJob.edgeToAgent}, agent → edge ${s.messagesPerJob.agentToEdge}; sequential one-way legs ${s.oneWayLegsPerJob} (${s.roundTripsPerJob} round trips)`,
  ]);
}
