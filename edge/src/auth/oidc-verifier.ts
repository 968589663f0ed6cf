import { err, ok, type Result } from "@gantry/shared/result";
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";
import type { TenantBinding } from "./idp-binding.ts";
import type { Principal } from "./principal.ts";

export interface OidcSettings {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  /** the SPA's client id: a token whose audience is it (and not the API) is an ID token */
  clientId?: string;
}

export type TokenFailure = {
  code:
    | "INVALID_TOKEN"
    | "EXPIRED_TOKEN"
    | "UNKNOWN_KEY"
    | "MISSING_CLAIMS"
    /** a claim is longer than Gantry keeps (see CLAIM_LIMITS); `detail` names it, safe to show */
    | "CLAIM_TOO_LONG"
    /** not an access token: an ID token, or a `typ` other than `at+jwt` / `JWT` */
    | "NOT_AN_ACCESS_TOKEN"
    /** the issuer's key set could not be fetched: the token may be fine, try again later */
    | "IDP_UNAVAILABLE"
    /** no tenant is bound to the token's issuer and tenant claim value; `detail` says which, safe to show */
    | "UNBOUND_TENANT";
  detail: string;
};

/**
 * How long Gantry lets each identity claim be, and what it does beyond that. `sub` and `email` identify a
 * person, so a longer one is refused rather than altered (254 is the longest address SMTP carries, 255
 * the longest subject we store); `name` is only displayed, so it is cut to 200 characters.
 */
export const CLAIM_LIMITS = { sub: 255, email: 254, name: 200 } as const;

/**
 * Claims Gantry needs in an access token: who. Which tenant, and which roles, are read from the claims
 * the tenant's stored IdP binding names (see idp-binding.ts).
 */
const AccessTokenClaims = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1),
  email: z.string().default(""),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});

/** A verified access token: who it speaks for, and until when (its `exp`, ms since epoch). */
export interface VerifiedToken {
  principal: Principal;
  expiresAt: number;
}

export type BearerVerifier = (token: string) => Promise<Result<VerifiedToken, TokenFailure>>;

/** Leeway for `exp`/`nbf` between our clock and the issuer's. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** The issuer's key set did not answer (network, timeout, not 200, not a key set). */
class KeySetUnavailableError extends Error {
  override readonly name = "KeySetUnavailableError";
}

function classify(error: unknown): TokenFailure {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof KeySetUnavailableError) return { code: "IDP_UNAVAILABLE", detail };
  if (error instanceof errors.JWTExpired) return { code: "EXPIRED_TOKEN", detail };
  if (error instanceof errors.JWKSNoMatchingKey) return { code: "UNKNOWN_KEY", detail };
  return { code: "INVALID_TOKEN", detail };
}

// claims only an ID token carries (OIDC Core §2, §3.1.3.6, §3.3.2.11); Keycloak also says so in `typ`
const ID_TOKEN_CLAIMS = ["nonce", "at_hash", "c_hash", "s_hash"] as const;

/**
 * An access token, not an ID token: `typ` is `at+jwt` (RFC 9068), or plain `JWT` (Entra ID, Keycloak)
 * on a token that carries none of the claims only an ID token has and whose audience is not the SPA.
 */
