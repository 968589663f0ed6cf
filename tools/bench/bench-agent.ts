import { EdgeConnection } from "@gantry/agent/edge/edge-connection";
import { createLogger } from "@gantry/agent/log";
import { createEnrollmentToken } from "@gantry/dev/edge-admin";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { EdgeToAgent } from "@gantry/shared/protocol/agent";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@gantry/shared/protocol/version";
import { z } from "zod";

/** A job the hub granted to the bench agent. */
export interface Grant {
  /** only provisioning: the bench agent's hello names no job kinds, so it is offered nothing else */
  job: ProvisionVmJob;
  grantedAt: number;
}

interface Held {
  epoch: number;
  seq: number;
}

const Enrolled = z.object({ agentId: z.string(), credential: z.string() });

// the hub closes a connection above 50 frames/s (burst 200); a real agent sends a handful per job
const MIN_FRAME_GAP_MS = 25;

/**
 * Speaks the real agent protocol over a real enrolled connection (the agent's own EdgeConnection), but
 * instead of provisioning it sends each stage when the scenario says so and timestamps the send. The
 * hub, the D1 recording and the progress objects are the product's; only vCenter is left out.
 */
export class BenchAgent {
  /** error frames from the hub (TRY_AGAIN, STALE_EPOCH, RATE_LIMITED, ...) */
  errors: string[] = [];
  private readonly held = new Map<string, Held>();
  /** the seq of each job's result frame, whose ack ends the job */
  private readonly resultSeqs = new Map<string, number>();
  /** frame id → when it was sent, until the hub acks it */
  private readonly unacked = new Map<string, number>();
  /** send → ack of every stage and result frame: the hub's check plus the D1 recording, before any fan-out */
  readonly ackMs: number[] = [];
  private connection: EdgeConnection | null = null;
  /** ids of every frame the hub acked (only the inventory report waits on it) */
  private readonly acked = new Set<string>();
  private stopping = false;
  private onGrant: (grant: Grant) => void = () => undefined;
  private nextFrameAt = 0;

  private constructor(
    readonly name: string,
    private readonly edgeUrl: string,
    private readonly credential: string,
    private capacity: number,
  ) {}

