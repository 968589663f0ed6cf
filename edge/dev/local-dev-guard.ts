import type { MiddlewareHandler } from "hono";
import type { EdgeEnv } from "../src/env.ts";
import { csrfGuard } from "../src/http/csrf-guard.ts";
import { isLocalDevRequest } from "../src/http/local-dev.ts";

/**
 * The gate of every dev route: nothing answers (404) unless DEV_LOGIN is on and the host is loopback;
 * then the defences of every state-changing route (JSON body, an allowed Origin), so a web page the
 * developer visits cannot drive the local stack through its browser.
 */
export function localDevGuard(): MiddlewareHandler<EdgeEnv> {
  const csrf = csrfGuard();
  return async function localDevGuard(c, next) {
    if (!isLocalDevRequest(c)) return c.notFound();
    return csrf(c, next);
  };
}
