import path from "node:path";
import { startLocalAgent } from "@gantry/dev/local-agent";
import type { LocalStack } from "@gantry/dev/local-stack";
import { z } from "zod";
import { sleep } from "./concurrency.ts";
import { assertSiteIdle } from "./drain.ts";
import { AUTO_APPROVE_M, type EdgeClient } from "./edge-client.ts";
import { openFloor } from "./floor.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";
import { median } from "./stats.ts";

export interface OverheadOptions {
  rounds: number;
  /** product/floor pairs per round, alternating which goes first */
  pairs: number;
  siteId: string;
}

/** Medians of one round. */
export interface OverheadRound {
  productMs: number;
  floorMs: number;
  ratio: number;
  overheadMs: number;
  firstStageMs: number;
  productRoundTrips: number;
  floorRoundTrips: number;
  /** submit → READY of a request the approval policy approves at submission (size M) */
  autoMs: number;
  /** autoMs ÷ productMs: the target is within 1.1 */
  autoRatio: number;
}

export interface SoapCounts {
  total: number;
  byMethod: Record<string, number>;
}

export interface OverheadResult {
  rounds: OverheadRound[];
  /** SOAP calls by method of the last steady-state VM of each path */
  steadyByMethod: { product: Record<string, number>; floor: Record<string, number> };
  sessionSetup: { product: SoapCounts; floor: number };
  /** what a freshly connected agent reads for the inventory report (not part of provisioning) */
  inventoryOnConnect: SoapCounts;
}

const Inventory = z.object({ agentId: z.string(), receivedAt: z.string() }).nullable();
const SESSION_METHODS = new Set(["RetrieveServiceContent", "Login"]);

const total = (counts: Record<string, number>) => Object.values(counts).reduce((n, c) => n + c, 0);
const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

/** Approval → READY through the product; the socket is opened before the approval, as a browser would be. */
async function productVm(client: EdgeClient, name: string) {
  const created = await client.create(name);
  const subscriber = await ProgressSubscriber.open({
    edgeUrl: client.baseUrl,
    requestId: created.requestId,
    cookie: client.memberCookie,
  });
  const approvedAt = performance.now();
  await client.approve(created.requestId, created.version);
  await subscriber.until((r) => r.terminal !== null, 120_000);
  await subscriber.close();
  const { terminal, stages } = subscriber.receipts;
  const first = stages.get("CLONING");
  const view = await client.get(created.requestId);
  if (terminal === null || first === undefined || view.status !== "READY" || !view.vm?.ipAddress)
    throw new Error(`${name}: ${view.status} without an IP or frames (terminal ${terminal})`);
  return { readyMs: terminal - approvedAt, firstStageMs: first - approvedAt };
}

/**
 * Submit → READY of a request the approval policy approves at submission (issue 18): the submit answers
 * once the policy's approval committed, then the progress socket is opened and READY awaited.
 */
async function autoApprovedVm(client: EdgeClient, name: string) {
  const submittedAt = performance.now();
  const created = await client.create(name, "M");
  const subscriber = await ProgressSubscriber.open({
    edgeUrl: client.baseUrl,
    requestId: created.requestId,
    cookie: client.memberCookie,
  });
  await subscriber.until((r) => r.terminal !== null, 120_000);
  await subscriber.close();
  const { terminal } = subscriber.receipts;
  const view = await client.get(created.requestId);
  if (terminal === null || view.status !== "READY")
    throw new Error(`${name}: ${view.status}, not auto-approved to READY`);
  return terminal - submittedAt;
}

/**
 * Provisioning overhead and SOAP economy: one real agent, freshly started, provisions VMs one at a time
 * through the product, alternating with the floor (the minimal direct sequence) on the same simulator.
 * The simulator's per-method call counts are read around every VM.
 */
