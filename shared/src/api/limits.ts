/**
 * The most procedure calls one tRPC batch request may carry: the edge refuses a larger batch with 400
 * before running any of it, and the web's batch link splits its calls to stay under it. A page issues a
 * handful at once; the cap keeps one HTTP request from fanning out into unbounded D1 and agent work.
 */
export const MAX_TRPC_BATCH_SIZE = 16;
