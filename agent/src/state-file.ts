import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { writeFileAtomic } from "./atomic-file.ts";

/** What `enroll` leaves behind: the agent's identity and its credential (mode 0600, never logged). */
export const AgentState = z.object({
  edgeUrl: z.url(),
  agentId: z.string().min(1),
  tenantId: z.string().min(1),
  siteId: z.string().min(1),
  name: z.string().min(1),
  credential: z.string().min(1),
  enrolledAt: z.string().datetime(),
});
export type AgentState = z.infer<typeof AgentState>;

export const stateFile = (stateDir: string) => path.join(stateDir, "agent.json");

/** @param owner who the file belongs to (root enrolling for the service user), from its first byte on */
export function saveState(stateDir: string, state: AgentState, owner?: { uid: number; gid: number }): void {
  writeFileAtomic(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`, 0o600, owner);
}

export function loadState(stateDir: string): Result<AgentState, string> {
  const file = stateFile(stateDir);
  if (!existsSync(file))
    return err(`${file} not found: enroll first (gantry-agent enroll --edge <url> --token <t>)`);
  // a credential readable by others is a leaked credential
  if ((statSync(file).mode & 0o077) !== 0)
    return err(`${file} must not be readable by group or others (chmod 600)`);
  try {
    const parsed = AgentState.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? ok(parsed.data) : err(`${file} is not a valid agent state file`);
  } catch {
    return err(`${file} is not valid JSON`);
  }
}
