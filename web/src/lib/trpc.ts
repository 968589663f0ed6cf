import type { AppRouter } from "@gantry/edge/trpc";
import { MAX_TRPC_BATCH_SIZE } from "@gantry/shared/api/limits";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";

// same origin: the edge serves this app, so the session cookie and Origin header just work
const url = "/trpc";

export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url }),
      false: httpBatchLink({ url, maxItems: MAX_TRPC_BATCH_SIZE }),
    }),
  ],
});
