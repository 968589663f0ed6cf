import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { describe, expect, it } from "vitest";
import type { JobContext } from "../jobs/job-context.ts";
import { StageReporter } from "./stage-reporter.ts";

function recorder() {
  const stages: ProvisioningStage[] = [];
  const percents: [ProvisioningStage, number][] = [];
  const ctx = {
    reportStage: (s: ProvisioningStage) => stages.push(s),
    reportPercent: (s: ProvisioningStage, p: number) => percents.push([s, p]),
  } as unknown as JobContext;
  return { ctx, stages, percents };
}

describe("StageReporter", () => {
  it("reports every stage once and in order, filling skipped ones", () => {
    const { ctx, stages } = recorder();
    const reporter = new StageReporter(ctx);
    reporter.reach("CLONING");
    reporter.reach("CLONING");
    reporter.reach("POWERING_ON");
    reporter.reach("CONFIGURING");
    reporter.reach("READY");
    expect(stages).toEqual(["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"]);
  });

  it("forwards percent only for the current stage, clamped", () => {
    const { ctx, percents } = recorder();
    const reporter = new StageReporter(ctx);
    reporter.percent("CLONING", 5);
    reporter.reach("CLONING");
    reporter.percent("CLONING", 42.4);
    reporter.percent("CLONING", 140);
    reporter.percent("CONFIGURING", 10);
    expect(percents).toEqual([
      ["CLONING", 42],
      ["CLONING", 100],
    ]);
  });
});
