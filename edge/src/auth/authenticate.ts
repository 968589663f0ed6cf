import { parse as parseCookies } from "hono/utils/cookie";
import { type EdgeVars, parseVars } from "../env.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { looksLikeApiToken } from "./api-token-secret.ts";
import { type SessionRenewal, sessionPrincipal } from "./browser-session.ts";
import { tenantBindingIn } from "./idp-binding.ts";
import { type BearerVerifier, createOidcVerifier, remoteKeySet } from "./oidc-verifier.ts";
import type { Principal } from "./principal.ts";
import { sessionCookieName } from "./session-cookie.ts";
import { tokenPrincipal } from "./token-principal.ts";

export type AuthFailure = { code: string; detail?: string };

export interface Authentication {
  principal: Principal | null;
  /** why credentials that were presented did not count; for logs, never for the response body */
  failure: AuthFailure | null;
}

const DEFAULT_ALGORITHMS = ["RS256", "ES256"];

/**
 * The production bearer verifier built from vars, tenants resolved through their stored IdP bindings in
 * `db`; null when OIDC is not configured.
 */
export function bearerVerifierFor(vars: EdgeVars, db: SqlDatabase): BearerVerifier | null {
  if (!vars.OIDC_ISSUER || !vars.OIDC_AUDIENCE || !vars.OIDC_JWKS_URL) return null;
  const algorithms = vars.OIDC_ALGORITHMS.length > 0 ? vars.OIDC_ALGORITHMS : DEFAULT_ALGORITHMS;
  return createOidcVerifier(
    {
      issuer: vars.OIDC_ISSUER,
      audience: vars.OIDC_AUDIENCE,
      algorithms,
      ...(vars.OIDC_CLIENT_ID ? { clientId: vars.OIDC_CLIENT_ID } : {}),
    },
    remoteKeySet(vars.OIDC_JWKS_URL, { cooldownMs: vars.OIDC_JWKS_COOLDOWN_SECONDS * 1000 }),
    tenantBindingIn(db),
  );
}

/** How sessions renew at the IdP: with OIDC and the SPA's client id configured, else not at all. */
export function sessionRenewalFor(vars: EdgeVars, db: SqlDatabase): SessionRenewal | null {
  const verify = bearerVerifierFor(vars, db);
  if (!verify || !vars.OIDC_CLIENT_ID) return null;
  return { issuer: vars.OIDC_ISSUER, clientId: vars.OIDC_CLIENT_ID, verify };
}

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
 * Establishes who is calling: a bearer (a personal API token `gpt_…`, else an OIDC access token) wins
 * over the session cookie (browsers). Anything presented but invalid yields no principal, never a
 * fallback to the other.
 */
export async function authenticate(
  request: Request,
  deps: {
    vars: EdgeVars;
    db: SqlDatabase;
    now: Date;
    /** a genuine token no tenant's stored IdP binding names opens nothing (one IdP may serve many) */
    verifyBearer: BearerVerifier | null;
  },
): Promise<Authentication> {
  const token = bearerToken(request);
  if (token !== null && looksLikeApiToken(token)) {
    const byToken = await tokenPrincipal(token, { db: deps.db, now: deps.now.getTime() });
    return byToken.ok
      ? { principal: byToken.value, failure: null }
      : { principal: null, failure: byToken.error };
  }
  if (token !== null) {
    if (!deps.verifyBearer) return { principal: null, failure: { code: "OIDC_NOT_CONFIGURED" } };
    const verified = await deps.verifyBearer(token);
    if (!verified.ok) return { principal: null, failure: verified.error };
    return { principal: verified.value.principal, failure: null };
  }
  const cookie = sessionCookie(request);
  if (cookie === null) return { principal: null, failure: null };
  // without the secret no session was started, and none can renew: fail closed
  const secret = deps.vars.SESSION_SECRET;
  if (!secret) return { principal: null, failure: { code: "SESSION_SECRET_MISSING" } };
  const session = await sessionPrincipal(cookie, {
    db: deps.db,
    now: deps.now.getTime(),
    secret,
    revalidateMs: deps.vars.SESSION_REVALIDATE_SECONDS * 1000,
    renewal: sessionRenewalFor(deps.vars, deps.db),
  });
  return session.ok
    ? { principal: session.value, failure: null }
    : { principal: null, failure: session.error };
}

/** {@link authenticate} with everything taken from the Worker's bindings: what a route or tRPC asks. */
export function authenticateRequest(request: Request, env: Env): Promise<Authentication> {
  const vars = parseVars(env);
  return authenticate(request, {
    vars,
    db: env.DB,
    now: new Date(),
    verifyBearer: bearerVerifierFor(vars, env.DB),
  });
}
