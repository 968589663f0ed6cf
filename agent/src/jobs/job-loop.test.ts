import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { AgentToEdge, EdgeToAgent, FrameBody } from "@gantry/shared/protocol/agent";
import { err, ok } from "@gantry/shared/result";
import { describe, expect, it } from "vitest";
import { Outbox } from "../edge/outbox.ts";
import { createLogger } from "../log.ts";
import { createHandlerRegistry, type JobHandler } from "./handlers.ts";
import { JobLoop } from "./job-loop.ts";
import { Journal } from "./journal.ts";
import { sampleJob } from "./sample-job.ts";

const job = sampleJob("j-1");
const vm = { vmwareId: "vm-1", vmName: "web-app", hostname: "app", ipAddress: null };
const env = { v: 1, id: "e" };
const offer: EdgeToAgent = { ...env, type: "job.offer", jobId: "j-1", kind: "provision-vm", attempt: 1 };
const grant: EdgeToAgent = {
  ...env,
  type: "job.granted",
  jobId: "j-1",
  epoch: 1,
  attempt: 1,
  leaseTtlMs: 60_000,
  lastSeq: 0,
  stages: [],
  job,
};

/** A handler that runs until released, so tests decide when a job ends. */
function gatedHandler() {
  let release: (value: "ok" | "fail") => void = () => {};
  const gate = new Promise<"ok" | "fail">((r) => {
    release = r;
  });
  let signal: AbortSignal | null = null;
  const handler: JobHandler = async (_job, ctx) => {
    signal = ctx.signal;
    ctx.reportStage("CLONING");
    const how = await Promise.race([
      gate,
      new Promise<"aborted">((r) => ctx.signal.addEventListener("abort", () => r("aborted"))),
    ]);
    if (how === "aborted") {
      return err({
        code: "CANCELLED",
        userMessage: "",
        technicalDetail: "",
        retriable: false,
        attempts: 1,
        cleanupFailed: false,
      });
    }
    return ok(vm);
  };
  return { handler, release: (v: "ok" | "fail" = "ok") => release(v), signal: () => signal };
}

function setup(
  options: { capacity?: number; handler?: JobHandler; dir?: string; outboxLimit?: number } = {},
) {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "gantry-loop-"));
  const journal = Journal.open(dir);
  const sent: FrameBody<AgentToEdge>[] = [];
  const sentIds = new Map<FrameBody<AgentToEdge>, string>();
  const raw: string[] = [];
  const outbox = new Outbox(journal, {
    limit: options.outboxLimit ?? 100,
    ackTimeoutMs: 60_000,
    send: (r) => raw.push(r) > 0,
  });
  const watchers: ((body: FrameBody<AgentToEdge>) => void)[] = [];
  /** Resolves with the next frame of `type` the loop sends. */
  const nextSent = <TType extends AgentToEdge["type"]>(type: TType) =>
    new Promise<Extract<FrameBody<AgentToEdge>, { type: TType }>>((resolve) => {
      watchers.push((body) => {
        if (body.type === type) resolve(body as Extract<FrameBody<AgentToEdge>, { type: TType }>);
      });
    });
  const loop = new JobLoop({
    journal,
    outbox,
    sender: {
      send: (body, id) => {
        sent.push(body);
        if (id !== undefined) sentIds.set(body, id);
        for (const w of watchers) w(body);
        return id ?? "id";
      },
    },
    handlers: createHandlerRegistry({ "provision-vm": options.handler }),
    capacity: options.capacity ?? 1,
    version: "test",
    log: createLogger({ write: () => {} }),
    answerCall: async () => ({ method: "vcenter.test", outcome: { ok: true, value: { checks: [] } } }),
    calls: ["vcenter.test"],
  });
  const types = () => sent.map((s) => s.type);
  const durable = () =>
    raw.map((r) => JSON.parse(r) as { type: string; jobId: string; seq: number; epoch: number });
  return { dir, journal, outbox, loop, sent, sentIds, types, durable, nextSent };
}

const settled = () => new Promise((r) => setImmediate(r));

