import { env } from "cloudflare:workers";
import { type IdpGrant, startSession } from "../../src/auth/browser-session.ts";
import type { Principal } from "../../src/auth/principal.ts";
import { LOCAL_COOKIE } from "../../src/auth/session-cookie.ts";
import type { SessionSource } from "../../src/auth/sessions.ts";

/** Starts a session for `principal` the way sign-in does and returns the Cookie header that names it. */
export async function sessionCookieFor(
  db: D1Database,
  principal: Principal,
  options: { source?: SessionSource; grant?: IdpGrant | null; now?: number; revalidateMs?: number } = {},
): Promise<string> {
  const { via: _via, ...identity } = principal;
  const token = await startSession(
    {
      db,
      now: options.now ?? Date.now(),
      secret: env.SESSION_SECRET,
      revalidateMs: options.revalidateMs ?? 300_000,
      renewal: null,
    },
    { identity, source: options.source ?? "dev", grant: options.grant ?? null },
  );
  return `${LOCAL_COOKIE}=${token}`;
}
