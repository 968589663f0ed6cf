import { logEvent } from "../log.ts";

// An agent's `error` frames are counted (agent_errors) and logged; a broken or hostile agent can send them
// as fast as the hub's frame allowance lets it (hundreds a second for a large agent), and a log line each
// would flood the operators' logs and slow the hub. So each agent gets at most LINES_PER_MINUTE lines a
// minute, and one more saying the rest of that minute's are only counted.

const LINES_PER_MINUTE = 10;
/** agents tracked at once in this isolate; past it the oldest minute's entries are dropped */
const MAX_AGENTS = 10_000;

const logged = new Map<string, { minute: number; lines: number }>();

/** Logs an agent's error report unless that agent already filled this minute's lines. */
export function logAgentError(input: { agentId: string; code: string; message: string; now: number }): void {
  const minute = Math.floor(input.now / 60_000);
  const seen = logged.get(input.agentId);
  const lines = seen?.minute === minute ? seen.lines : 0;
  if (lines > LINES_PER_MINUTE) return;
  if (!seen && logged.size >= MAX_AGENTS) logged.clear();
  logged.set(input.agentId, { minute, lines: lines + 1 });
  if (lines === LINES_PER_MINUTE) {
    logEvent("warn", "agent reports more errors this minute; they are only counted", {
      agentId: input.agentId,
    });
    return;
  }
  logEvent("warn", "agent reported an error", {
    agentId: input.agentId,
    code: input.code,
    message: input.message,
  });
}
