import type { TokenScope } from "@gantry/shared/api/tokens";

/**
 * The scope a personal API token needs for a procedure, or null when no token may call it. One table
 * for the whole API, so a new procedure is classified by where it lives and what builder it uses:
 * - the approval queue (`approvals.*` and the lease extensions' part of it, reads and decisions) needs
 *   `approve`;
 * - token management (`tokens.*`) and signing out (`sessions.*`) need a signed-in person: a token never
 *   mints or revokes tokens, so a leaked one cannot keep itself alive;
 * - other admin procedures need `admin`;
 * - other reads need only `read` (every token has it);
 * - a person's own writes on requests and VMs need `request`;
 * - any other write is closed to tokens until it is given a scope here (fail closed).
 * On top of the scope, the procedure's own role checks still apply to the token's owner.
 */
/** The lease extensions waiting for approval: the approvals page's third queue, for admins and project approvers. */
const EXTENSION_QUEUE = new Set([
  "leases.pendingExtensions",
  "leases.approveExtension",
  "leases.rejectExtension",
]);

export function scopeNeeded(input: {
  path: string;
  type: "query" | "mutation" | "subscription";
  adminOnly: boolean;
}): TokenScope | null {
  const resource = input.path.split(".")[0] ?? "";
  if (resource === "tokens" || resource === "sessions") return null;
  if (resource === "approvals" || EXTENSION_QUEUE.has(input.path)) return "approve";
  if (input.adminOnly) return "admin";
  if (input.type !== "mutation") return "read";
  if (resource === "requests" || resource === "vms") return "request";
  return null;
}

/** Every token holds `read`; the others only as granted. */
export const tokenHolds = (scopes: readonly TokenScope[], needed: TokenScope): boolean =>
  needed === "read" || scopes.includes(needed);
