import type { AppRouter } from "@gantry/edge/trpc";
import { MAX_TRPC_BATCH_SIZE } from "@gantry/shared/api/limits";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, retryLink, splitLink } from "@trpc/client";
import { readRetryDelayMs, shouldRetryRead } from "./read-retry.ts";

// same origin: the edge serves this app, so the session cookie and Origin header just work
const url = "/trpc";

export const trpc = createTRPCClient<AppRouter>({
  links: [
    // reads ride out a moment without the edge (a restart, a deploy); see read-retry.ts
    retryLink({ retry: shouldRetryRead, retryDelayMs: readRetryDelayMs }),
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url }),
      false: httpBatchLink({ url, maxItems: MAX_TRPC_BATCH_SIZE }),
    }),
  ],
});
