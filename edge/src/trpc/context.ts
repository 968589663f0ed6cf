import type { Context as HonoContext } from "hono";
import type { EdgeEnv } from "../app-env.ts";

// a type alias (not an interface) so it satisfies the adapter's Record<string, unknown>
export type TrpcContext = {
  env: Env;
};

/** Context without a request, so tests can build one directly. */
export function createContextInner(deps: { env: Env }): TrpcContext {
  return { env: deps.env };
}

export function createContext(c: HonoContext<EdgeEnv>): TrpcContext {
  return createContextInner({ env: c.env });
}
