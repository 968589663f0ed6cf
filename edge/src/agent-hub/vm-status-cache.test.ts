import type { AgentCallResult } from "@gantry/shared/protocol/agent";
import { err, ok, type Result } from "@gantry/shared/result";
import { describe, expect, it } from "vitest";
import type { CallFailure } from "./pending-calls.ts";
import { MAX_VM_STATUS_CALLS, VM_STATUS_TTL_MS, VmStatusCache } from "./vm-status-cache.ts";

type Answer = Result<AgentCallResult, CallFailure>;

const status = (vmwareId: string): Answer =>
  ok({
    method: "vm.status",
    outcome: {
      ok: true,
      value: {
        vmwareId,
        powerState: "poweredOn",
        toolsRunning: true,
        ipAddress: "10.0.0.5",
        hostname: "app01",
      },
    },
  } as AgentCallResult);

/** An agent that answers when told to, counting what it was asked. */
function slowAgent() {
  const asked: string[] = [];
  const waiting: Array<() => void> = [];
  const ask = (vmwareId: string) => () => {
    asked.push(vmwareId);
    return new Promise<Answer>((resolve) => waiting.push(() => resolve(status(vmwareId))));
  };
  const answerAll = () => {
    for (const answer of waiting.splice(0)) answer();
  };
  return { asked, ask, answerAll };
}

describe("VmStatusCache", () => {
  it("asks once for many concurrent readers of a VM, and answers from cache within the TTL", async () => {
    const cache = new VmStatusCache();
    const agent = slowAgent();
    const reads = Array.from({ length: 5 }, () =>
      cache.read({ vmwareId: "vm-1", now: 1000, ask: agent.ask("vm-1") }),
    );
    agent.answerAll();
    expect(new Set(await Promise.all(reads)).size).toBe(1);
    expect(
      await cache.read({ vmwareId: "vm-1", now: 1000 + VM_STATUS_TTL_MS - 1, ask: agent.ask("vm-1") }),
    ).toEqual(status("vm-1"));
    expect(agent.asked).toEqual(["vm-1"]);
    const stale = cache.read({ vmwareId: "vm-1", now: 1000 + VM_STATUS_TTL_MS, ask: agent.ask("vm-1") });
    agent.answerAll();
    await stale;
    expect(agent.asked).toEqual(["vm-1", "vm-1"]);
  });

  it(`never asks about more than ${MAX_VM_STATUS_CALLS} VMs at once; the rest are told to come back`, async () => {
    const cache = new VmStatusCache();
    const agent = slowAgent();
    const reads = Array.from({ length: MAX_VM_STATUS_CALLS + 3 }, (_, i) =>
      cache.read({ vmwareId: `vm-${i}`, now: 0, ask: agent.ask(`vm-${i}`) }),
    );
    expect(agent.asked).toHaveLength(MAX_VM_STATUS_CALLS);
    agent.answerAll();
    const answers = await Promise.all(reads);
    expect(answers.filter((a) => !a.ok)).toEqual(
      Array.from({ length: 3 }, () => ({
        ok: false,
        error: { code: "TOO_MANY_CALLS", limit: MAX_VM_STATUS_CALLS },
      })),
    );
  });

  it("does not keep a failure: no agent, a timeout or a cut is asked again next time", async () => {
    const cache = new VmStatusCache();
    let calls = 0;
    const failing = async (): Promise<Answer> => {
      calls += 1;
      return err({ code: "NO_AGENT_CONNECTED" });
    };
    await cache.read({ vmwareId: "vm-9", now: 0, ask: failing });
    await cache.read({ vmwareId: "vm-9", now: 1, ask: failing });
    expect(calls).toBe(2);
  });
});
