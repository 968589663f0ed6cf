import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok } from "@gantry/shared/result";
import { describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { type JobHandler, runProvision } from "./handlers.ts";
import { type DurableFrame, JobRun } from "./job-runner.ts";
import { LeaseClock } from "./lease-clock.ts";
import { LeaseLostError } from "./lease-lost-error.ts";
import { sampleJob } from "./sample-job.ts";

const job = sampleJob("j-1");
const vm = { vmwareId: "vm-1", vmName: "web-app", hostname: "app", ipAddress: "10.0.0.1" };
const log = createLogger({ write: () => {} });

function runner(
  handler: JobHandler,
  options: { leaseValid?: () => boolean; stages?: ("CLONING" | "CONFIGURING")[] } = {},
) {
  const frames: DurableFrame[] = [];
  const percents: number[] = [];
  let now = 0;
  const lease = new LeaseClock(10_000, 0, () => (options.leaseValid?.() === false ? 1e9 : now));
  const run = new JobRun({
    job,
    attempt: 1,
    handler: runProvision(handler),
    lease,
    log,
    stagesReported: options.stages ?? [],
    emitDurable: (f) => frames.push(f),
    emitPercent: (u) => percents.push(u.percent),
  });
  return { run, frames, percents, tick: (ms: number) => (now += ms) };
}

describe("JobRun", () => {
  it("reports stages in order and the result last", async () => {
    const { run, frames } = runner(async (_job, ctx) => {
      ctx.reportStage("CLONING");
      ctx.reportStage("READY");
      return ok(vm);
    });
    expect(await run.run()).toBe("reported");
    expect(
      frames.map((f) => (f.type === "job.progress" ? f.update.kind === "stage" && f.update.stage : f.type)),
    ).toEqual(["CLONING", "READY", "job.result"]);
  });

  it("does not report a stage an earlier attempt already reported", async () => {
    const { run, frames } = runner(
      async (_job, ctx) => {
        ctx.reportStage("CLONING");
        ctx.reportStage("CONFIGURING");
        return ok(vm);
      },
      { stages: ["CLONING"] },
    );
    await run.run();
    expect(frames).toHaveLength(2);
  });

  it("reports an expected failure as the job's result", async () => {
    const failure: ProvisioningFailure = {
      code: "TEMPLATE_NOT_FOUND",
      userMessage: "no template",
      technicalDetail: "",
      retriable: false,
      attempts: 1,
      cleanupFailed: false,
    };
    const { run, frames } = runner(async () => err(failure));
    await run.run();
    expect(frames.at(-1)).toMatchObject({
      type: "job.result",
      outcome: { ok: false, failure: { code: "TEMPLATE_NOT_FOUND" } },
    });
  });

  it("turns a thrown error into an UNKNOWN failure result", async () => {
    const { run, frames } = runner(async () => {
      throw new Error("boom");
    });
    await run.run();
    expect(frames.at(-1)).toMatchObject({
      outcome: { ok: false, failure: { code: "UNKNOWN", technicalDetail: "Error: boom" } },
    });
  });

  it("fences itself: assertLease throws once the lease could have expired, and nothing is reported", async () => {
    let valid = true;
    const { run, frames } = runner(
      async (_job, ctx) => {
        ctx.assertLease();
        valid = false;
        ctx.assertLease();
        return ok(vm);
      },
      { leaseValid: () => valid },
    );
    expect(await run.run()).toBe("abandoned");
    expect(frames).toEqual([]);
  });

  it("aborts the handler's signal on cancel and reports what the handler returns", async () => {
    const { run, frames } = runner(
      (_job, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () =>
            resolve(
              err({
                code: "CANCELLED",
                userMessage: "",
                technicalDetail: "",
                retriable: false,
                attempts: 1,
                cleanupFailed: false,
              }),
            ),
          );
        }),
    );
    const done = run.run();
    run.stop("cancelled");
    expect(await done).toBe("reported");
    expect(frames.at(-1)).toMatchObject({ outcome: { ok: false, failure: { code: "CANCELLED" } } });
  });

  it("abandons a run stopped for shutdown", async () => {
    const { run } = runner(
      (_job, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => reject(new LeaseLostError("stopped")));
        }),
    );
    const done = run.run();
    run.stop("shutdown");
    expect(await done).toBe("abandoned");
  });

  it("coalesces percents to one per second", async () => {
    const { run, percents } = runner(async (_job, ctx) => {
      ctx.reportPercent("CLONING", 10);
      ctx.reportPercent("CLONING", 20);
      return ok(vm);
    });
    await run.run();
    expect(percents).toEqual([10]);
  });
});
