import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";

export const ISSUER = "https://idp.test/realms/gantry";
export const AUDIENCE = "gantry-api";
export const CLIENT_ID = "gantry-web";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/**
 * A test identity provider: RS256 signing keys published in a JWKS (one at first; `rotate()` publishes a
 * second and signs with it from then on), plus a key nobody published.
 */
export async function createTestIssuer() {
  const keys: { kid: string; pair: KeyPair }[] = [
    { kid: "key-1", pair: await generateKeyPair("RS256", { extractable: true }) },
  ];
  const unpublished = await generateKeyPair("RS256", { extractable: true });
  const jwks: { keys: JWK[] } = { keys: [] };
  const publish = async () => {
    jwks.keys = await Promise.all(
      keys.map(async ({ kid, pair }) => ({
        ...(await exportJWK(pair.publicKey)),
        kid,
        alg: "RS256",
        use: "sig",
      })),
    );
  };
  await publish();
  const current = () => keys.at(-1) as { kid: string; pair: KeyPair };

  /** Signs an access token; override claims, header or key to build the bad ones. */
  async function token(
    options: {
      claims?: Record<string, unknown>;
      /** seconds since epoch, or a jose time span ("5m") */
      expiresIn?: string | number;
      audience?: string | readonly string[];
      issuer?: string;
      subject?: string;
      kid?: string;
      unknownKey?: boolean;
      /** the header's `typ`; null leaves it out */
      typ?: string | null;
    } = {},
  ) {
    const signer = current();
    const kid = options.kid ?? (options.unknownKey ? "key-unknown" : signer.kid);
    const typ = options.typ === undefined ? "at+jwt" : options.typ;
    return new SignJWT({
      tenant: "acme",
      roles: ["admin"],
      email: "olga@acme.test",
      name: "Olga OIDC",
      ...options.claims,
    })
      .setProtectedHeader({ alg: "RS256", kid, ...(typ === null ? {} : { typ }) })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(
        typeof options.audience === "object" ? [...options.audience] : (options.audience ?? AUDIENCE),
      )
      .setSubject(options.subject ?? "oidc-olga")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "5m")
      .sign(options.unknownKey ? unpublished.privateKey : signer.pair.privateKey);
  }

  /**
   * The algorithm-confusion forgery: HS256 with the issuer's published RSA public key (its PEM text) as
   * the HMAC secret, which a verifier that trusts the token's `alg` would accept.
   */
  async function hs256WithPublicKey(claims: Record<string, unknown> = {}) {
    const pem = await exportSPKI(current().pair.publicKey);
    return new SignJWT({ tenant: "acme", roles: ["admin"], email: "mallory@acme.test", ...claims })
      .setProtectedHeader({ alg: "HS256", kid: current().kid, typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject("oidc-mallory")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(pem));
  }

  /** Publishes a new key beside the old one and signs with it from now on. */
  async function rotate(): Promise<string> {
    const kid = `key-${keys.length + 1}`;
    keys.push({ kid, pair: await generateKeyPair("RS256", { extractable: true }) });
    await publish();
    return kid;
  }

  return { jwks, token, hs256WithPublicKey, rotate };
}

const b64 = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");

/** An unsigned token (`alg: none`) with otherwise perfect claims. */
export const unsignedToken = () =>
  `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "oidc-olga", tenant: "acme", roles: ["admin"], exp: Math.floor(Date.now() / 1000) + 300 })}.`;
