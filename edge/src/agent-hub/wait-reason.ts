import type { WaitReason } from "./hub-status.ts";

const hhmm = (iso: string) => iso.slice(11, 16);

/**
 * Why a job waits (or is ending), as a sentence for people: "no agent connected for site Acme lab
 * since 10:04 UTC".
 */
export function describeWait(reason: WaitReason, siteName: string): string {
  switch (reason.code) {
    case "NO_AGENT_CONNECTED":
      return reason.since
        ? `no agent connected for site ${siteName} since ${hhmm(reason.since)} UTC`
        : `no agent has connected for site ${siteName} yet`;
    case "AGENTS_AT_CAPACITY":
      return `all ${reason.connected} agent(s) of site ${siteName} are busy`;
    case "AGENTS_DRAINING":
      return `the agents of site ${siteName} are shutting down and take no new jobs`;
    case "AWAITING_ACCEPTANCE":
      return `offered to an agent of site ${siteName}, waiting for it to accept`;
    case "STOPPING": {
      const why =
        reason.reason === "timed-out"
          ? `it took longer than site ${siteName} allows (${reason.maxMinutes} min)`
          : "an admin stopped it";
      const until = reason.deadline ? `, at the latest by ${hhmm(reason.deadline)} UTC` : "";
      return `${why}; its agent is removing what it built${until}`;
    }
  }
}
