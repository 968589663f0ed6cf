import { env } from "cloudflare:workers";
import type { Principal } from "../../src/auth/principal.ts";
import { createContextInner } from "../../src/trpc/context.ts";
import { appRouter } from "../../src/trpc/router.ts";
import { createCallerFactory } from "../../src/trpc/trpc.ts";
import type { TestWorkflow } from "./test-deps.ts";

const createCaller = createCallerFactory(appRouter);

/** The tRPC API as `principal` sees it, with the test's clock and recording dispatcher. */
export const callerFor = (principal: Principal | null, workflow: TestWorkflow) =>
  createCaller(createContextInner({ env, principal, deps: workflow.deps }));

export type Caller = ReturnType<typeof callerFor>;

let keys = 0;
/** A fresh idempotency key per call, like a browser form would generate. */
export const freshKey = () => `key-${Date.now()}-${++keys}-${crypto.randomUUID().slice(0, 8)}`;

/** Valid `requests.create` input; override what the test is about. */
export const requestInput = (projectId: string, overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: freshKey(),
  projectId,
  name: `vm-${crypto.randomUUID().slice(0, 8)}`,
  size: "M" as const,
  justification: "needed for the integration tests",
  ...overrides,
});

/** The tRPC error code a promise rejects with, or "resolved". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
