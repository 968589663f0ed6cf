import { API_CONTENT_SECURITY_POLICY, securityHeaders } from "@gantry/shared/http/security-headers";
import type { MiddlewareHandler } from "hono";
import type { EdgeEnv } from "../env.ts";

const HEADERS = Object.entries(securityHeaders(API_CONTENT_SECURITY_POLICY));

/**
 * The security headers on every answer of the Worker (API, auth, agent routes, `/healthz`, 404s and
 * errors); the SPA and its files get the same set from the `_headers` file of the web build. A WebSocket
 * upgrade (101) carries no document and is passed through untouched.
 */
export function securityHeadersMiddleware(): MiddlewareHandler<EdgeEnv> {
  return async function securityHeaders(c, next) {
    await next();
    if (c.res.status === 101) return;
    // a Durable Object's answer comes back with immutable headers: copy it once before adding ours
    try {
      for (const [name, value] of HEADERS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    } catch {
      const copy = new Response(c.res.body, c.res);
      for (const [name, value] of HEADERS) if (!copy.headers.has(name)) copy.headers.set(name, value);
      c.res = copy;
    }
  };
}
