import type { Context as HonoContext } from "hono";
import type { EdgeEnv } from "../app-env.ts";
import { authenticate, bearerVerifierFor, tenantExistsIn } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { createWorkflowDeps, type WorkflowDeps } from "../commands/command-deps.ts";
import { createJobDispatcher } from "../commands/hub-dispatcher.ts";
import { parseVars } from "../env.ts";
import { createChangeFeed } from "../tenant-feed/change-feed.ts";

// a type alias (not an interface) so it satisfies the adapter's Record<string, unknown>
export type TrpcContext = {
  env: Env;
  /** null when the caller presented no valid credentials; procedures decide whether that is fine */
  principal: Principal | null;
  deps: WorkflowDeps;
};

/** Context without a request, so tests can build one directly (and inject a test dispatcher or clock). */
export function createContextInner(input: {
  env: Env;
  principal?: Principal | null;
  deps?: WorkflowDeps;
}): TrpcContext {
  return {
    env: input.env,
    principal: input.principal ?? null,
    deps:
      input.deps ??
      createWorkflowDeps({
        db: input.env.DB,
        dispatcher: createJobDispatcher(input.env),
        feed: createChangeFeed(input.env),
      }),
  };
}

export async function createContext(c: HonoContext<EdgeEnv>): Promise<TrpcContext> {
  const vars = parseVars(c.env);
  const auth = await authenticate(c.req.raw, {
    vars,
    now: new Date(),
    verifyBearer: bearerVerifierFor(vars),
    tenantExists: tenantExistsIn(c.env.DB),
  });
  if (auth.failure)
    console.warn(JSON.stringify({ msg: "credentials refused", path: c.req.path, ...auth.failure }));
  const deps = createWorkflowDeps({
    db: c.env.DB,
    dispatcher: createJobDispatcher(c.env),
    feed: createChangeFeed(c.env),
    // the outbox relay and feed notifications outlive the response; the sweeper covers a lost relay
    defer: (work) => c.executionCtx.waitUntil(work()),
  });
  return createContextInner({ env: c.env, principal: auth.principal, deps });
}
