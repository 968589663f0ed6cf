import type { JobContext } from "@gantry/agent/jobs/job-context";
import type { Logger } from "@gantry/agent/log";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { StepDetail, VmActionStep } from "@gantry/shared/jobs/vm-action-job";
import { memoryLogger } from "../vsphere/fixture.ts";

export interface FakeJobContext extends JobContext {
  readonly stages: ProvisioningStage[];
  readonly percents: { stage: ProvisioningStage; percent: number }[];
  /** a VM action's steps, in order */
  readonly steps: { step: VmActionStep; detail: StepDetail }[];
  readonly lines: string[];
  /** Number of assertLease() calls (one before every mutating vCenter call). */
  leaseChecks: number;
  /** Make assertLease() throw from now on. */
  loseLease(): void;
  abort(reason?: unknown): void;
  /** Resolves when `stage` is reported (at once if it was already). */
  reached(stage: ProvisioningStage): Promise<void>;
  /** Resolves at the first percent reported for `stage`. */
  firstPercent(stage: ProvisioningStage): Promise<number>;
}

/** A JobContext that records what the handler reports (the interface is ours; no runner needed). */
export function fakeJobContext(options: { attempt?: number; log?: Logger } = {}): FakeJobContext {
  const controller = new AbortController();
  const memory = memoryLogger();
  let leaseLost = false;
  const listeners: (() => void)[] = [];
  const notify = () => {
    for (const l of listeners.splice(0)) l();
  };
  const when = <T>(value: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const v = value();
        if (v === undefined) listeners.push(check);
        else resolve(v);
      };
      check();
    });
  const ctx: FakeJobContext = {
    signal: controller.signal,
    log: options.log ?? memory.log,
    attempt: options.attempt ?? 1,
    stages: [],
    percents: [],
    steps: [],
    lines: memory.lines,
    leaseChecks: 0,
    reportStage(stage) {
      ctx.stages.push(stage);
      notify();
    },
    reportPercent(stage, percent) {
      ctx.percents.push({ stage, percent });
      notify();
    },
    reportStep(step, detail = {}) {
      ctx.steps.push({ step, detail });
      notify();
    },
    reached: (stage) => when(() => (ctx.stages.includes(stage) ? true : undefined)).then(() => undefined),
    firstPercent: (stage) => when(() => ctx.percents.find((p) => p.stage === stage)?.percent),
    assertLease() {
      ctx.leaseChecks += 1;
      if (leaseLost) {
        const error = new Error("lease expired");
        error.name = "LeaseLostError";
        throw error;
      }
    },
    loseLease() {
      leaseLost = true;
    },
    abort(reason?: unknown) {
      controller.abort(reason);
    },
  };
  return ctx;
}

let counter = 0;

/** A valid job for the simulator's default inventory; every call gets a fresh name and request id. */
export function testJob(overrides: Partial<ProvisionVmJob> = {}): ProvisionVmJob {
  counter += 1;
  const n = `${Date.now().toString(36)}-${counter}`;
  return {
    kind: "provision-vm",
    jobId: `job-${n}`,
    requestId: `req-${n}`,
    tenantSlug: "acme",
    projectSlug: "shop",
    vmName: `shop-vm-${n}`,
    hostname: `vm-${counter}`,
    cpu: 2,
    memoryMb: 2048,
    diskGb: 20,
    networkPath: "/DC0/network/DC0_DVPG0",
    placement: {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0",
      datastorePath: "/DC0/datastore/LocalDS_0",
    },
    annotation: `Gantry request ${n} for acme/shop`,
    ...overrides,
  };
}
