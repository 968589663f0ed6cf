import { err, ok, type Result } from "@gantry/shared/result";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { refreshAtIdp } from "./idp-token-endpoint.ts";
import type { BearerVerifier } from "./oidc-verifier.ts";
import type { Principal } from "./principal.ts";
import { openRefreshToken, sealRefreshToken } from "./refresh-token-box.ts";
import { cachedSession, cacheSession, forgetSession } from "./session-cache.ts";
import { isSessionToken, newSessionToken, sessionIdHash } from "./session-cookie.ts";
import {
  claimRenewal,
  endSession,
  findSession,
  insertSession,
  recordRenewal,
  SESSION_TTL_MS,
  type SessionIdentity,
  type SessionRecord,
  type SessionSource,
} from "./sessions.ts";

export type SessionFailure = {
  code: "MALFORMED" | "NO_SESSION" | "ENDED" | "EXPIRED" | "IDP_UNAVAILABLE";
  detail?: string;
};

/** What renewing a session at the IdP needs; null when sessions cannot renew (no client id). */
export interface SessionRenewal {
  issuer: string;
  clientId: string;
  /** the access token the IdP answers with is checked like any other */
  verify: BearerVerifier;
}

export interface SessionDeps {
  db: SqlDatabase;
  now: number;
  /** SESSION_SECRET: the key of the sealed refresh tokens */
  secret: string;
  revalidateMs: number;
  renewal: SessionRenewal | null;
}

/** One request renews a session at a time; after a failed try, the next waits this long. */
const RENEWAL_LEASE_MS = 30_000;

/** What the IdP granted with an access token: until when, and the refresh token if it gave one. */
export interface IdpGrant {
  expiresAt: number;
  refreshToken: string | null;
}

/**
 * When to ask the IdP again: every `revalidateMs`, and a little before the access token runs out (a third
 * of its life, at most a minute), so a renewal that takes a moment never leaves a gap. Without a refresh
 * token there is nothing to ask with: the session lives until the token's `exp`.
 */
export function renewalSchedule(input: { now: number; grant: IdpGrant; revalidateMs: number }): {
  revalidateAt: number;
  idpExpiresAt: number;
} {
  const { now, grant, revalidateMs } = input;
  if (!grant.refreshToken) return { revalidateAt: grant.expiresAt, idpExpiresAt: grant.expiresAt };
  const lead = Math.min(60_000, Math.max(0, (grant.expiresAt - now) / 3));
  return {
    revalidateAt: Math.min(now + revalidateMs, grant.expiresAt - lead),
    idpExpiresAt: grant.expiresAt,
  };
}

export const principalOf = (s: SessionRecord): Principal => ({
  userId: s.userId,
  tenantId: s.tenantId,
  role: s.role,
  email: s.email,
  name: s.name,
  via: "session",
});

/**
 * Starts a session and returns the cookie value for it. A dev-login session (no grant) lives its 8 hours;
 * an OIDC one also ends when the IdP's grant does, unless a refresh renews it.
 */
export async function startSession(
  deps: Pick<SessionDeps, "db" | "now" | "secret" | "revalidateMs" | "renewal">,
  input: { identity: SessionIdentity; source: SessionSource; grant: IdpGrant | null },
): Promise<string> {
  const token = newSessionToken();
  const idHash = await sessionIdHash(token);
  const { now } = deps;
  // a refresh token is only worth keeping where it can be used
  const grant = input.grant && !deps.renewal ? { ...input.grant, refreshToken: null } : (input.grant ?? null);
  const schedule = grant ? renewalSchedule({ now, grant, revalidateMs: deps.revalidateMs }) : null;
  const refreshToken = grant?.refreshToken
    ? await sealRefreshToken(grant.refreshToken, { secret: deps.secret, sessionId: idHash })
    : null;
  await insertSession(deps.db, {
    ...input.identity,
    idHash,
    source: input.source,
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
    revalidateAt: schedule?.revalidateAt ?? null,
    idpExpiresAt: schedule?.idpExpiresAt ?? null,
    refreshToken,
  });
  return token;
}

/**
 * The principal of a session cookie: one D1 read (or none, from the isolate's cache), plus a renewal at
 * the IdP when one is due. Ended, expired or unknown sessions yield nothing; so does a session past what
 * the IdP granted whose renewal keeps failing (IDP_UNAVAILABLE).
 */
