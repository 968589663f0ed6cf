import type { Context } from "hono";
import type { EdgeEnv } from "../env.ts";
import { hashesEqual, sha256Hex } from "../tenancy/credentials.ts";

/**
 * Whether the request's bearer token is `secret` (an operator's Worker secret). Digests are compared, so
 * the comparison takes the same time whatever was presented; an unset secret matches nothing.
 */
export async function bearerIsSecret(c: Context<EdgeEnv>, secret: string | undefined): Promise<boolean> {
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!secret || !presented) return false;
  return hashesEqual(await sha256Hex(presented), await sha256Hex(secret));
}
