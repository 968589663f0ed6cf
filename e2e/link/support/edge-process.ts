import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LocalEdge, startEdge } from "@gantry/dev/edge-server";
import type { AgentJob } from "@gantry/shared/protocol/agent";
import { newEnrollmentToken } from "./enrollment-token.ts";

export interface LinkEdgeOptions {
  leaseTtlMs: number;
  renewIntervalMs: number;
  offerTimeoutMs?: number;
  /** more Worker vars (e.g. the OIDC settings of a test identity provider) */
  vars?: Record<string, string>;
  /** RECONNECT_SCAN_SPACING_MS: 0 lets every reconnect scan (the hub's default is 5 min) */
  reconnectScanSpacingMs?: number;
}

export interface TokenRequest {
  tenantId: string;
  siteId: string;
  expired?: boolean;
}

/**
 * The local stack's edge (Miniflare in this process, as `npm run dev` runs it) with its own temp state for
 * one test file: migrations, seed and enrollment tokens applied before the Worker answers anyone; lease
 * timings through the hub's optional vars; restartable on the same port and state.
 */
export class LinkEdge {
  private constructor(
    readonly persistTo: string,
    private readonly edge: LocalEdge,
  ) {}

  static async start(
    options: LinkEdgeOptions & { tokens: TokenRequest[] },
  ): Promise<{ edge: LinkEdge; tokens: string[] }> {
    const persistTo = mkdtempSync(path.join(tmpdir(), "gantry-link-"));
    const issued = options.tokens.map((t) =>
      newEnrollmentToken({ ...t, ...(t.expired ? { now: Date.now() - 7_200_000 } : {}) }),
    );
    const edge = await startEdge({
      persistTo,
      extraStatements: issued.map((t) => t.sql),
      vars: {
        AGENT_LEASE_TTL_MS: String(options.leaseTtlMs),
        AGENT_RENEW_INTERVAL_MS: String(options.renewIntervalMs),
        AGENT_OFFER_TIMEOUT_MS: String(options.offerTimeoutMs ?? 2000),
        ...options.vars,
        ...(options.reconnectScanSpacingMs !== undefined && {
          RECONNECT_SCAN_SPACING_MS: String(options.reconnectScanSpacingMs),
        }),
      },
      echo: process.env.GANTRY_TEST_ECHO === "1",
    });
    return { edge: new LinkEdge(persistTo, edge), tokens: issued.map((t) => t.token) };
  }

  get url(): string {
    return this.edge.url;
  }

  get port(): number {
    return this.edge.port;
  }

  /** Stops workerd and starts it again on the same port and state: every DO and socket restarts. */
  restart(): Promise<void> {
    return this.edge.restart();
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

  /** Revokes through the dev route; `confirmed`: the site's hub closed the agent's sockets before answering. */
  async revoke(agentId: string): Promise<{ requeued: number; confirmed: boolean }> {
    const res = await fetch(`${this.url}/agent/dev/agents/${agentId}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: this.url },
      body: "{}",
    });
    if (!res.ok) throw new Error(`revoke failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { value: { requeued: number; confirmed: boolean } }).value;
  }

  async stop(): Promise<void> {
    await this.edge.stop();
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
