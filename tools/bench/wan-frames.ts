import type { TappedMessage } from "./ws-frame-tap.ts";

/** The agent protocol frames of one job as the WAN proxy saw them, each way, and its sequential legs. */
export interface JobTraffic {
  /** frames edge → agent about the job (offer, grant, acks, cancel), by type */
  edgeToAgent: Record<string, number>;
  /** frames agent → edge about the job (accept, stages, result, release), by type */
  agentToEdge: Record<string, number>;
  /**
   * One-way trips on the job's critical path: the direction changes in its frames that something waits
   * for (acks and percent updates excluded: nothing waits for them, they are pipelined), plus one.
   * offer → accept → grant → stages/result is 4 (2 round trips); grant → stages/result is 2.
   */
  oneWayLegs: number;
  /** when the proxy saw each stage frame (`stage:CLONING`, ...) and the result leave the agent */
  sentAt: Map<string, number>;
}

interface Parsed {
  type?: string;
  jobId?: string;
  update?: { kind?: string; stage?: string };
}

const parse = (text: string): Parsed | null => {
  try {
    return JSON.parse(text) as Parsed;
  } catch {
    return null;
  }
};

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Groups the tapped agent-link messages by job id. Frames without one (renewals, inventory) are the link's. */
export function trafficByJob(messages: readonly TappedMessage[]): Map<string, JobTraffic> {
  const jobs = new Map<string, JobTraffic & { lastDirection: string | null }>();
  for (const m of [...messages].sort((a, b) => a.at - b.at)) {
    const frame = parse(m.text);
    if (!frame?.jobId || !frame.type) continue;
    let job = jobs.get(frame.jobId);
    if (!job) {
      job = { edgeToAgent: {}, agentToEdge: {}, oneWayLegs: 0, sentAt: new Map(), lastDirection: null };
      jobs.set(frame.jobId, job);
    }
    const percent = frame.type === "job.progress" && frame.update?.kind === "percent";
    const type = percent ? "job.progress(percent)" : frame.type;
    bump(m.direction === "up" ? job.agentToEdge : job.edgeToAgent, type);
    if (m.direction === "up" && frame.type === "job.progress" && frame.update?.kind === "stage")
      job.sentAt.set(`stage:${frame.update.stage}`, m.at);
    if (m.direction === "up" && frame.type === "job.result") job.sentAt.set("result", m.at);
    if (frame.type === "ack" || percent) continue;
    if (job.lastDirection !== m.direction) job.oneWayLegs += 1;
    job.lastDirection = m.direction;
  }
  return new Map([...jobs].map(([id, { lastDirection: _, ...traffic }]) => [id, traffic]));
}
