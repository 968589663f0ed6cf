import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../atomic-file.ts";

// The running agent takes an upgrade request on its local endpoint only with a token it writes, with
// the endpoint's address, to its state directory (0600) at start: whoever can read it (the service
// user, root) may ask; another local user may not.

const Control = z.object({ url: z.string(), token: z.string().min(1) });
export type Control = z.infer<typeof Control>;

const file = (stateDir: string) => path.join(stateDir, "control.json");

export function issueControl(stateDir: string, url: string): string {
  const token = randomBytes(32).toString("base64url");
  writeFileAtomic(file(stateDir), `${JSON.stringify({ url, token })}\n`, 0o600);
  return token;
}

export function readControl(stateDir: string): Control | null {
  try {
    const parsed = Control.safeParse(JSON.parse(readFileSync(file(stateDir), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function tokenMatches(presented: string | undefined, token: string): boolean {
  const a = Buffer.from(presented?.replace(/^Bearer /, "") ?? "");
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
