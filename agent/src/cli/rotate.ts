import { statSync } from "node:fs";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { loadState, saveState, stateFile } from "../state-file.ts";

const RotateResponse = z.object({ agentId: z.string(), credential: z.string().min(1) });

export type RotateError =
  | { code: "NOT_ENROLLED"; message: string }
  | { code: "CREDENTIAL_REFUSED"; message: string }
  | { code: "EDGE_UNREACHABLE"; message: string };

/**
 * Swaps the agent's credential for a new one (`POST /agent/rotate`) and saves it in the state file
 * (atomically, 0600). The edge keeps the old one working until the new one first connects, so a crash
 * between the answer and the save loses nothing; a running agent picks the new one up at its next
 * reconnect, when the old one stops working.
 */
export async function rotateCredential(input: {
  stateDir: string;
  edgeUrl: string;
}): Promise<Result<{ agentId: string; file: string }, RotateError>> {
  const state = loadState(input.stateDir);
  if (!state.ok) return err({ code: "NOT_ENROLLED", message: state.error });
  let res: Response;
  try {
    res = await fetch(new URL("/agent/rotate", input.edgeUrl), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${state.value.credential}` },
      body: "{}",
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return err({ code: "EDGE_UNREACHABLE", message: `cannot reach ${input.edgeUrl}: ${String(error)}` });
  }
  if (res.status === 401)
    return err({
      code: "CREDENTIAL_REFUSED",
      message:
        "the edge refused the current credential (revoked?); ask an admin for a token and enroll again",
    });
  const body = RotateResponse.safeParse(await res.json().catch(() => null));
  if (!res.ok || !body.success || body.data.agentId !== state.value.agentId)
    return err({ code: "EDGE_UNREACHABLE", message: `rotation failed with HTTP ${res.status}` });
  // root rotating for the service user: the new file keeps the old one's owner, or the service could not read it
  const file = stateFile(input.stateDir);
  const owner = process.getuid?.() === 0 ? statSync(file) : undefined;
  saveState(
    input.stateDir,
    { ...state.value, credential: body.data.credential },
    owner && { uid: owner.uid, gid: owner.gid },
  );
  return ok({ agentId: body.data.agentId, file });
}
