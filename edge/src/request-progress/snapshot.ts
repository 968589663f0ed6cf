import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { PROGRESS_PROTOCOL_VERSION, type ProgressFrame } from "@gantry/shared/protocol/progress";
import { computeEta } from "../projections/eta.ts";
import type { ProgressFacts } from "./progress-facts.ts";

/** The newest clone percent; lives in memory only and is lost with the object, by design. */
export interface LivePercent {
  stage: ProvisioningStage;
  percent: number;
  at: string;
}

export type SnapshotFrame = Extract<ProgressFrame, { type: "snapshot" }>;

/** The stage still running, or null before the first stage and after the end. */
export function openStage(facts: ProgressFacts): ProvisioningStage | null {
  const newest = facts.stages[facts.stages.length - 1];
  return newest && newest.endedAt === null && !facts.terminal ? newest.stage : null;
}

/** The whole state as of `facts.lastSeq`, with the eta computed on the edge's clock. */
export function buildSnapshot(input: {
  facts: ProgressFacts;
  live: LivePercent | null;
  now: number;
}): SnapshotFrame {
  const { facts, live, now } = input;
  const currentStage = openStage(facts);
  return {
    v: PROGRESS_PROTOCOL_VERSION,
    seq: facts.lastSeq,
    type: "snapshot",
    epoch: facts.epoch,
    requestId: facts.requestId,
    serverTime: new Date(now).toISOString(),
    state: {
      stages: facts.stages,
      currentStage,
      percent: live && currentStage === live.stage ? live.percent : null,
      eta: computeEta({ stats: facts.stats, stages: facts.stages, now }),
      tooLong: facts.slowAt !== null,
      warnings: facts.warnings,
      terminal: facts.terminal,
    },
  };
}

/** An ephemeral percent frame; it repeats the seq of the durable state it follows. */
export function percentFrame(live: LivePercent, seq: number): ProgressFrame {
  return { v: PROGRESS_PROTOCOL_VERSION, seq, type: "percent", ...live };
}
