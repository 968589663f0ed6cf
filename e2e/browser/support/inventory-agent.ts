import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { parseEdgeFrame } from "@gantry/shared/protocol/agent-parse";
import { splitInventory } from "@gantry/shared/protocol/inventory-parts";
import type { Page } from "playwright-core";
import WebSocket from "ws";
import { edgeUrl } from "./browser.ts";

/** A tRPC call as the signed-in page's session, the way the SPA makes it. */
async function trpc(page: Page, kind: "query" | "mutation", path: string, input: unknown): Promise<unknown> {
  const request = page.context().request;
  const headers = { Origin: edgeUrl() };
  const res =
    kind === "query"
      ? await request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await request.post(`/trpc/${path}`, { data: input, headers });
  if (!res.ok()) throw new Error(`${path} failed: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { result: { data: unknown } }).result.data;
}

/**
 * A second agent of a site that only reports inventory (capacity 0, answers no calls), enrolled by the
 * admin signed in on `page`: what a vCenter much larger than the simulator's default looks like to the
 * site settings, without the cost of simulating it. `restore` sends back the report it replaced.
 */
export class InventoryAgent {
  private constructor(
    private readonly page: Page,
    private readonly ws: WebSocket,
    readonly agentId: string,
    readonly original: InventoryReport,
  ) {}

  static async connect(page: Page, siteId: string): Promise<InventoryAgent> {
    const token = (await trpc(page, "mutation", "agents.createEnrollmentToken", { siteId })) as {
      token: string;
    };
    const enrolled = await page.context().request.post("/agent/enroll", {
      data: { token: token.token, name: `inventory-probe-${Date.now().toString(36)}` },
    });
    const { agentId, credential } = (await enrolled.json()) as { agentId: string; credential: string };
    const current = (await trpc(page, "query", "sites.inventory", { siteId })) as {
      report: InventoryReport;
    } | null;
    if (!current) throw new Error(`site ${siteId} has no inventory to extend`);
    const url = new URL("/agent/connect", edgeUrl());
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${credential}` } });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const agent = new InventoryAgent(page, ws, agentId, current.report);
    const welcome = agent.next("welcome");
    agent.send({
      type: "hello",
      agent: { version: "0.0.0-probe" },
      protocols: [2],
      capacity: 0,
      draining: false,
      running: [],
      calls: [],
    });
    await welcome;
    return agent;
  }

  /** Sends `report` in parts, as a protocol-2 agent does; resolves once every part is acknowledged. */
  async report(report: InventoryReport): Promise<void> {
    const parts = splitInventory(report);
    const reportId = crypto.randomUUID();
    for (const [index, part] of parts.entries()) {
      const ack = this.next("ack");
      this.send({ type: "inventory.part", reportId, index, total: parts.length, part });
      await ack;
    }
  }

  /** Puts the site's inventory back as it was, then revokes this agent. */
  async restore(): Promise<void> {
    await this.report({ ...this.original, collectedAt: new Date().toISOString() });
    this.ws.close();
    await trpc(this.page, "mutation", "agents.revoke", { agentId: this.agentId });
  }

  private send(body: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ v: 2, id: crypto.randomUUID(), ...body }));
  }

  private next(type: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const frame = parseEdgeFrame(data.toString());
        if (!frame.ok) return;
        if (frame.value.type === "error") reject(new Error(`hub refused a frame: ${frame.value.message}`));
        else if (frame.value.type !== type) return;
        else resolve();
        this.ws.off("message", onMessage);
      };
      this.ws.on("message", onMessage);
    });
  }
}

/** The report with `count` more of each kind, named the way the VCSIM launcher's -scale names them. */
export function scaledUp(
  report: InventoryReport,
  count: { folders: number; pools: number; networks: number; templates: number },
): InventoryReport {
  const n = (k: number) => Array.from({ length: k }, (_, i) => i);
  const pad = (i: number, width: number) => String(i).padStart(width, "0");
  return {
    ...report,
    collectedAt: new Date().toISOString(),
    folders: [
      ...report.folders,
      ...n(count.folders).map((i) => ({
        path: `/DC0/vm/scale-${pad(Math.floor(i / 100), 2)}/folder-${pad(i, 5)}`,
        name: `folder-${pad(i, 5)}`,
      })),
    ],
    pools: [
      ...report.pools,
      ...n(count.pools).map((i) => ({
        path: `/DC0/host/DC0_C0/Resources/scale-pool-${pad(i, 4)}`,
        name: `scale-pool-${pad(i, 4)}`,
        kind: "pool" as const,
      })),
    ],
    networks: [
      ...report.networks,
      ...n(count.networks).map((i) => ({
        path: `/DC0/network/scale-pg-${pad(i, 4)}`,
        name: `scale-pg-${pad(i, 4)}`,
        kind: "distributed" as const,
      })),
    ],
    templates: [
      ...report.templates,
      ...n(count.templates).map((i) => ({
        path: `/DC0/vm/scale-templates/tmpl-${pad(i, 4)}`,
        name: `tmpl-${pad(i, 4)}`,
        cpu: 2,
        memoryMb: 2048,
        diskGb: 10,
      })),
    ],
  };
}