export async function sessionPrincipal(
  token: string,
  deps: SessionDeps,
): Promise<Result<Principal, SessionFailure>> {
  if (!isSessionToken(token)) return err({ code: "MALFORMED" });
  const idHash = await sessionIdHash(token);
  const { now } = deps;
  let record = cachedSession(idHash, now);
  if (!record) {
    record = await findSession(deps.db, idHash);
    if (!record) return err({ code: "NO_SESSION" });
    cacheSession(record, now);
  }
  if (record.endedAt !== null) return err({ code: "ENDED" });
  if (now >= record.expiresAt) return err({ code: "EXPIRED" });
  if (record.revalidateAt !== null && now >= record.revalidateAt) {
    const current = await revalidate(record, deps);
    if (!current) return err({ code: "ENDED" });
    record = current;
  }
  if (record.idpExpiresAt !== null && now >= record.idpExpiresAt)
    return err({ code: "IDP_UNAVAILABLE", detail: "the identity provider has not renewed this session" });
  return ok(principalOf(record));
}

async function end(record: SessionRecord, deps: SessionDeps, reason: "idp-refused" | "idp-grant-expired") {
  await endSession(deps.db, { idHash: record.idHash, now: deps.now, reason });
  forgetSession(record.idHash);
  logEvent("info", "session ended", { userId: record.userId, tenantId: record.tenantId, reason });
  return null;
}

/** Asks the IdP again; the record to go on with, or null when the session has ended. */
async function revalidate(record: SessionRecord, deps: SessionDeps): Promise<SessionRecord | null> {
  const { db, now, renewal } = deps;
  if (!record.refreshToken || !renewal) {
    return record.idpExpiresAt !== null && now >= record.idpExpiresAt
      ? end(record, deps, "idp-grant-expired")
      : record;
  }
  // another request (maybe in another isolate) renews it, or a failed try is backing off
  if (!(await claimRenewal(db, { idHash: record.idHash, now, until: now + RENEWAL_LEASE_MS }))) return record;
  forgetSession(record.idHash);
  const refreshToken = await openRefreshToken(record.refreshToken, {
    secret: deps.secret,
    sessionId: record.idHash,
  });
  // sealed under another SESSION_SECRET: it can never be used again
  if (!refreshToken) return end(record, deps, "idp-refused");
  const outcome = await refreshAtIdp({ ...renewal, refreshToken, now });
  if (outcome.kind === "refused") return end(record, deps, "idp-refused");
  if (outcome.kind === "unavailable") {
    logEvent("warn", "session renewal failed; retrying later", {
      userId: record.userId,
      detail: outcome.detail,
    });
    return record;
  }
  const verified = await renewal.verify(outcome.accessToken);
  if (!verified.ok) {
    if (verified.error.code === "IDP_UNAVAILABLE") return record;
    logEvent("warn", "renewed access token refused", { userId: record.userId, code: verified.error.code });
    return end(record, deps, "idp-refused");
  }
  const { principal, expiresAt } = verified.value;
  // a refresh token that now speaks for someone else, or for another tenant, renews nothing
  if (principal.userId !== record.userId || principal.tenantId !== record.tenantId)
    return end(record, deps, "idp-refused");
  const grant = { expiresAt, refreshToken: outcome.refreshToken };
  const schedule = renewalSchedule({
    now,
    grant: { ...grant, refreshToken: refreshToken },
    revalidateMs: deps.revalidateMs,
  });
  const sealed = outcome.refreshToken
    ? await sealRefreshToken(outcome.refreshToken, { secret: deps.secret, sessionId: record.idHash })
    : null;
  const { role, email, name } = principal;
  await recordRenewal(db, {
    ...record,
    role,
    email,
    name,
    ...schedule,
    idHash: record.idHash,
    refreshToken: sealed,
  });
  if (role !== record.role)
    logEvent("info", "role changed at the identity provider", { userId: record.userId, role });
  const renewed: SessionRecord = {
    ...record,
    role,
    email,
    name,
    ...schedule,
    refreshToken: sealed ?? record.refreshToken,
    renewingUntil: null,
  };
  cacheSession(renewed, now);
  return renewed;
}
