import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";

/**
 * A FAKE of the customer's identity provider (Keycloak, Entra ID, Auth0…), which is outside our control:
 * just enough OpenID Connect for the SPA's authorization code + PKCE flow. Discovery, a JWKS with one
 * ES256 key made at start, `/authorize` that signs in the configured account at once (no login form) and
 * `/token` that redeems a code once, for the client and redirect URI it was issued to, with the PKCE
 * verifier (S256). The access token carries the claims the edge reads: `tenant`, `roles`, `email`, `name`.
 */

export interface FakeAccount {
  sub: string;
  name: string;
  email: string;
  tenant: string;
  roles: string[];
}

export interface FakeOidcProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Lets `clientId` sign in with this exact redirect URI (what an IdP admin registers). */
  registerClient(client: { clientId: string; redirectUri: string }): void;
  /** Who `/authorize` signs in from now on, and the audience of the access tokens it then issues. */
  signInAs(account: FakeAccount, options?: { audience?: string }): void;
  /** Every request the provider answered, as `METHOD /path status`, to show the flow went through it. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  account: FakeAccount;
  audience: string;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;
const TOKEN_TTL_SECONDS = 300;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

export async function startFakeOidcProvider(options: { audience: string }): Promise<FakeOidcProvider> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = b64url(randomBytes(8));
  const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" }] };
  const clients = new Map<string, Set<string>>();
  const codes = new Map<string, PendingCode>();
  const log: string[] = [];
  let current: { account: FakeAccount; audience: string } | null = null;
  let issuer = "";

  const signJwt = (claims: Record<string, unknown>, typ: string): string => {
    const input = `${b64url(JSON.stringify({ alg: "ES256", kid, typ }))}.${b64url(JSON.stringify(claims))}`;
    // JWS wants the raw r||s signature, not DER
    return `${input}.${b64url(sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }))}`;
  };

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    scopes_supported: ["openid", "profile", "email"],
  });

  function authorize(url: URL): Reply {
    const q = (name: string) => url.searchParams.get(name) ?? "";
    const redirectUri = q("redirect_uri");
    // an unknown client or redirect URI is never redirected to (RFC 6749 §4.1.2.1)
    if (!clients.get(q("client_id"))?.has(redirectUri)) return text(400, "unknown client or redirect_uri");
    const back = new URL(redirectUri);
    if (q("state")) back.searchParams.set("state", q("state"));
    const refuse = (error: string, description: string) => {
      back.searchParams.set("error", error);
      back.searchParams.set("error_description", description);
      return redirect(back);
    };
    if (q("response_type") !== "code") return refuse("unsupported_response_type", "only code");
    if (q("code_challenge_method") !== "S256" || !/^[\w-]{43}$/.test(q("code_challenge")))
      return refuse("invalid_request", "PKCE with S256 is required");
    if (!q("state")) return refuse("invalid_request", "state is required");
    if (!current) return refuse("access_denied", "no account to sign in");
    const code = b64url(randomBytes(24));
    codes.set(code, {
      clientId: q("client_id"),
      redirectUri,
      challenge: q("code_challenge"),
      scope: q("scope"),
      ...current,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    back.searchParams.set("code", code);
    return redirect(back);
  }

  function token(form: URLSearchParams): Reply {
    const code = form.get("code") ?? "";
    const pending = codes.get(code);
    codes.delete(code); // one use, even when the exchange fails
    const verifier = form.get("code_verifier") ?? "";
    if (form.get("grant_type") !== "authorization_code")
      return json(400, { error: "unsupported_grant_type" });
    if (
      !pending ||
      pending.expiresAt < Date.now() ||
      form.get("client_id") !== pending.clientId ||
      form.get("redirect_uri") !== pending.redirectUri ||
      b64url(createHash("sha256").update(verifier).digest()) !== pending.challenge
    )
      return json(400, { error: "invalid_grant" });
    const now = Math.floor(Date.now() / 1000);
    const { account } = pending;
    const common = { iss: issuer, sub: account.sub, iat: now, exp: now + TOKEN_TTL_SECONDS };
    const profile = { name: account.name, email: account.email };
    return json(200, {
      access_token: signJwt(
        {
          ...common,
          aud: pending.audience,
          client_id: pending.clientId,
          scope: pending.scope,
          tenant: account.tenant,
          roles: account.roles,
          ...profile,
        },
        "at+jwt",
      ),
      id_token: signJwt({ ...common, aud: pending.clientId, ...profile }, "JWT"),
      token_type: "Bearer",
      expires_in: TOKEN_TTL_SECONDS,
      scope: pending.scope,
    });
  }

  async function route(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    switch (`${req.method} ${url.pathname}`) {
      case "OPTIONS /token":
        return {
          status: 204,
          headers: { "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type" },
        };
      case "GET /.well-known/openid-configuration":
        return json(200, discovery());
      case "GET /jwks":
        return json(200, jwks);
      case "GET /authorize":
        return authorize(url);
      case "POST /token":
        return readForm(req).then(token, () => json(400, { error: "invalid_request" }));
      default:
        return text(404, "not found");
    }
  }

  const server = createServer((req, res) => {
    res.on("finish", () => log.push(`${req.method} ${req.url?.split("?")[0]} ${res.statusCode}`));
    void route(req).then((reply) => {
      // the SPA calls discovery and the token endpoint from its own origin
      res.writeHead(reply.status, { "access-control-allow-origin": "*", ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("fake IdP: no port");
  issuer = `http://127.0.0.1:${address.port}`;

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    registerClient({ clientId, redirectUri }) {
      clients.set(clientId, (clients.get(clientId) ?? new Set()).add(redirectUri));
    },
    signInAs(account, signInOptions = {}) {
      current = { account, audience: signInOptions.audience ?? options.audience };
    },
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

const text = (status: number, body: string): Reply => ({
  status,
  headers: { "content-type": "text/plain" },
  body,
});

const redirect = (to: URL): Reply => ({ status: 302, headers: { location: to.toString() } });

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded"))
    throw new Error("not a form");
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
