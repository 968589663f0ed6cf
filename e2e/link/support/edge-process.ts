import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type EdgeProcess, prepareEdgeState, startEdgeProcess } from "@gantry/dev/edge-process";
import type { AgentJob } from "@gantry/shared/protocol/agent";
import { newEnrollmentToken } from "./enrollment-token.ts";

export interface LinkEdgeOptions {
  leaseTtlMs: number;
  renewIntervalMs: number;
  offerTimeoutMs?: number;
}

export interface TokenRequest {
  tenantId: string;
  siteId: string;
  expired?: boolean;
}

/**
 * `wrangler dev` with its own temp state for one test file: migrations applied, then seed and
 * enrollment tokens in one `d1 execute`, all before the Worker starts (so nothing else writes the
 * SQLite files at the same time); lease timings through the hub's optional vars; restartable on the
 * same state without preparing it again.
 */
export class LinkEdge {
  private edge: EdgeProcess | null = null;

  private constructor(
    readonly persistTo: string,
    private readonly options: LinkEdgeOptions,
  ) {}

  static async start(
    options: LinkEdgeOptions & { tokens: TokenRequest[] },
  ): Promise<{ edge: LinkEdge; tokens: string[] }> {
    const persistTo = mkdtempSync(path.join(tmpdir(), "gantry-link-"));
    const issued = options.tokens.map((t) =>
      newEnrollmentToken({ ...t, ...(t.expired ? { now: Date.now() - 7_200_000 } : {}) }),
    );
    await prepareEdgeState({ persistTo, seed: true, extraSql: issued.map((t) => t.sql).join("\n") });
    const edge = new LinkEdge(persistTo, options);
    await edge.boot();
    return { edge, tokens: issued.map((t) => t.token) };
  }

  get url(): string {
    if (!this.edge) throw new Error("edge is not running");
    return this.edge.url;
  }

  get port(): number {
    if (!this.edge) throw new Error("edge is not running");
    return this.edge.port;
  }

  private async boot(port?: number): Promise<void> {
    this.edge = await startEdgeProcess({
      persistTo: this.persistTo,
      prepare: false,
      echo: process.env.GANTRY_TEST_ECHO === "1",
      ...(port === undefined ? {} : { port }),
      vars: {
        AGENT_LEASE_TTL_MS: String(this.options.leaseTtlMs),
        AGENT_RENEW_INTERVAL_MS: String(this.options.renewIntervalMs),
        AGENT_OFFER_TIMEOUT_MS: String(this.options.offerTimeoutMs ?? 2000),
      },
    });
  }

  /** Stops workerd and starts it again on the same port and state: every DO and socket restarts. */
  async restart(): Promise<void> {
    const port = this.port;
    await this.edge?.stop();
    await this.boot(port);
  }

  async enqueue(input: { tenantId: string; siteId: string; job: AgentJob }): Promise<unknown> {
    const res = await fetch(`${this.url}/agent/dev/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: this.url },
      body: JSON.stringify(input),
    });
    if (!res.ok) throw new Error(`enqueue failed: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async jobStatus(siteId: string, jobId: string): Promise<JobStatus | null> {
    const res = await fetch(
      `${this.url}/agent/dev/sites/${siteId}/status?jobId=${encodeURIComponent(jobId)}`,
    );
    return (await res.json()) as JobStatus | null;
  }

  async inventory(
    siteId: string,
  ): Promise<{ report: { templates: { path: string }[] }; agentId: string } | null> {
    const res = await fetch(`${this.url}/agent/dev/sites/${siteId}/inventory`);
    return (await res.json()) as { report: { templates: { path: string }[] }; agentId: string } | null;
  }

  async revoke(agentId: string): Promise<void> {
    const res = await fetch(`${this.url}/agent/dev/agents/${agentId}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: this.url },
      body: "{}",
    });
    if (!res.ok) throw new Error(`revoke failed: ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    await this.edge?.stop();
    rmSync(this.persistTo, { recursive: true, force: true });
  }
}

/** The hub's view of one job, as the dev status route returns it. */
export interface JobStatus {
  jobId: string;
  state: "queued" | "offered" | "leased" | "done";
  agentId: string | null;
  epoch: number;
  attempt: number;
  lastSeq: number;
  stages: string[];
  outcome: string | null;
  waiting: { code: string } | null;
}