  /**
   * Enrolls a new agent, as an operator would: for the acme site unless `site` names another tenant's
   * admin and site (the scale scenarios).
   */
  static async enroll(input: {
    edgeUrl: string;
    name: string;
    capacity: number;
    site?: { adminEmail: string; siteId: string };
  }): Promise<BenchAgent> {
    const token = await createEnrollmentToken(
      input.edgeUrl,
      input.site?.adminEmail ?? "adam@acme.test",
      input.site?.siteId,
    );
    const response = await fetch(`${input.edgeUrl}/agent/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, name: input.name }),
    });
    if (response.status !== 201) throw new Error(`enrolling ${input.name}: HTTP ${response.status}`);
    const enrolled = Enrolled.parse(await response.json());
    return new BenchAgent(input.name, input.edgeUrl, enrolled.credential, input.capacity);
  }

  /** Changes the jobs it takes at once from its next connection on (the scale scenarios reuse agents). */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
  }

  /** Frames sent and not yet acknowledged by the hub. */
  get pendingAcks(): number {
    return this.unacked.size;
  }

  /**
   * Connects with an empty memory (the hub takes back whatever it still thought this agent held);
   * resolves once welcomed. Every granted job is handed to `onGrant`.
   */
  start(onGrant: (grant: Grant) => void): Promise<void> {
    this.onGrant = onGrant;
    this.stopping = false;
    this.held.clear();
    this.resultSeqs.clear();
    this.unacked.clear();
    return new Promise((resolve, reject) => {
      const connection = new EdgeConnection({
        edgeUrl: this.edgeUrl,
        credential: this.credential,
        // a warning while the run is on (lost connection, invalid frame) is an error of the run
        log: createLogger({
          level: "warn",
          write: (line) => {
            if (!this.stopping) this.errors.push(line.slice(0, 300));
          },
        }),
        backoff: { baseMs: 250, capMs: 2000, minUptimeMs: 10_000 },
      });
      this.connection = connection;
      connection.start({
        hello: () => ({
          type: "hello",
          agent: { version: "bench" },
          protocols: [...SUPPORTED_PROTOCOL_VERSIONS],
          capacity: this.capacity,
          draining: false,
          running: this.leases(),
        }),
        onWelcome: () => resolve(),
        onFrame: (frame) => this.onFrame(frame),
        onTick: () =>
          this.send({ type: "lease.renew", leases: this.leases(), capacity: this.capacity, draining: false }),
        onDisconnected: () => undefined,
        onFatal: (reason) => reject(new Error(`${this.name}: ${reason.message}`)),
      });
    });
  }

  /** Waits for this connection's next frame slot, keeping it under the hub's frame rate limit. */
  async turn(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.nextFrameAt);
    this.nextFrameAt = at + MIN_FRAME_GAP_MS;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  /**
   * Reports a vCenter inventory (`inventory.report`), as a real agent does on connecting, so an admin can
   * set the site's placement against it. Resolves once the hub acked it.
   */
  async reportInventory(report: InventoryReport): Promise<void> {
    const id = this.send({ type: "inventory.report", seq: 1, report });
    if (id === null) throw new Error(`${this.name}: inventory not sent, not connected`);
    for (let i = 0; i < 100 && !this.acked.has(id); i++) await new Promise((r) => setTimeout(r, 50));
    if (!this.acked.has(id)) throw new Error(`${this.name}: inventory not acked (${this.errors.join("; ")})`);
  }

  /** Sends the next stage of a held job; returns the moment of the send (performance.now()). */
  sendStage(jobId: string, stage: ProvisioningStage): number {
    const held = this.hold(jobId);
    held.seq += 1;
    const at = performance.now();
    const update = { kind: "stage" as const, stage, at: new Date().toISOString() };
    this.sendTracked({ type: "job.progress", jobId, epoch: held.epoch, seq: held.seq, update });
    return at;
  }

  /** Sends the job's success, always its last frame; returns the moment of the send. */
  sendSucceeded(jobId: string, vm: { vmName: string; hostname: string }): number {
    const held = this.hold(jobId);
    held.seq += 1;
    this.resultSeqs.set(jobId, held.seq);
    const at = performance.now();
    const outcome = {
      ok: true as const,
      vm: { vmwareId: `vm-bench-${held.seq}-${jobId.slice(-8)}`, ...vm, ipAddress: "10.0.0.2" },
    };
    this.sendTracked({
      type: "job.result",
      jobId,
      epoch: held.epoch,
      seq: held.seq,
      outcome,
      at: new Date().toISOString(),
    });
    return at;
  }

  /** True once the job's result was sent (or the job is not held at all). */
  finished(jobId: string): boolean {
    return !this.held.has(jobId) || this.resultSeqs.has(jobId);
  }

  stop(): void {
    this.stopping = true;
    this.connection?.stop();
  }

  private hold(jobId: string): Held {
    const held = this.held.get(jobId);
    if (!held) throw new Error(`${this.name} holds no job ${jobId}`);
    return held;
  }

  private leases() {
    return [...this.held].map(([jobId, h]) => ({ jobId, epoch: h.epoch }));
  }

  private send(body: Parameters<EdgeConnection["send"]>[0]): string | null {
    return this.connection?.send(body) ?? null;
  }

  private sendTracked(body: Parameters<EdgeConnection["send"]>[0]): void {
    const id = this.send(body);
    if (id === null) this.errors.push("frame not sent: not connected");
    else this.unacked.set(id, performance.now());
  }

  private onFrame(frame: EdgeToAgent): void {
    switch (frame.type) {
      case "job.offer":
        if (this.held.size < this.capacity) this.send({ type: "job.accept", jobId: frame.jobId });
        else this.send({ type: "job.decline", jobId: frame.jobId, reason: "at-capacity" });
        return;
      case "job.granted":
        if (frame.job.kind !== "provision-vm") return;
        // since protocol 5 a grant may come unasked: one beyond capacity goes straight back
        if (!this.held.has(frame.jobId) && this.held.size >= this.capacity) {
          this.send({ type: "job.release", jobId: frame.jobId, epoch: frame.epoch, reason: "refused" });
          return;
        }
        this.held.set(frame.jobId, { epoch: frame.epoch, seq: frame.lastSeq });
        this.onGrant({ job: frame.job, grantedAt: performance.now() });
        return;
      case "ack": {
        this.acked.add(frame.ref);
        const sentAt = this.unacked.get(frame.ref);
        if (sentAt !== undefined) this.ackMs.push(performance.now() - sentAt);
        this.unacked.delete(frame.ref);
        // the result's ack ends the job: it no longer holds a lease or counts against capacity
        if (frame.jobId !== undefined && this.resultSeqs.get(frame.jobId) === frame.seq) {
          this.held.delete(frame.jobId);
          this.resultSeqs.delete(frame.jobId);
        }
        return;
      }
      case "error":
        this.errors.push(`${frame.code}: ${frame.message}`);
        return;
      case "job.cancel":
        this.errors.push(`job.cancel ${frame.jobId}: ${frame.reason}`);
        return;
      default:
        return;
    }
  }
}
