import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { EventMetadata } from "@gantry/shared/events/event-metadata";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { Hono } from "hono";
import { z } from "zod";
import { notifierDeps } from "../src/deps.ts";
import type { EdgeEnv } from "../src/env.ts";
import { type CommitInput, createEventStore, type EventStore } from "../src/event-store/append-to-stream.ts";
import { type NewEvent, type StreamAppend, streamIds } from "../src/event-store/stored-event.ts";
import { runNotifier, wakeNotifier } from "../src/notifications/notifier.ts";
import { INLINE_PROJECTIONS } from "../src/projections/inline-projections.ts";
import { rebuildProjections } from "../src/projections/rebuild-projections.ts";
import { installD1Meter, readD1Meter, resetD1Meter } from "./d1-meter.ts";

/**
 * Measurement hooks for `npm run bench`, mounted at `/agent/dev/bench` by the dev Worker (dev-worker.ts)
 * behind the guard of every dev route (local-dev-guard.ts). Never part of the production Worker.
 *
 * - `/d1-meter`: D1 rows written by every statement this isolate sends, with a breakdown by statement
 *   (d1-meter.ts).
 * - `/append`: synthetic but valid request lifecycles through the real event store and inline projections.
 * - `/rebuild`: the projection rebuild (compare only, nothing swapped), timed inside the Worker.
 * - `/notifier/catch-up`: runs the notifier until it read everything, so one measurement does not pay for
 *   the notifications of the one before it (a run reads at most 2,000 events and waits for the next wake).
 */

const CATCH_UP_LIMIT_MS = 180_000;

const AppendInput = z.object({
  tenantId: z.string().regex(/^[a-z0-9-]{1,40}$/),
  prefix: z.string().regex(/^[A-Za-z0-9_]{1,40}$/),
  from: z.number().int().min(0),
  count: z.number().int().min(1).max(500),
  concurrency: z.number().int().min(1).max(16).default(4),
  /** "commands": one commit per command, as the workflow writes; "lifecycle": one commit per request */
  shape: z.enum(["commands", "lifecycle"]).default("commands"),
});
export type AppendInput = z.infer<typeof AppendInput>;

type Appended = [streamId: string, expectedVersion: number, events: NewEvent[]];
const commit = (...appends: Appended[]): CommitInput => ({
  appends: appends.map(([streamId, expectedVersion, events]) => ({ streamId, expectedVersion, events })),
});

/** The events of one synthetic request, stamped as the workflow stamps them, one second apart. */
class SyntheticRequest {
  readonly requestId: string;
  readonly request: string;
  readonly vm: string;
  readonly #jobId: string;
  readonly #tenantId: string;
  readonly #index: number;
  readonly #startedAt: number;

  constructor(input: AppendInput, index: number) {
    this.requestId = `req_${input.prefix}_${index}`;
    this.request = streamIds.vmRequest(this.requestId);
    this.vm = streamIds.vm(this.requestId);
    this.#jobId = `job-${this.requestId}`;
    this.#tenantId = input.tenantId;
    this.#index = index;
    this.#startedAt = Date.UTC(2026, 0, 1) + index * 60_000;
  }

  #recorded(actorKind: EventMetadata["actorKind"], second: number, events: DomainEvent[]): NewEvent[] {
    return events.map((event) => ({
      eventId: crypto.randomUUID(),
      event,
      metadata: {
        tenantId: this.#tenantId,
        actorId: actorKind === "user" ? "user-bench" : "agent-bench",
        actorKind,
        correlationId: this.requestId,
        causationId: null,
      },
      occurredAt: new Date(this.#startedAt + second * 1000).toISOString(),
    }));
  }

  submitted(): NewEvent[] {
    const { requestId } = this;
    return this.#recorded("user", 0, [
      {
        type: "VmRequestSubmitted",
        data: {
          requestId,
          requester: { id: "user-bench", name: "Bench", email: "bench@bench.test" },
          projectId: "proj-bench",
          name: `bench-${this.#index}`,
          size: "S",
          spec: { cpu: 2, memoryGb: 4, diskGb: 50 },
          justification: "synthetic event for the event store benchmark",
          networkPath: null,
        },
      },
    ]);
  }

  approved(): NewEvent[] {
    return this.#recorded("user", 1, [
      { type: "VmRequestApproved", data: { requestId: this.requestId, jobId: this.#jobId } },
    ]);
  }

  /** The first report: the VM's stream opens with its first stage, which makes the request PROVISIONING. */
  started(): NewEvent[] {
    const { requestId } = this;
    const ref = { requestId, jobId: this.#jobId, vmId: requestId, stage: "CLONING" as const };
    return this.#recorded("agent", 2, [{ type: "VmProvisioningStarted", data: ref }]);
  }

  /** The last report: the VM is READY, and so is its request. */
  ready(): NewEvent[] {
    const { requestId } = this;
    const i = this.#index;
    const vm = {
      vmwareId: `vm-${i}`,
      vmName: `bench-${i}`,
      hostname: `bench-${i}`,
      ipAddress: "10.0.0.1",
      warning: null,
    };
    // the stages after the first, which the site's hub held while the job ran, ride on the outcome
    const stages: ProvisioningStage[] = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"];
    const carried = stages.slice(1).map((stage, i) => ({
      stage,
      at: new Date(this.#startedAt + (3 + i) * 1000).toISOString(),
      previous: { stage: stages[i] as ProvisioningStage, durationMs: 1000 },
    }));
    const stageDurations = stages.map((stage) => ({ stage, durationMs: 1000 }));
    return this.#recorded("agent", 6, [
      { type: "VmProvisioned", data: { vmId: requestId, ...vm, stageDurations, stages: carried } },
    ]);
  }
}

