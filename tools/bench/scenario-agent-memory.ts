import path from "node:path";
import { startLocalAgent } from "@gantry/dev/local-agent";
import type { LocalStack } from "@gantry/dev/local-stack";
import { mapLimit } from "./concurrency.ts";
import { assertSiteIdle } from "./drain.ts";
import type { EdgeClient } from "./edge-client.ts";
import { peakRssMib } from "./proc-stats.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";

export interface AgentMemoryOptions {
  /** VMs provisioned, all approved at once */
  vms: number;
  /** the agent's `concurrency` setting: jobs it runs at once */
  concurrency: number;
  /** what the agent process runs: the built bundle (as installed) or the sources through tsx */
  runs: "bundle" | "sources";
  siteId: string;
}

/** What one real agent costs while it provisions `vms` VMs, `concurrency` at a time. */
export interface AgentMemoryResult {
  vms: number;
  concurrency: number;
  runs: "bundle" | "sources";
  /** VmHWM of the agent process after the last VM: the most it ever held resident, MiB */
  peakRssMib: number;
  /** VmHWM right after it connected (before any job): what loading the code costs, MiB */
  idleRssMib: number;
  /** VMs that did not end READY with an IP */
  notReady: number;
  /** simulator calls ÷ VMs while the jobs shared the agent's session */
  soapPerVm: number;
}

const QUOTA = { vcpu: 1_000_000, memoryGb: 1_000_000, diskGb: 1_000_000, vms: 1_000_000 };
const NO_QUOTA = { vcpu: null, memoryGb: null, diskGb: null, vms: null };

/**
 * One freshly started real agent with `concurrency` slots provisions `vms` VMs against the simulator,
 * all approved at once so every slot stays busy; its peak resident memory is read from /proc at the end.
 */
export async function runAgentMemory(
  stack: LocalStack,
  client: EdgeClient,
  options: AgentMemoryOptions,
): Promise<AgentMemoryResult> {
  await assertSiteIdle(client, options.siteId);
  const agent = await startLocalAgent({
    edgeUrl: stack.edgeUrl,
    vcsim: stack.vcsim,
    name: `bench-memory-${options.runs}`,
    stateDir: path.join(path.dirname(stack.devJsonPath), `agent-memory-${options.runs}`),
    concurrency: options.concurrency,
    runs: options.runs,
  });
  try {
    const pid = agent.process.child.pid;
    if (pid === undefined) throw new Error("the agent has no process id");
    const idle = await peakRssMib(pid);
    // the project's quota would refuse a burst of this size; the rows it writes are not measured here
    await client.setQuota(QUOTA);
    await stack.vcsim.control.resetCounts();
    const names = Array.from({ length: options.vms }, (_, i) => `mem-${options.runs}-${i}`);
    const created = await mapLimit(names, 8, (name) => client.create(name));
    const subscribers = await mapLimit(created, 16, (c) =>
      ProgressSubscriber.open({
        edgeUrl: client.baseUrl,
        requestId: c.requestId,
        cookie: client.memberCookie,
      }),
    );
    await mapLimit(created, 16, (c) => client.approve(c.requestId, c.version));
    await Promise.all(subscribers.map((s) => s.until((r) => r.terminal !== null, 180_000)));
    await Promise.all(subscribers.map((s) => s.close()));
    const views = await mapLimit(created, 8, (c) => client.get(c.requestId));
    const soap = Object.values(await stack.vcsim.control.counts()).reduce((n, c) => n + c, 0);
    const peak = await peakRssMib(pid);
    if (idle === null || peak === null) throw new Error("the agent exited before it was measured");
    return {
      vms: options.vms,
      concurrency: options.concurrency,
      runs: options.runs,
      peakRssMib: peak,
      idleRssMib: idle,
      notReady: views.filter((v) => v.status !== "READY" || !v.vm?.ipAddress).length,
      soapPerVm: Math.round((soap / options.vms) * 10) / 10,
    };
  } finally {
    await agent.stop();
    await client.setQuota(NO_QUOTA).catch(() => undefined);
  }
}
