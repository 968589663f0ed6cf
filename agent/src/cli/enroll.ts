import { existsSync, mkdirSync, statSync } from "node:fs";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { saveState, stateFile } from "../state-file.ts";

const EnrollResponse = z.object({
  agentId: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  name: z.string(),
  credential: z.string(),
});

export type EnrollError =
  | { code: "ALREADY_ENROLLED"; message: string }
  | { code: "TOKEN_REFUSED"; message: string }
  | { code: "EDGE_UNREACHABLE"; message: string };

/** Swaps a one-time token for this agent's credential and saves it in the state file (0600). */
export async function enroll(input: {
  edgeUrl: string;
  token: string;
  name: string;
  stateDir: string;
  force: boolean;
}): Promise<Result<{ agentId: string; siteId: string; file: string }, EnrollError>> {
  const file = stateFile(input.stateDir);
  if (existsSync(file) && !input.force) {
    return err({ code: "ALREADY_ENROLLED", message: `${file} exists; pass --force to enroll again` });
  }
  let res: Response;
  try {
    res = await fetch(new URL("/agent/enroll", input.edgeUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: input.token, name: input.name }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return err({ code: "EDGE_UNREACHABLE", message: `cannot reach ${input.edgeUrl}: ${String(error)}` });
  }
  if (res.status === 401) {
    return err({
      code: "TOKEN_REFUSED",
      message: "the enrollment token is invalid, already used or expired; ask an admin for a new one",
    });
  }
  const body = EnrollResponse.safeParse(await res.json().catch(() => null));
  if (!res.ok || !body.success) {
    return err({ code: "EDGE_UNREACHABLE", message: `enrollment failed with HTTP ${res.status}` });
  }
  // root enrolls on behalf of the service user: the credential belongs to whoever owns the state directory
  mkdirSync(input.stateDir, { recursive: true, mode: 0o700 });
  const owner = process.getuid?.() === 0 ? statSync(input.stateDir) : undefined;
  saveState(
    input.stateDir,
    { ...body.data, edgeUrl: input.edgeUrl, enrolledAt: new Date().toISOString() },
    owner && { uid: owner.uid, gid: owner.gid },
  );
  return ok({ agentId: body.data.agentId, siteId: body.data.siteId, file });
}
