import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { type ProgressFrame, parseProgressFrame } from "@gantry/shared/protocol/progress";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import type { StageStats } from "../src/projections/eta.ts";
import { ProgressFacts } from "../src/request-progress/progress-facts.ts";
import { type Subscriber, subscriberUpgrade } from "../src/request-progress/subscriber.ts";

// shared by the progress tests: unique ids, update builders and a reader that awaits frames (no sleeps)

let counter = 0;
export const uniqueId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export const progressStub = (requestId: string) =>
  env.REQUEST_PROGRESS.get(env.REQUEST_PROGRESS.idFromName(requestId));

export const iso = (ms: number): string => new Date(ms).toISOString();

type Update<TKind extends ProgressUpdate["kind"]> = Extract<ProgressUpdate, { kind: TKind }>;

export function stageUpdate(
  requestId: string,
  stage: ProvisioningStage,
  at = iso(Date.now()),
): Update<"stage"> {
  return { kind: "stage", requestId, stage, at };
}

export function percentUpdate(
  requestId: string,
  stage: ProvisioningStage,
  percent: number,
): Update<"percent"> {
  return { kind: "percent", requestId, stage, percent, at: iso(Date.now()) };
}

export function succeededUpdate(requestId: string, warning?: string): Update<"succeeded"> {
  const vm = { vmwareId: "vm-42", vmName: "web-app01", hostname: "app01", ipAddress: "10.0.0.7", warning };
  return { kind: "succeeded", requestId, vm, at: iso(Date.now()) };
}

export function failedUpdate(requestId: string): Update<"failed"> {
  const failure = {
    code: "INSUFFICIENT_RESOURCES" as const,
    userMessage: "The cluster has no room for this VM.",
    technicalDetail: "InsufficientResourcesFault on task-7 (host-12)",
    retriable: true,
    attempts: 1,
    cleanupFailed: false,
  };
  return { kind: "failed", requestId, failure, at: iso(Date.now()) };
}

export function subscriber(requestId: string, overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    requestId,
    tenantId: "tenant-a",
    viewerId: "user-1",
    seesTechnicalDetail: false,
    after: null,
    ...overrides,
  };
}

export interface Closed {
  code: number;
  reason: string;
}

/** Collects frames from a WebSocket and lets a test await the next ones. */
export class FrameReader {
  readonly frames: ProgressFrame[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<Closed>;
  #read = 0;
  #wake: (() => void) | null = null;
  #isClosed = false;

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.#isClosed = true;
        this.#wake?.();
        resolve({ code: event.code, reason: event.reason });
      });
    });
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      this.raw.push(event.data);
      const parsed = parseProgressFrame(event.data);
      if (parsed.ok) this.frames.push(parsed.value);
      this.#wake?.();
    });
    ws.accept();
  }

  /** The next frame not yet taken; rejects when the socket closes first. */
  async next(): Promise<ProgressFrame> {
    while (this.#read >= this.frames.length) {
      if (this.#isClosed) throw new Error(`socket closed after ${this.frames.length} frames`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const frame = this.frames[this.#read++];
    if (!frame) throw new Error("unreachable: frame index out of range");
    return frame;
  }

  async take(count: number): Promise<ProgressFrame[]> {
    const taken: ProgressFrame[] = [];
    for (let i = 0; i < count; i++) taken.push(await this.next());
    return taken;
  }

  /** Frames received after the ones taken so far, without waiting. */
  pending(): ProgressFrame[] {
    return this.frames.slice(this.#read);
  }
}

/** Opens a subscriber socket straight to the object, as the Worker's routes do after authorizing. */
export async function subscribe(who: Subscriber): Promise<FrameReader> {
  const res = await progressStub(who.requestId).fetch(subscriberUpgrade(who));
  if (!res.webSocket) throw new Error(`expected an upgrade, got ${res.status}`);
  return new FrameReader(res.webSocket);
}

/**
 * Rewrites the object's stored facts (to seed history or move deadlines into the past), then evicts it
 * so the constructor reloads them, as it would after hibernation.
 */
export async function rewriteFacts(
  requestId: string,
  change: (facts: ProgressFacts) => ProgressFacts,
): Promise<void> {
  const stub = progressStub(requestId);
  await runInDurableObject(stub, (_instance, state) => {
    const row = state.storage.sql
      .exec<{ facts: string }>("SELECT facts FROM progress_facts WHERE id = 1")
      .one();
    const facts = ProgressFacts.parse(JSON.parse(row.facts));
    state.storage.sql.exec("UPDATE progress_facts SET facts = ? WHERE id = 1", JSON.stringify(change(facts)));
  });
  await evictDurableObject(stub);
}

/** Averages of a usual one-minute run. */
export const oneMinuteRuns: StageStats = {
  runs: 5,
  averageMs: {
    CLONING: 30_000,
    CONFIGURING: 10_000,
    POWERING_ON: 10_000,
    WAITING_FOR_NETWORK: 10_000,
    READY: 0,
  },
};
