import { readFile } from "node:fs/promises";
import type { VcsimHandle } from "../handle.ts";
import { startVcsim, type VcsimOptions } from "../vcsim.ts";
import { SoapSession } from "./soap-session.ts";

export const USER = "gantry";
export const PASSWORD = "s3cret&<pass>";

/** Starts our launcher (never VCSIM_URL: these tests need the control API) with test credentials. */
export function startTestVcsim(options: VcsimOptions = {}): Promise<VcsimHandle> {
  return startVcsim({ username: USER, password: PASSWORD, requireControl: true, ...options });
}

/** A logged-in SOAP session trusting the simulator's CA. */
export async function loggedIn(handle: VcsimHandle): Promise<SoapSession> {
  const ca = handle.caFile === undefined ? undefined : await readFile(handle.caFile, "utf8");
  const session = new SoapSession(handle.url, ca);
  const reply = await session.login(handle.username, handle.password);
  if (reply.fault) throw new Error(`login failed: ${reply.fault}`);
  return session;
}
