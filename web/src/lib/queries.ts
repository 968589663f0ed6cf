import type { ApproveInput, PendingQueueInput, RejectInput } from "@gantry/shared/api/approvals";
import type { CreateRequestInput, ListRequestsInput } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import { action, query } from "@solidjs/router";
import { isUnauthorized } from "./api-errors.ts";
import { trpc } from "./trpc.ts";

// every tRPC read goes through a keyed query: preloads, dedupes, and `revalidate(key)` refreshes it

/** The signed-in user, or null when there is no session. */
export const getSession = query(async (): Promise<SessionUser | null> => {
  try {
    return await trpc.session.me.query();
  } catch (error) {
    if (isUnauthorized(error)) return null;
    throw error;
  }
}, "session");

export const getSizes = query(() => trpc.catalog.sizes.query(), "catalog.sizes");
export const getProjects = query(() => trpc.catalog.projects.query(), "catalog.projects");

export const getMyRequests = query(
  (input: ListRequestsInput) => trpc.requests.list.query(input),
  "requests.list",
);
export const getRequest = query(
  (requestId: string) => trpc.requests.get.query({ requestId }),
  "requests.get",
);

export const getPendingApprovals = query(
  (input: PendingQueueInput) => trpc.approvals.pending.query(input),
  "approvals.pending",
);

// mutations: actions revalidate every cached read when they finish, so lists and details catch up

export const createRequestAction = action(
  (input: CreateRequestInput) => trpc.requests.create.mutate(input),
  "requests.create",
);

export const cancelRequestAction = action(
  (requestId: string) => trpc.requests.cancel.mutate({ requestId }),
  "requests.cancel",
);

export const approveAction = action(
  (input: ApproveInput) => trpc.approvals.approve.mutate(input),
  "approvals.approve",
);

export const rejectAction = action(
  (input: RejectInput) => trpc.approvals.reject.mutate(input),
  "approvals.reject",
);