/**
 * One request's life as the workflow commits it: 4 events in 4 command-sized commits. The agent's stage
 * reports after the first write no D1 row (the site's hub holds them until the outcome carries them).
 */
export function lifecycle(input: AppendInput, index: number): CommitInput[] {
  const r = new SyntheticRequest(input, index);
  return [
    commit([r.request, 0, r.submitted()]),
    commit([r.request, 1, r.approved()]),
    commit([r.vm, 0, r.started()]),
    commit([r.vm, 1, r.ready()]),
  ];
}

/** The same events as one commit per stream pair: the quickest valid way to fill the log. */
function asOneCommit(commits: readonly CommitInput[]): CommitInput {
  const byStream = new Map<string, StreamAppend>();
  for (const append of commits.flatMap((c) => c.appends)) {
    const seen = byStream.get(append.streamId);
    if (seen) byStream.set(append.streamId, { ...seen, events: [...seen.events, ...append.events] });
    else byStream.set(append.streamId, append);
  }
  return { appends: [...byStream.values()] };
}

async function appendLifecycle(store: EventStore, input: AppendInput, index: number) {
  const commands = lifecycle(input, index);
  const commits = input.shape === "commands" ? commands : [asOneCommit(commands)];
  let rowsWritten = 0;
  for (const commit of commits) {
    const committed = await store.commit(commit);
    if (!committed.ok)
      throw new Error(
        committed.error.code === "GUARD_REFUSED"
          ? `synthetic append refused by guard ${committed.error.guard}`
          : `synthetic append conflicted on ${committed.error.streamId}`,
      );
    rowsWritten += committed.value.rowsWritten;
  }
  return {
    events: commits.flatMap((c) => c.appends).reduce((n, a) => n + a.events.length, 0),
    commits: commits.length,
    rowsWritten,
  };
}

export const devBenchRoutes = new Hono<EdgeEnv>()
  .post("/d1-meter/reset", (c) => {
    const methods = installD1Meter(c.env.DB);
    resetD1Meter();
    return c.json({ metered: methods });
  })
  .get("/d1-meter", (c) => c.json(readD1Meter()))
  .post("/append", async (c) => {
    const input = AppendInput.safeParse(await c.req.json().catch(() => null));
    if (!input.success) return c.json({ error: "INVALID_REQUEST", issues: input.error.issues }, 400);
    const store = createEventStore(c.env.DB, INLINE_PROJECTIONS);
    const started = Date.now();
    const totals = { events: 0, commits: 0, rowsWritten: 0 };
    let next = input.data.from;
    const end = input.data.from + input.data.count;
    // a few lifecycles at once, as concurrent requests would; each one's commits stay in order
    const worker = async () => {
      for (let i = next++; i < end; i = next++) {
        const done = await appendLifecycle(store, input.data, i);
        totals.events += done.events;
        totals.commits += done.commits;
        totals.rowsWritten += done.rowsWritten;
      }
    };
    await Promise.all(Array.from({ length: input.data.concurrency }, worker));
    return c.json({ ...totals, ms: Date.now() - started });
  })
  .post("/notifier/catch-up", async (c) => {
    const started = Date.now();
    let events = 0;
    // a run ends after 20 pages; caught up once a run no longer moves the checkpoint
    let position = -1;
    let moved = true;
    let error: string | null = null;
    while (moved && Date.now() - started < CATCH_UP_LIMIT_MS) {
      // through the isolate's waker, so it never overlaps a run a commit woke (that run then goes first,
      // and this loop simply asks again)
      await wakeNotifier(async () => {
        try {
          const run = await runNotifier(notifierDeps(c.env));
          moved = run.position !== position;
          position = run.position;
          events += run.read;
          error = null;
        } catch (failure) {
          error = String(failure);
        }
      });
      if (error !== null) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return c.json({ events, caughtUp: !moved, error, ms: Date.now() - started });
  })
  .post("/rebuild", async (c) => {
    const started = Date.now();
    const report = await rebuildProjections(c.env.DB);
    return c.json({ ms: Date.now() - started, report });
  });
