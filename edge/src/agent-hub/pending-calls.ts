import type { AgentCall, AgentCallResult } from "@gantry/shared/protocol/agent";
import { err, ok, type Result } from "@gantry/shared/result";

export type CallFailure =
  | { code: "NO_AGENT_CONNECTED" }
  /** agents are connected, but none answers this call (older than it, or without a vCenter) */
  | { code: "NO_AGENT_CAN_ANSWER"; method: string }
  | { code: "CALL_TIMEOUT"; timeoutMs: number }
  | { code: "AGENT_DISCONNECTED" }
  /** the hub already asks its agents as many things as it lets itself at once (vm-status-cache.ts) */
  | { code: "TOO_MANY_CALLS"; limit: number };

export type CallRequest = { call: AgentCall; timeoutMs?: number };

/** Request/response calls through an agent socket, matched by frame id; in memory, as they die with the socket. */
export class PendingCalls {
  private readonly pending = new Map<
    string,
    {
      agentId: string;
      settle: (r: Result<AgentCallResult, CallFailure>) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();

  wait(input: {
    id: string;
    agentId: string;
    timeoutMs: number;
  }): Promise<Result<AgentCallResult, CallFailure>> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.finish(input.id, err({ code: "CALL_TIMEOUT", timeoutMs: input.timeoutMs })),
        input.timeoutMs,
      );
      this.pending.set(input.id, { agentId: input.agentId, settle: resolve, timer });
    });
  }

  /** True when the answer matched a call this hub is waiting for. */
  answer(ref: string, agentId: string, result: AgentCallResult): boolean {
    const entry = this.pending.get(ref);
    if (!entry || entry.agentId !== agentId) return false;
    this.finish(ref, ok(result));
    return true;
  }

  /** Fails every call waiting on an agent whose socket closed. */
  dropAgent(agentId: string): void {
    for (const [id, entry] of this.pending) {
      if (entry.agentId === agentId) this.finish(id, err({ code: "AGENT_DISCONNECTED" }));
    }
  }

  private finish(id: string, result: Result<AgentCallResult, CallFailure>): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    entry.settle(result);
  }
}
