import { err, ok, type Result } from "@gantry/shared/result";
import { parse as parseCookies } from "hono/utils/cookie";
import type { EdgeVars } from "../env.ts";
import { getTenant } from "../tenancy/tenants.ts";
import { createOidcVerifier, remoteKeySet, type TokenFailure } from "./oidc-verifier.ts";
import type { Principal } from "./principal.ts";
import { sessionCookieName, verifySession } from "./session-cookie.ts";

export type BearerVerifier = (token: string) => Promise<Result<Principal, TokenFailure>>;

export type AuthFailure = { code: string; detail?: string };

export interface Authentication {
  principal: Principal | null;
  /** why credentials that were presented did not count; for logs, never for the response body */
  failure: AuthFailure | null;
}

const DEFAULT_ALGORITHMS = ["RS256", "ES256"];

/** The production bearer verifier built from vars, or null when OIDC is not configured. */
export function bearerVerifierFor(vars: EdgeVars): BearerVerifier | null {
  if (!vars.OIDC_ISSUER || !vars.OIDC_AUDIENCE || !vars.OIDC_JWKS_URL) return null;
  const algorithms = vars.OIDC_ALGORITHMS.length > 0 ? vars.OIDC_ALGORITHMS : DEFAULT_ALGORITHMS;
  return createOidcVerifier(
    { issuer: vars.OIDC_ISSUER, audience: vars.OIDC_AUDIENCE, algorithms },
    remoteKeySet(vars.OIDC_JWKS_URL),
  );
}

/** Whether a tenant is on record; session cookies are only issued for such tenants. */
export const tenantExistsIn =
  (db: D1Database) =>
  async (tenantId: string): Promise<boolean> =>
    (await getTenant(db, tenantId)) !== null;

export const isSecureRequest = (request: Request): boolean => new URL(request.url).protocol === "https:";

/** The bearer token of an `Authorization` header, if any. */
export const bearerToken = (request: Request): string | null =>
  /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;

/** The session cookie for this request's scheme, if present. */
export function sessionCookie(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  const name = sessionCookieName(isSecureRequest(request));
  return parseCookies(header, name)[name] ?? null;
}

/**
 * Establishes who is calling: an OIDC bearer token (API clients) wins over the session cookie
 * (browsers). Anything presented but invalid yields no principal, never a fallback to the other.
 */
export async function authenticate(
  request: Request,
  deps: {
    vars: EdgeVars;
    now: Date;
    verifyBearer: BearerVerifier | null;
    /** a genuine token for a tenant Gantry has no record of opens nothing (one IdP may serve many) */
    tenantExists: (tenantId: string) => Promise<boolean>;
  },
): Promise<Authentication> {
  const token = bearerToken(request);
  if (token !== null) {
    if (!deps.verifyBearer) return { principal: null, failure: { code: "OIDC_NOT_CONFIGURED" } };
    const verified = await deps.verifyBearer(token);
    if (!verified.ok) return { principal: null, failure: verified.error };
    if (!(await deps.tenantExists(verified.value.tenantId)))
      return { principal: null, failure: { code: "UNKNOWN_TENANT" } };
    return { principal: verified.value, failure: null };
  }
  const cookie = sessionCookie(request);
  if (cookie === null) return { principal: null, failure: null };
  const session = await sessionFromCookie(cookie, deps);
  return session.ok
    ? { principal: session.value, failure: null }
    : { principal: null, failure: session.error };
}

async function sessionFromCookie(
  cookie: string,
  deps: { vars: EdgeVars; now: Date },
): Promise<Result<Principal, AuthFailure>> {
  // without a secret no cookie can be trusted: fail closed
  if (!deps.vars.SESSION_SECRET) return err({ code: "SESSION_SECRET_MISSING" });
  const verified = await verifySession(cookie, { secret: deps.vars.SESSION_SECRET, now: deps.now });
  return verified.ok ? ok(verified.value) : verified;
}
