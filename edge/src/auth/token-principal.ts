import type { TokenScope } from "@gantry/shared/api/tokens";
import { err, ok, type Result } from "@gantry/shared/result";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { apiTokenHash, isApiTokenSecret } from "./api-token-secret.ts";
import { findApiTokenByHash, lastUseIsStale, touchApiToken } from "./api-tokens.ts";
import type { Principal } from "./principal.ts";
import { latestSessionIdentity } from "./sessions.ts";
import { getTenantPerson } from "./users.ts";

export type TokenFailure = {
  code: "MALFORMED_TOKEN" | "UNKNOWN_TOKEN" | "TOKEN_REVOKED" | "TOKEN_EXPIRED" | "TOKEN_OWNER_UNKNOWN";
  /** the token's id (never its secret), for the log */
  tokenId?: string;
};

/**
 * The owner's role now: the `users` table where the person is on record (everyone who signed in since
 * people are recorded at sign-in), else the role their newest session carried. On record, only the role
 * given in Gantry counts, not an admin role the IdP's claims gave at sign-in: a token's admin scope needs
 * an admin named in People and roles, and un-naming them takes it away at once (least privilege).
 */
async function ownerIdentity(db: SqlDatabase, input: { tenantId: string; userId: string }) {
  return (await getTenantPerson(db, input)) ?? (await latestSessionIdentity(db, input));
}

/** A token never exceeds its owner's current role: without admin, its admin scope is gone at once. */
export const effectiveScopes = (scopes: readonly TokenScope[], role: Principal["role"]): TokenScope[] =>
  scopes.filter((s) => s !== "admin" || role === "admin");

/**
 * The principal of a `gpt_…` bearer: one lookup by the secret's hash, one read of the owner's role, and a
 * "last used" write at most once a minute. Revoked, expired or ownerless tokens yield nothing.
 */
export async function tokenPrincipal(
  secret: string,
  deps: { db: SqlDatabase; now: number },
): Promise<Result<Principal, TokenFailure>> {
  if (!isApiTokenSecret(secret)) return err({ code: "MALFORMED_TOKEN" });
  const token = await findApiTokenByHash(deps.db, await apiTokenHash(secret));
  if (!token) return err({ code: "UNKNOWN_TOKEN" });
  const tokenId = token.tokenId;
  if (token.revokedAt !== null) return err({ code: "TOKEN_REVOKED", tokenId });
  if (token.expiresAt <= deps.now) return err({ code: "TOKEN_EXPIRED", tokenId });
  const owner = await ownerIdentity(deps.db, { tenantId: token.tenantId, userId: token.ownerId });
  if (!owner) return err({ code: "TOKEN_OWNER_UNKNOWN", tokenId });
  if (lastUseIsStale(token, deps.now)) await touchApiToken(deps.db, { tokenId, now: deps.now });
  return ok({
    userId: token.ownerId,
    tenantId: token.tenantId,
    role: owner.role,
    email: owner.email,
    name: owner.name,
    via: "token",
    token: { id: tokenId, name: token.name, scopes: effectiveScopes(token.scopes, owner.role) },
  });
}
