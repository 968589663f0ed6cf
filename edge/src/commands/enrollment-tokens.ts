import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import {
  type EnrollmentToken,
  listUnusedTokens,
  newEnrollmentToken,
  revokeTokenStatement,
} from "../tenancy/enrollment.ts";
import { getSiteState } from "../tenancy/sites.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

/**
 * An admin's one-time token for a site (the caller checked the site is the tenant's): the token row and
 * its audit event in one batch. The value is returned once and stored only as a hash.
 */
export async function createEnrollmentToken(
  deps: CommandDeps,
  input: { principal: Principal; siteId: string },
): Promise<Result<EnrollmentToken, TenancyWriteError | { code: "SITE_ARCHIVED" }>> {
  const { principal, siteId } = input;
  // an archived site takes no new agent (its tokens are refused at enrolment too)
  const site = await getSiteState(deps.db, { tenantId: principal.tenantId, siteId });
  if (site?.archivedAt) return err({ code: "SITE_ARCHIVED" });
  const { token, insert } = await newEnrollmentToken(deps.db, {
    tenantId: principal.tenantId,
    siteId,
    createdBy: principal.userId,
    // real time, as the Worker that redeems it judges expiry by it
    now: Date.now(),
  });
  const recorded = await recordTenancyEvent(deps, {
    tenantId: principal.tenantId,
    streamId: streamIds.site(siteId),
    event: {
      type: "EnrollmentTokenCreated",
      data: { siteId, tokenId: token.tokenId, expiresAt: token.expiresAt },
    },
    actor: personActor(principal),
    sideEffects: [insert],
  });
  return recorded.ok ? ok(token) : recorded;
}

export type RevokeTokenError = { code: "TOKEN_NOT_FOUND"; tokenId: string } | TenancyWriteError;

/**
 * An admin withdraws an unused token before it expires. A token of another tenant, or one already used,
 * withdrawn or expired, is answered like a missing one.
 */
export async function revokeEnrollmentToken(
  deps: CommandDeps,
  input: { principal: Principal; tokenId: string },
): Promise<Result<{ tokenId: string }, RevokeTokenError>> {
  const { principal, tokenId } = input;
  const now = Date.now();
  const [token] = await listUnusedTokens(deps.db, { tenantId: principal.tenantId, now, tokenId });
  if (!token) return err({ code: "TOKEN_NOT_FOUND", tokenId });
  const recorded = await recordTenancyEvent(deps, {
    tenantId: principal.tenantId,
    streamId: streamIds.site(token.siteId),
    event: { type: "EnrollmentTokenRevoked", data: { siteId: token.siteId, tokenId } },
    actor: personActor(principal),
    sideEffects: [
      revokeTokenStatement(deps.db, {
        tenantId: principal.tenantId,
        tokenId,
        revokedBy: principal.userId,
        now,
      }),
    ],
  });
  return recorded.ok ? ok({ tokenId }) : recorded;
}