function accessTokenType(
  typ: string | undefined,
  payload: JWTPayload,
  settings: OidcSettings,
): TokenFailure | null {
  const type = (typ ?? "").toLowerCase().replace(/^application\//, "");
  if (type === "at+jwt") return null;
  if (type !== "jwt") return { code: "NOT_AN_ACCESS_TOKEN", detail: `typ ${typ ?? "(none)"}` };
  const idClaim = ID_TOKEN_CLAIMS.find((claim) => claim in payload);
  if (idClaim) return { code: "NOT_AN_ACCESS_TOKEN", detail: `an ID token (${idClaim})` };
  if (payload.typ === "ID") return { code: "NOT_AN_ACCESS_TOKEN", detail: "an ID token (typ ID)" };
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const { clientId, audience } = settings;
  if (clientId && clientId !== audience && audiences.includes(clientId))
    return { code: "NOT_AN_ACCESS_TOKEN", detail: "an ID token (audience is the client)" };
  return null;
}

function tooLong(claims: z.infer<typeof AccessTokenClaims>): TokenFailure | null {
  for (const claim of ["sub", "email"] as const) {
    if (claims[claim].length > CLAIM_LIMITS[claim])
      return {
        code: "CLAIM_TOO_LONG",
        detail: `the ${claim} claim is longer than ${CLAIM_LIMITS[claim]} characters`,
      };
  }
  return null;
}

/**
 * Verifies OIDC access tokens: signature from the issuer's key set (never `none`, never a key named by
 * the token itself), the configured algorithms, issuer, audience, `exp`/`nbf`, that it is an access
 * token (never an ID token); who from claims, each within CLAIM_LIMITS; tenant and roles through the
 * tenant's stored binding (`binding`), a token no binding names opens nothing. Tests pass a local key
 * set; production passes {@link remoteKeySet}.
 */
export function createOidcVerifier(
  settings: OidcSettings,
  keys: JWTVerifyGetKey,
  binding: TenantBinding,
): BearerVerifier {
  return async (token) => {
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [...settings.algorithms],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "sub"],
      });
    } catch (error) {
      return err(classify(error));
    }
    const notAccess = accessTokenType(verified.protectedHeader.typ, verified.payload, settings);
    if (notAccess) return err(notAccess);
    const claims = AccessTokenClaims.safeParse(verified.payload);
    if (!claims.success)
      return err({
        code: "MISSING_CLAIMS",
        detail: claims.error.issues.map((i) => i.path.join(".")).join(", "),
      });
    const c = claims.data;
    const long = tooLong(c);
    if (long) return err(long);
    const bound = await binding(c.iss, verified.payload);
    if (!bound.ok) return err(bound.error);
    return ok({
      principal: {
        userId: c.sub,
        tenantId: bound.value.tenantId,
        role: bound.value.role,
        email: c.email,
        name: [...(c.name ?? c.preferred_username ?? c.email)].slice(0, CLAIM_LIMITS.name).join(""),
        via: "bearer",
      },
      // requiredClaims makes exp present
      expiresAt: (verified.payload.exp ?? 0) * 1000,
    });
  };
}

// one resolver per JWKS URL and cooldown per isolate, so the key cache and the refetch cooldown are shared
const keySets = new Map<string, JWTVerifyGetKey>();

/** Minimum gap between two fetches triggered by an unknown `kid` (jose's cooldown), by default. */
export const JWKS_COOLDOWN_MS = 30_000;

// key-selection failures are about the token; anything else the remote set throws is about fetching it
const ABOUT_THE_TOKEN = [
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSENotSupported,
  errors.JOSEAlgNotAllowed,
];

/** The key set, with a failure to fetch it told apart from a token it has no key for. */
function failingClearly(keySet: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (ABOUT_THE_TOKEN.some((type) => error instanceof type)) throw error;
      throw new KeySetUnavailableError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  };
}

/**
 * The issuer's JWKS, cached for 10 minutes; an unknown `kid` (a rotated key) refetches at most once per
 * cooldown. `fetchJwks` replaces the network (tests); such a resolver is not shared.
 */
export function remoteKeySet(
  jwksUrl: string,
  options: { fetchJwks?: FetchImplementation; cooldownMs?: number } = {},
): JWTVerifyGetKey {
  const cooldownDuration = options.cooldownMs ?? JWKS_COOLDOWN_MS;
  const settings = { cooldownDuration, cacheMaxAge: 600_000, timeoutDuration: 5_000 };
  if (options.fetchJwks)
    return failingClearly(
      createRemoteJWKSet(new URL(jwksUrl), { ...settings, [customFetch]: options.fetchJwks }),
    );
  const key = `${cooldownDuration} ${jwksUrl}`;
  let keySet = keySets.get(key);
  if (!keySet) {
    keySet = failingClearly(createRemoteJWKSet(new URL(jwksUrl), settings));
    keySets.set(key, keySet);
  }
  return keySet;
}
