import type { Context } from "hono";
import type { EdgeEnv } from "../env.ts";
import { logEvent } from "../log.ts";

/**
 * The Worker's rate limits: Cloudflare's Rate Limiting binding (`[[ratelimits]]` in wrangler.toml), which
 * counts per key and per Cloudflare location over a window of 10 or 60 s. Each limit guards routes that
 * cost D1 work before the caller has proven anything. `periodSeconds` must equal the binding's period in
 * wrangler.toml (a test compares them); it is the Retry-After we send, an upper bound of the wait.
 */
export const RATE_LIMITS = {
  /** POST /auth/session and POST /auth/dev-login, per client IP */
  signIn: { binding: "SIGN_IN_LIMITER", periodSeconds: 60 },
  /** POST /agent/enroll, per client IP; POST /agent/rotate, per agent */
  enroll: { binding: "ENROLL_LIMITER", periodSeconds: 60 },
  /** GET /agent/connect, per client IP and per agent id named by the credential (before any D1 read) */
  agentConnect: { binding: "AGENT_CONNECT_LIMITER", periodSeconds: 60 },
  /** POST /ops/tenants (the operator's onboarding), per client IP, before the secret is checked */
  operator: { binding: "OPERATOR_LIMITER", periodSeconds: 60 },
  /** /trpc with a personal API token, per client IP and per token (before its D1 lookup) */
  apiToken: { binding: "API_TOKEN_LIMITER", periodSeconds: 60 },
} as const satisfies Record<string, { binding: keyof Env; periodSeconds: 10 | 60 }>;
export type RateLimitName = keyof typeof RATE_LIMITS;

/**
 * The client's address as Cloudflare saw it. Without the header (only `wrangler dev` and tests, never
 * behind Cloudflare) every caller shares one key, which is still a limit.
 */
export const clientIp = (c: Context<EdgeEnv>): string => c.req.header("cf-connecting-ip") ?? "unknown";

/**
 * Counts one call against `name` for every key; a 429 with Retry-After when any of them is over, else
 * null. A binding that fails open: a limiter outage must not take sign-in down with it.
 */
export async function rateLimited(
  c: Context<EdgeEnv>,
  name: RateLimitName,
  keys: readonly string[],
): Promise<Response | null> {
  const { binding, periodSeconds } = RATE_LIMITS[name];
  const limiter = c.env[binding];
  for (const key of keys) {
    let success = true;
    try {
      ({ success } = await limiter.limit({ key }));
    } catch (error) {
      logEvent("warn", "rate limiter unavailable", { limit: name, error: String(error) });
    }
    if (!success) {
      logEvent("warn", "rate limited", { limit: name, key, path: c.req.path });
      c.header("Retry-After", String(periodSeconds));
      return c.json(
        { error: "RATE_LIMITED", message: `too many requests; retry in ${periodSeconds} s` },
        429,
      );
    }
  }
  return null;
}
