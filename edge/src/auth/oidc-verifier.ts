import { err, ok, type Result } from "@gantry/shared/result";
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";
import type { Principal } from "./principal.ts";

export interface OidcSettings {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
}

export type TokenFailure = {
  code: "INVALID_TOKEN" | "EXPIRED_TOKEN" | "UNKNOWN_KEY" | "MISSING_CLAIMS";
  detail: string;
};

/** Claims Gantry needs in an access token: who, which tenant, which roles (`admin` makes an admin). */
const AccessTokenClaims = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1),
  roles: z.array(z.string()).default([]),
  email: z.string().default(""),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});

/** Leeway for `exp`/`nbf` between our clock and the issuer's. */
const CLOCK_TOLERANCE_SECONDS = 30;

function classify(error: unknown): TokenFailure {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof errors.JWTExpired) return { code: "EXPIRED_TOKEN", detail };
  if (error instanceof errors.JWKSNoMatchingKey) return { code: "UNKNOWN_KEY", detail };
  return { code: "INVALID_TOKEN", detail };
}

/**
 * Verifies OIDC access tokens: signature from the issuer's key set (never `none`, never a key named by
 * the token itself), the configured algorithms, issuer, audience, `exp`/`nbf`; tenant and roles from
 * claims. Tests pass a local key set; production passes {@link remoteKeySet}.
 */
export function createOidcVerifier(
  settings: OidcSettings,
  keys: JWTVerifyGetKey,
): (token: string) => Promise<Result<Principal, TokenFailure>> {
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [...settings.algorithms],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (error) {
      return err(classify(error));
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success)
      return err({
        code: "MISSING_CLAIMS",
        detail: claims.error.issues.map((i) => i.path.join(".")).join(", "),
      });
    const c = claims.data;
    return ok({
      userId: c.sub,
      tenantId: c.tenant,
      role: c.roles.includes("admin") ? "admin" : "member",
      email: c.email,
      name: c.name ?? c.preferred_username ?? c.email,
      via: "bearer",
    });
  };
}

// one resolver per JWKS URL per isolate, so the key cache and the refetch cooldown are shared
const keySets = new Map<string, JWTVerifyGetKey>();

/** Minimum gap between two fetches triggered by an unknown `kid` (jose's cooldown). */
export const JWKS_COOLDOWN_MS = 30_000;

/**
 * The issuer's JWKS, cached for 10 minutes; an unknown `kid` refetches at most once per cooldown.
 * `fetchJwks` replaces the network (tests); such a resolver is not shared.
 */
export function remoteKeySet(
  jwksUrl: string,
  options: { fetchJwks?: FetchImplementation } = {},
): JWTVerifyGetKey {
  const settings = { cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: 600_000, timeoutDuration: 5_000 };
  if (options.fetchJwks)
    return createRemoteJWKSet(new URL(jwksUrl), { ...settings, [customFetch]: options.fetchJwks });
  let keySet = keySets.get(jwksUrl);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUrl), settings);
    keySets.set(jwksUrl, keySet);
  }
  return keySet;
}
