import type { MiddlewareHandler } from "hono";
import { apiTokenHash, looksLikeApiToken } from "../auth/api-token-secret.ts";
import { bearerToken } from "../auth/authenticate.ts";
import type { EdgeEnv } from "../env.ts";
import { clientIp, rateLimited } from "./rate-limit.ts";

/**
 * Calls made with a personal API token are counted per client address (guessing costs a D1 lookup
 * each) and per token (a runaway script), before the token is looked up. The token's key is a prefix of
 * its hash, never the secret, since a refusal is logged with its key. Browser calls (the cookie) and OIDC
 * bearers are not counted here.
 */
export function apiTokenLimit(): MiddlewareHandler<EdgeEnv> {
  return async function apiTokenLimit(c, next) {
    const token = bearerToken(c.req.raw);
    if (token === null || !looksLikeApiToken(token)) return next();
    const tokenKey = (await apiTokenHash(token)).slice(0, 16);
    const limited = await rateLimited(c, "apiToken", [`ip:${clientIp(c)}`, `token:${tokenKey}`]);
    return limited ?? next();
  };
}