/** Reports the given stages of each job at once, then runs until released (or aborted). */
function stagingHandler(stagesByJob: Record<string, ProvisioningStage[]>) {
  const releases = new Map<string, () => void>();
  const handler: JobHandler = async (job, ctx) => {
    for (const stage of stagesByJob[job.jobId] ?? []) ctx.reportStage(stage);
    const how = await new Promise<"released" | "aborted">((resolve) => {
      releases.set(job.jobId, () => resolve("released"));
      if (ctx.signal.aborted) resolve("aborted");
      ctx.signal.addEventListener("abort", () => resolve("aborted"));
    });
    if (how === "released") return ok(vm);
    return err({
      code: "CANCELLED",
      userMessage: "",
      technicalDetail: "",
      retriable: false,
      attempts: 1,
      cleanupFailed: false,
    });
  };
  return { handler, release: (jobId: string) => releases.get(jobId)?.() };
}

describe("JobLoop", () => {
  it("accepts an offer within capacity and declines once full", () => {
    const { loop, sent } = setup({ handler: gatedHandler().handler });
    loop.onFrame(offer);
    loop.onFrame({ ...offer, jobId: "j-2" });
    expect(sent).toEqual([
      { type: "job.accept", jobId: "j-1" },
      { type: "job.decline", jobId: "j-2", reason: "at-capacity" },
    ]);
  });

  it("declines a job kind it has no handler for", () => {
    const { loop, sent } = setup();
    loop.onFrame(offer);
    expect(sent).toEqual([{ type: "job.decline", jobId: "j-1", reason: "unknown-kind" }]);
  });

  it("runs a granted job: stages then the result, seq 1..n under its epoch, journaled until acked", async () => {
    const gated = gatedHandler();
    const { loop, durable, journal } = setup({ handler: gated.handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    expect(loop.inFlight).toBe(1);
    gated.release();
    await settled();
    await settled();
    expect(durable().map((f) => [f.type, f.seq, f.epoch])).toEqual([
      ["job.progress", 1, 1],
      ["job.result", 2, 1],
    ]);
    expect(journal.jobs()).toEqual([]);
    expect(loop.hello().running).toEqual([{ jobId: "j-1", epoch: 1 }]);
    // the hub asks an agent only for the calls it names here
    expect(loop.hello().calls).toEqual(["vcenter.test"]);
  });

  it("renews every lease it holds on each tick", () => {
    const { loop, sent } = setup({ handler: gatedHandler().handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    loop.onTick();
    expect(sent.at(-1)).toEqual({
      type: "lease.renew",
      leases: [{ jobId: "j-1", epoch: 1 }],
      capacity: 1,
      draining: false,
    });
  });

  it("abandons a job whose renewal the edge refused and hands it back", async () => {
    const gated = gatedHandler();
    const { loop, types, outbox } = setup({ handler: gated.handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    loop.onFrame({
      ...env,
      type: "lease.renewed",
      ref: "r",
      leaseTtlMs: 60_000,
      leases: [{ jobId: "j-1", epoch: 1, ok: false }],
    });
    await settled();
    expect(gated.signal()?.aborted).toBe(true);
    expect(types()).toContain("job.release");
    expect(outbox.size).toBe(0);
  });

  it("stops the handler on a requested cancel and reports its result", async () => {
    const gated = gatedHandler();
    const { loop, durable } = setup({ handler: gated.handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    loop.onFrame({ ...env, type: "job.cancel", jobId: "j-1", epoch: 1, reason: "requested" });
    await settled();
    await settled();
    expect(durable().at(-1)).toMatchObject({
      type: "job.result",
      outcome: { ok: false, failure: { code: "CANCELLED" } },
    });
  });

  it("ignores a cancel for another epoch", () => {
    const gated = gatedHandler();
    const { loop } = setup({ handler: gated.handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    loop.onFrame({ ...env, type: "job.cancel", jobId: "j-1", epoch: 7, reason: "lease-expired" });
    expect(gated.signal()?.aborted).toBe(false);
  });

  it("resumes a journaled job after a restart when the edge says it is still ours", async () => {
    const first = gatedHandler();
    const a = setup({ handler: first.handler });
    a.loop.onFrame(offer);
    a.loop.onFrame(grant);
    // the process dies here; a new one opens the same state dir
    const second = gatedHandler();
    const b = setup({ handler: second.handler, dir: a.dir });
    expect(b.loop.hello().running).toEqual([{ jobId: "j-1", epoch: 1 }]);
    b.loop.onWelcome({
      ...env,
      type: "welcome",
      protocol: 1,
      agentId: "a",
      siteId: "s",
      leaseTtlMs: 60_000,
      renewIntervalMs: 1000,
      jobs: [{ jobId: "j-1", epoch: 1, status: "resumed", lastSeq: 1 }],
    });
    expect(b.loop.inFlight).toBe(1);
    second.release();
    await settled();
    await settled();
    expect(b.durable().map((f) => [f.type, f.seq])).toEqual([["job.result", 2]]);
  });

  it("drops a journaled job the edge says was lost", () => {
    const a = setup({ handler: gatedHandler().handler });
    a.loop.onFrame(offer);
    a.loop.onFrame(grant);
    const b = setup({ handler: gatedHandler().handler, dir: a.dir });
    b.loop.onWelcome({
      ...env,
      type: "welcome",
      protocol: 1,
      agentId: "a",
      siteId: "s",
      leaseTtlMs: 60_000,
      renewIntervalMs: 1000,
      jobs: [{ jobId: "j-1", epoch: 1, status: "lost", lastSeq: 1 }],
    });
    expect(b.loop.inFlight).toBe(0);
    expect(b.journal.jobs()).toEqual([]);
  });

  describe("direct grants (protocol 5)", () => {
    const welcome = (protocol: number): EdgeToAgent => ({
      ...env,
      type: "welcome",
      protocol,
      agentId: "a",
      siteId: "s",
      leaseTtlMs: 60_000,
      renewIntervalMs: 1000,
      jobs: [],
    });

    it("runs a job granted without an offer when it has room", async () => {
      const gated = gatedHandler();
      const { loop, durable, journal, sent } = setup({ handler: gated.handler });
      loop.hello();
      loop.onFrame(welcome(5));
      loop.onFrame(grant);
      expect(loop.inFlight).toBe(1);
      expect(journal.jobs().map((j) => [j.job.jobId, j.epoch])).toEqual([["j-1", 1]]);
      gated.release();
      await settled();
      await settled();
      expect(durable().map((f) => [f.type, f.seq, f.epoch])).toEqual([
        ["job.progress", 1, 1],
        ["job.result", 2, 1],
      ]);
      // nothing was accepted or released: the grant alone started the job
      expect(sent.map((f) => f.type)).toEqual([]);
    });

    it("refuses a direct grant beyond its capacity, for a kind it does not run, or while draining", async () => {
      const full = setup({ handler: gatedHandler().handler });
      full.loop.hello();
      full.loop.onFrame(welcome(5));
      full.loop.onFrame(grant);
      full.loop.onFrame({ ...grant, jobId: "j-2", epoch: 3 });
      expect(full.sent).toEqual([{ type: "job.release", jobId: "j-2", epoch: 3, reason: "refused" }]);
      expect(full.journal.jobs().map((j) => j.job.jobId)).toEqual(["j-1"]);

      const noHandler = setup();
      noHandler.loop.hello();
      noHandler.loop.onFrame(welcome(5));
      noHandler.loop.onFrame(grant);
      expect(noHandler.sent).toEqual([{ type: "job.release", jobId: "j-1", epoch: 1, reason: "refused" }]);
      expect(noHandler.loop.inFlight).toBe(0);

      const draining = setup({ handler: gatedHandler().handler, capacity: 2 });
      draining.loop.hello();
      draining.loop.onFrame(welcome(5));
      await draining.loop.stopGracefully(0);
      draining.loop.onFrame(grant);
      expect(draining.sent.at(-1)).toEqual({
        type: "job.release",
        jobId: "j-1",
        epoch: 1,
        reason: "refused",
      });
      expect(draining.loop.inFlight).toBe(0);
    });

    it("gives back a grant it never accepted when the edge speaks an older protocol", () => {
      const { loop, sent } = setup({ handler: gatedHandler().handler });
      loop.hello();
      loop.onFrame(welcome(4));
      loop.onFrame(grant);
      expect(sent).toEqual([{ type: "job.release", jobId: "j-1", epoch: 1, reason: "shutdown" }]);
      expect(loop.inFlight).toBe(0);
    });
  });

  it("drains gracefully: declines new offers and waits for the running job", async () => {
    const gated = gatedHandler();
    const { loop, sent } = setup({ handler: gated.handler, capacity: 2 });
    loop.onFrame(offer);
    loop.onFrame(grant);
    const stopped = loop.stopGracefully(60_000);
    loop.onFrame({ ...offer, jobId: "j-2" });
    expect(sent.at(-1)).toEqual({ type: "job.decline", jobId: "j-2", reason: "draining" });
    gated.release();
    await stopped;
    expect(loop.inFlight).toBe(0);
  });

  it("hands running jobs back when the grace period ends", async () => {
    const gated = gatedHandler();
    const { loop, types } = setup({ handler: gated.handler });
    loop.onFrame(offer);
    loop.onFrame(grant);
    await loop.stopGracefully(10);
    expect(types()).toContain("job.release");
  });

  it("gives a job back when the outbox is full, discarding its frames but not another job's", async () => {
    const staged = stagingHandler({ "j-1": ["CLONING", "CONFIGURING"], "j-2": ["CLONING", "CONFIGURING"] });
    const { loop, outbox, journal, durable, nextSent } = setup({
      handler: staged.handler,
      capacity: 2,
      outboxLimit: 3,
    });
    const grant2: EdgeToAgent = { ...grant, jobId: "j-2", job: sampleJob("j-2") };
    loop.onFrame(offer);
    loop.onFrame({ ...offer, jobId: "j-2" });
    loop.onFrame(grant);
    // the edge acks nothing: j-1's two stages and j-2's first fill the outbox, j-2's second overflows it
    const released = nextSent("job.release");
    loop.onFrame(grant2);
    expect(await released).toEqual({ type: "job.release", jobId: "j-2", epoch: 1, reason: "lease-lost" });
    expect(outbox.pending().map((e) => [e.jobId, e.seq])).toEqual([
      ["j-1", 1],
      ["j-1", 2],
    ]);
    expect(journal.job("j-2")).toBeUndefined();
    expect(loop.inFlight).toBe(1);

    // the room j-2's frames left lets j-1 report its result
    staged.release("j-1");
    await loop.stopGracefully(60_000);
    expect(durable().map((f) => [f.jobId, f.type, f.seq])).toEqual([
      ["j-1", "job.progress", 1],
      ["j-1", "job.progress", 2],
      ["j-2", "job.progress", 1],
      ["j-1", "job.result", 3],
    ]);
  });

  it("keeps nothing of a job once it has ended and the edge acked its frames, however many it ran", async () => {
    const { loop, sent, sentIds, durable, journal, outbox } = setup({
      handler: async () => ok(vm),
      capacity: 4,
    });
    const acked = new Set<string>();
    for (let n = 0; n < 40; n += 4) {
      const ids = [0, 1, 2, 3].map((i) => `j-${n + i}`);
      for (const jobId of ids) loop.onFrame({ ...offer, jobId });
      for (const jobId of ids) loop.onFrame({ ...grant, jobId, job: sampleJob(jobId) });
      // a renewal while they run, answered as the hub does
      loop.onTick();
      const renew = sent.findLast((s) => s.type === "lease.renew");
      const ref = renew && sentIds.get(renew);
      if (renew?.type === "lease.renew" && ref !== undefined) {
        const leases = renew.leases.map((l) => ({ ...l, ok: true }));
        loop.onFrame({ ...env, type: "lease.renewed", ref, leaseTtlMs: 60_000, leases });
      }
      await settled();
      await settled();
      for (const frame of durable() as unknown as { id: string }[]) {
        if (acked.has(frame.id)) continue;
        acked.add(frame.id);
        loop.onFrame({ ...env, type: "ack", ref: frame.id });
      }
    }
    expect(durable().filter((f) => f.type === "job.result")).toHaveLength(40);
    expect(loop.inFlight).toBe(0);
    expect(loop.retained).toEqual({ runs: 0, pendingAccepts: 0, renewalsSent: 0 });
    expect(journal.jobs()).toEqual([]);
    expect(outbox.size).toBe(0);
    expect(loop.hello().running).toEqual([]);
  });

  it("answers a call from the edge", async () => {
    const { loop, sent } = setup();
    loop.onFrame({ ...env, id: "c-1", type: "call", call: { method: "vcenter.test" }, timeoutMs: 1000 });
    await settled();
    expect(sent.at(-1)).toMatchObject({ type: "call.result", ref: "c-1" });
  });
});
