import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

/**
 * A real, certified OpenID Provider (panva's `oidc-provider`) running on this machine, in place of the
 * customer's IdP (Keycloak, Entra ID, Auth0…): discovery, JWKS, authorization code with PKCE (required
 * for the public SPA client), refresh tokens, and JWT access tokens for the Gantry API (resource
 * indicators, `at+jwt`) carrying the claims the edge reads: `tenant`, `roles`, `email`, `name`. Everything
 * lives in memory (one store shared by the instances a key rotation builds). The one shortcut is the login page: the provider's interaction signs in the account
 * the test chose (`signInAs`) and grants what the client asked for, so the browser passes straight through.
 */

export interface OidcAccount {
  sub: string;
  name: string;
  email: string;
  tenant: string;
  roles: string[];
}

export interface LocalOidcProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Lets `clientId` sign in with this exact redirect URI (what an IdP admin registers). */
  registerClient(client: { clientId: string; redirectUri: string }): void;
  /** Who the login signs in from now on; the access tokens' audience unless another is named. */
  signInAs(account: OidcAccount, options?: { audience?: string }): void;
  /** Changes an account at the IdP (roles taken away, say): renewed tokens carry the change. */
  update(sub: string, change: Partial<OidcAccount>): void;
  /** Publishes a new signing key beside the old one and signs with it from now on (`kid` returned). */
  rotateKeys(): Promise<string>;
  /** Every request the provider answered, as `METHOD /path status`. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

const ACCESS_TOKEN_TTL_SECONDS = 300;
/** The Gantry API as a resource indicator (an absolute URI); its tokens' `aud` is the edge's OIDC_AUDIENCE. */
const API_RESOURCE = "urn:gantry:api";

type Jwk = Record<string, unknown> & { kid: string };

const newSigningKey = (): Jwk => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>),
    kid: randomBytes(8).toString("base64url"),
    alg: "ES256",
    use: "sig",
  };
};

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

/**
 * oidc-provider's storage, in memory and shared by every Provider instance this module builds (a key
 * rotation builds a new one: grants, sessions and refresh tokens must survive it, as at a real IdP).
 */
function sharedMemoryAdapter() {
  const items = new Map<string, Payload>();
  const index = new Map<string, string>();
  return class SharedMemoryAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Payload) {
      items.set(this.key(id), payload);
      if (payload.uid) index.set(`uid:${payload.uid}`, id);
      if (payload.userCode) index.set(`userCode:${payload.userCode}`, id);
      if (payload.grantId) index.set(`grant:${payload.grantId}:${this.key(id)}`, id);
    }
    async find(id: string) {
      return items.get(this.key(id));
    }
    async findByUid(uid: string) {
      const id = index.get(`uid:${uid}`);
      return id ? this.find(id) : undefined;
    }
    async findByUserCode(userCode: string) {
      const id = index.get(`userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }
    async consume(id: string) {
      const item = items.get(this.key(id));
      if (item) item.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      items.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const key of index.keys()) {
        if (!key.startsWith(`grant:${grantId}:`)) continue;
        items.delete(key.slice(`grant:${grantId}:`.length));
        index.delete(key);
      }
    }
  };
}

export async function startOidcProvider(options: {
  audience: string;
  accessTokenTtlSeconds?: number;
}): Promise<LocalOidcProvider> {
  const accounts = new Map<string, OidcAccount>();
  const clients: { client_id: string; redirect_uris: string[] }[] = [];
  const log: string[] = [];
  let current: { sub: string; audience: string } | null = null;
  // newest first: the provider signs with the first key of its set and publishes all of them
  let keys: Jwk[] = [newSigningKey()];
  const cookieKeys = [randomBytes(32).toString("hex")];
  const adapter = sharedMemoryAdapter();

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration = (): Configuration => ({
    clients: clients.map((c) => ({
      ...c,
      token_endpoint_auth_method: "none",
      // the provider signs with an ES256 key only
      id_token_signed_response_alg: "ES256",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    })),
    jwks: { keys },
    adapter,
    cookies: { keys: cookieKeys },
    claims: { openid: ["sub"], email: ["email"], profile: ["name"] },
    scopes: ["openid", "profile", "email", "offline_access"],
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // the SPA asks no `resource`: every token it gets is for the Gantry API
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "openid profile email",
          audience: current?.audience ?? options.audience,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
    // the SPA calls discovery and the token endpoint from its own origin
    clientBasedCORS: () => true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    findAccount: async (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.email, name: account.name }),
      };
    },
    // what the edge reads from an access token, as the account stands at the IdP now
    extraTokenClaims: async (_ctx, token) => {
      const account = "accountId" in token && token.accountId ? accounts.get(token.accountId) : undefined;
      return account
        ? { tenant: account.tenant, roles: account.roles, email: account.email, name: account.name }
        : {};
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  let provider = new Provider(issuer, configuration());
  // the login and consent pages, answered at once for the chosen account
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      if (!current) throw new Error("oidc-provider: no account to sign in (signInAs first)");
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: current.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({
          accountId: String(details.session?.accountId),
          clientId: String(details.params.client_id),
        });
    if (!grant) throw new Error("oidc-provider: grant vanished");
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on("request", (req, res) => {
    res.on("finish", () => log.push(`${req.method} ${req.url?.split("?")[0]} ${res.statusCode}`));
    if (req.url?.startsWith("/interaction/")) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    provider.callback()(req, res);
  });

  const rebuild = () => {
    provider = new Provider(issuer, configuration());
    provider.on("server_error", (_ctx: KoaContextWithOIDC, error: Error) =>
      log.push(`server_error ${error.message}`),
    );
  };
  rebuild();

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    registerClient({ clientId, redirectUri }) {
      const known = clients.find((c) => c.client_id === clientId);
      if (known) known.redirect_uris.push(redirectUri);
      else clients.push({ client_id: clientId, redirect_uris: [redirectUri] });
      rebuild();
    },
    signInAs(account, signInOptions = {}) {
      accounts.set(account.sub, account);
      current = { sub: account.sub, audience: signInOptions.audience ?? options.audience };
    },
    update(sub, change) {
      const account = accounts.get(sub);
      if (account) accounts.set(sub, { ...account, ...change });
    },
    async rotateKeys() {
      const next = newSigningKey();
      keys = [next, ...keys];
      // grants, sessions and refresh tokens are in the shared store: they outlive the old instance
      rebuild();
      return next.kid;
    },
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
