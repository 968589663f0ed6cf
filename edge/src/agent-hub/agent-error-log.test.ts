import { afterEach, describe, expect, it, vi } from "vitest";
import { logAgentError } from "./agent-error-log.ts";

afterEach(() => vi.restoreAllMocks());

describe("an agent's error reports in the log", () => {
  it("logs ten a minute per agent, then says the rest are only counted, and starts again the next minute", () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(line));
    const agentId = `agent-${crypto.randomUUID()}`;
    const minute = Date.parse("2026-03-02T10:00:00.000Z");
    for (let i = 0; i < 500; i++)
      logAgentError({ agentId, code: "INTERNAL", message: `m${i}`, now: minute + i });
    // another agent has lines of its own in the same minute
    logAgentError({ agentId: `${agentId}-b`, code: "INTERNAL", message: "other", now: minute });
    logAgentError({ agentId, code: "INTERNAL", message: "next minute", now: minute + 60_000 });
    const messages = lines.map((l) => JSON.parse(l) as { msg: string; message?: string; agentId: string });
    expect(messages.filter((m) => m.agentId === agentId).map((m) => m.message ?? m.msg)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `m${i}`),
      "agent reports more errors this minute; they are only counted",
      "next minute",
    ]);
    expect(messages.filter((m) => m.agentId === `${agentId}-b`)).toHaveLength(1);
  });
});
