import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export const ISSUER = "https://idp.test/realms/gantry";
export const AUDIENCE = "gantry-api";

/** A test identity provider: one RS256 signing key published in a JWKS, plus a key nobody published. */
export async function createTestIssuer() {
  const published = await generateKeyPair("RS256", { extractable: true });
  const unpublished = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(published.publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
  const jwks = { keys: [jwk] };

  /** Signs an access token; override claims or the key to build the bad ones. */
  async function token(
    options: {
      claims?: Record<string, unknown>;
      expiresIn?: string | number;
      audience?: string;
      kid?: string;
      unknownKey?: boolean;
    } = {},
  ) {
    const kid = options.kid ?? (options.unknownKey ? "key-unknown" : "key-1");
    return new SignJWT({
      tenant: "acme",
      roles: ["admin"],
      email: "olga@acme.test",
      name: "Olga OIDC",
      ...options.claims,
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject("oidc-olga")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "5m")
      .sign(options.unknownKey ? unpublished.privateKey : published.privateKey);
  }

  return { jwks, token };
}

const b64 = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");

/** An unsigned token (`alg: none`) with otherwise perfect claims. */
export const unsignedToken = () =>
  `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "oidc-olga", tenant: "acme", roles: ["admin"], exp: Math.floor(Date.now() / 1000) + 300 })}.`;