export async function runOverhead(
  stack: LocalStack,
  client: EdgeClient,
  options: OverheadOptions,
): Promise<OverheadResult> {
  const { control } = stack.vcsim;
  await assertSiteIdle(client, options.siteId);
  const site = await client.site(options.siteId);
  if (!site.placement || !site.networkPath) throw new Error(`site ${options.siteId} has no placement`);

  await control.resetCounts();
  const startedAt = new Date().toISOString();
  const agent = await startLocalAgent({
    edgeUrl: stack.edgeUrl,
    vcsim: stack.vcsim,
    name: "bench-overhead",
    stateDir: path.join(path.dirname(stack.devJsonPath), "agent-overhead"),
    // as operators run it: the built bundle with its Node options, not the sources through tsx
    runs: "bundle",
  });
  try {
    // the inventory report is the agent's first vCenter work; let it land before counting VMs
    for (let i = 0; i < 100; i++) {
      const inv = await client.dev("GET", `/agent/dev/sites/${options.siteId}/inventory`, Inventory);
      if (inv && inv.receivedAt >= startedAt) break;
      await sleep(100);
    }
    await sleep(200);
    const connect = await control.counts();
    const loginCalls = Object.fromEntries(Object.entries(connect).filter(([m]) => SESSION_METHODS.has(m)));

    await control.resetCounts();
    await productVm(client, "ovh-first");
    const first = await control.counts();

    const floor = await openFloor({
      vcsim: stack.vcsim,
      site: { placement: site.placement, networkPath: site.networkPath },
    });
    const rounds: OverheadRound[] = [];
    const steadyByMethod: OverheadResult["steadyByMethod"] = { product: {}, floor: {} };
    const productTrips: number[] = [];
    // size M is approved by the policy at submit; the product's size S still waits for the admin
    await client.setApprovalPolicy(AUTO_APPROVE_M);
    try {
      await floor.provision("floor-warmup");
      for (let r = 0; r < options.rounds; r++) {
        const product: { ms: number; first: number; trips: number }[] = [];
        const bare: { ms: number; trips: number }[] = [];
        const auto: number[] = [];
        for (let p = 0; p < options.pairs; p++) {
          const runProduct = async () => {
            await control.resetCounts();
            const vm = await productVm(client, `ovh-${r}-${p}`);
            const counts = await control.counts();
            steadyByMethod.product = counts;
            product.push({ ms: vm.readyMs, first: vm.firstStageMs, trips: total(counts) });
          };
          const runFloor = async () => {
            await control.resetCounts();
            const t0 = performance.now();
            await floor.provision(`floor-${r}-${p}`);
            const ms = performance.now() - t0;
            const counts = await control.counts();
            steadyByMethod.floor = counts;
            bare.push({ ms, trips: total(counts) });
          };
          // alternate the order so neither path always runs on a simulator the other just warmed
          if (p % 2 === 0) await runProduct().then(runFloor);
          else await runFloor().then(runProduct);
          auto.push(await autoApprovedVm(client, `auto-${r}-${p}`));
        }
        const productMs = median(product.map((x) => x.ms));
        const floorMs = median(bare.map((x) => x.ms));
        productTrips.push(...product.map((x) => x.trips));
        rounds.push({
          productMs,
          floorMs,
          ratio: productMs / floorMs,
          overheadMs: productMs - floorMs,
          firstStageMs: median(product.map((x) => x.first)),
          productRoundTrips: median(product.map((x) => x.trips)),
          floorRoundTrips: median(bare.map((x) => x.trips)),
          autoMs: median(auto),
          autoRatio: median(auto) / productMs,
        });
      }
    } finally {
      await floor.close();
      await client.setApprovalPolicy(null);
    }

    // the first VM's extra calls (placement, project folder) plus the login are the session setup
    const steady = median(productTrips);
    const firstExtra = minus(first, steadyByMethod.product);
    const setupByMethod = { ...loginCalls, ...firstExtra };
    return {
      rounds,
      steadyByMethod,
      sessionSetup: {
        product: { total: total(loginCalls) + total(first) - steady, byMethod: setupByMethod },
        floor: floor.setupRoundTrips,
      },
      inventoryOnConnect: { total: total(connect) - total(loginCalls), byMethod: minus(connect, loginCalls) },
    };
  } finally {
    await agent.stop();
  }
}
