import type { CreatedToken, CreateTokenInput } from "@gantry/shared/api/tokens";
import { err, ok, type Result } from "@gantry/shared/result";
import { apiTokenHash, newApiTokenId, newApiTokenSecret } from "../auth/api-token-secret.ts";
import {
  findApiToken,
  insertApiTokenStatement,
  revokeApiTokenStatement,
  toApiToken,
} from "../auth/api-tokens.ts";
import { isAdmin, type Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export type CreateTokenError = TenancyWriteError | { code: "SCOPE_ABOVE_ROLE" };

/**
 * A person makes a personal API token: the row (the secret's SHA-256 only) and `ApiTokenCreated` in one
 * batch. The secret is in the answer and nowhere else. A member cannot grant a token the admin scope.
 */
export async function createApiToken(
  deps: CommandDeps,
  input: { actor: Principal; token: CreateTokenInput },
): Promise<Result<CreatedToken, CreateTokenError>> {
  const { actor, token } = input;
  if (token.scopes.includes("admin") && !isAdmin(actor)) return err({ code: "SCOPE_ABOVE_ROLE" });
  const secret = newApiTokenSecret();
  const now = deps.clock().getTime();
  const record = {
    tokenId: newApiTokenId(),
    tenantId: actor.tenantId,
    ownerId: actor.userId,
    ownerName: actor.name,
    name: token.name,
    scopes: token.scopes,
    createdAt: now,
    expiresAt: now + token.expiresInDays * DAY_MS,
  };
  const recorded = await recordTenancyEvent(deps, {
    tenantId: actor.tenantId,
    streamId: streamIds.user(actor.tenantId, actor.userId),
    event: {
      type: "ApiTokenCreated",
      data: {
        tokenId: record.tokenId,
        ownerId: record.ownerId,
        name: record.name,
        scopes: record.scopes,
        expiresAt: new Date(record.expiresAt).toISOString(),
      },
    },
    actor: personActor(actor),
    sideEffects: [insertApiTokenStatement(deps.db, { ...record, secretHash: await apiTokenHash(secret) })],
  });
  if (!recorded.ok) return err(recorded.error);
  return ok({ token: toApiToken({ ...record, lastUsedAt: null, revokedAt: null }), secret });
}

export type RevokeTokenError = TenancyWriteError | { code: "TOKEN_NOT_FOUND" };

/**
 * Revokes a token: its owner may, and a tenant admin may revoke anyone's. Anyone else, and another
 * tenant's token, meet TOKEN_NOT_FOUND. Revoking a revoked token changes nothing and records nothing.
 */
export async function revokeApiToken(
  deps: CommandDeps,
  input: { actor: Principal; tokenId: string },
): Promise<Result<{ revoked: boolean }, RevokeTokenError>> {
  const { actor, tokenId } = input;
  const token = await findApiToken(deps.db, { tenantId: actor.tenantId, tokenId });
  if (!token || (token.ownerId !== actor.userId && !isAdmin(actor))) return err({ code: "TOKEN_NOT_FOUND" });
  if (token.revokedAt !== null) return ok({ revoked: false });
  const recorded = await recordTenancyEvent(deps, {
    tenantId: actor.tenantId,
    streamId: streamIds.user(actor.tenantId, token.ownerId),
    event: { type: "ApiTokenRevoked", data: { tokenId, ownerId: token.ownerId } },
    actor: personActor(actor),
    sideEffects: [
      revokeApiTokenStatement(deps.db, {
        tenantId: actor.tenantId,
        tokenId,
        now: deps.clock().getTime(),
        by: actor.userId,
      }),
    ],
  });
  return recorded.ok ? ok({ revoked: true }) : err(recorded.error);
}
