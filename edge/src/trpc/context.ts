import type { Context as HonoContext } from "hono";
import { authenticateRequest } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import type { DispatchDeps } from "../commands/command-deps.ts";
import { workerDeps } from "../deps.ts";
import type { EdgeEnv } from "../env.ts";
import { logEvent } from "../log.ts";

// a type alias (not an interface) so it satisfies the adapter's Record<string, unknown>
export type TrpcContext = {
  env: Env;
  /** null when the caller presented no valid credentials; procedures decide whether that is fine */
  principal: Principal | null;
  /**
   * The credentials may be fine but could not be checked now (the IdP's keys or token endpoint did not
   * answer): signed-in procedures answer SERVICE_UNAVAILABLE instead of UNAUTHORIZED.
   */
  identityUnavailable?: boolean;
  deps: DispatchDeps;
};

/** Context without a request, so tests can build one directly (and inject a test dispatcher or clock). */
export function createContextInner(input: {
  env: Env;
  principal?: Principal | null;
  identityUnavailable?: boolean;
  deps?: DispatchDeps;
}): TrpcContext {
  return {
    env: input.env,
    principal: input.principal ?? null,
    identityUnavailable: input.identityUnavailable ?? false,
    deps: input.deps ?? workerDeps(input.env),
  };
}

export async function createContext(c: HonoContext<EdgeEnv>): Promise<TrpcContext> {
  const auth = await authenticateRequest(c.req.raw, c.env);
  if (auth.failure) logEvent("warn", "credentials refused", { path: c.req.path, ...auth.failure });
  // the outbox relay and feed notifications outlive the response; the sweeper covers a lost relay
  const deps = workerDeps(c.env, { defer: (work) => c.executionCtx.waitUntil(work()) });
  const identityUnavailable = auth.failure?.code === "IDP_UNAVAILABLE";
  return createContextInner({ env: c.env, principal: auth.principal, identityUnavailable, deps });
}
