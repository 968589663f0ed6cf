import type { MiddlewareHandler } from "hono";
import { bearerToken, sessionCookie } from "../auth/authenticate.ts";
import type { EdgeEnv } from "../env.ts";
import { parseVars } from "../env.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Cross-site request forgery guard for state-changing routes (tRPC mutations, /auth/*): the body must
 * be JSON (a cross-site form cannot send that without a CORS preflight) and the Origin must be one of
 * ALLOWED_ORIGINS. A bearer-token client with no session cookie may omit Origin: forged requests
 * cannot carry its token.
 */
export function csrfGuard(): MiddlewareHandler<EdgeEnv> {
  return async function csrfGuard(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      return c.json({ error: "state-changing requests must send content-type: application/json" }, 415);
    }
    const origin = c.req.header("origin");
    const bearerOnly = bearerToken(c.req.raw) !== null && sessionCookie(c.req.raw) === null;
    const allowed = origin === undefined ? bearerOnly : parseVars(c.env).ALLOWED_ORIGINS.includes(origin);
    if (!allowed) return c.json({ error: "origin not allowed" }, 403);
    return next();
  };
}
