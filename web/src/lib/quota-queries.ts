import type { SetQuotaInput } from "@gantry/shared/api/quotas";
import { action, query } from "@solidjs/router";
import { trpc } from "./trpc.ts";

// quotas (issue 18): the settings page's list and edit, and what the request form checks a size against

export const getQuotas = query(() => trpc.quotas.list.query(), "quotas.list");
export const getQuotaLeft = query(
  (projectId: string) => trpc.quotas.left.query({ projectId }),
  "quotas.left",
);
export const setQuotaAction = action((input: SetQuotaInput) => trpc.quotas.set.mutate(input), "quotas.set");
