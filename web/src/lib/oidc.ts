import { z } from "zod";
import { authorizeUrl, codeChallenge, randomToken } from "./pkce.ts";

// production sign-in: authorization code + PKCE against the tenant's IdP, then the edge trades the
// access token (and the refresh token, which it keeps to renew the session) for its httpOnly session
// cookie (POST /auth/session). Configured at build time.

const Config = z.object({
  issuer: z.string().url(),
  clientId: z.string().min(1),
  scope: z.string().min(1),
  audience: z.string().optional(),
});
type Config = z.infer<typeof Config>;

const Discovery = z.object({ authorization_endpoint: z.string().url(), token_endpoint: z.string().url() });
const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).max(4096).optional(),
});
const Pending = z.object({ state: z.string(), verifier: z.string(), next: z.string() });

const STORAGE_KEY = "gantry.oidc";
const redirectUri = () => `${location.origin}/sign-in/callback`;

/** The IdP settings baked into this build, or null when single sign-on is not configured. */
export function oidcConfig(): Config | null {
  const parsed = Config.safeParse({
    issuer: import.meta.env.VITE_OIDC_ISSUER,
    clientId: import.meta.env.VITE_OIDC_CLIENT_ID,
    scope: import.meta.env.VITE_OIDC_SCOPE || "openid profile email",
    audience: import.meta.env.VITE_OIDC_AUDIENCE || undefined,
  });
  return parsed.success ? parsed.data : null;
}

async function discover(config: Config) {
  const response = await fetch(`${config.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error("The sign-in service could not be reached.");
  return Discovery.parse(await response.json());
}

/** Sends the browser to the IdP; `next` is where to land after signing in. */
export async function startOidcSignIn(config: Config, next: string): Promise<void> {
  const endpoints = await discover(config);
  const state = randomToken(16);
  const verifier = randomToken(32);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ state, verifier, next }));
  location.assign(
    authorizeUrl({
      authorizationEndpoint: endpoints.authorization_endpoint,
      clientId: config.clientId,
      redirectUri: redirectUri(),
      scope: config.scope,
      state,
      challenge: await codeChallenge(verifier),
      nonce: randomToken(16),
      ...(config.audience ? { audience: config.audience } : {}),
    }),
  );
}

/** Finishes the redirect: checks state, redeems the code, opens the Gantry session; returns `next`. */
export async function completeOidcSignIn(config: Config, search: URLSearchParams): Promise<string> {
  const pending = Pending.safeParse(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null"));
  sessionStorage.removeItem(STORAGE_KEY);
  const idpError = search.get("error");
  if (idpError) throw new Error(`The sign-in service said: ${search.get("error_description") ?? idpError}.`);
  const code = search.get("code");
  if (!pending.success || !code || search.get("state") !== pending.data.state) {
    throw new Error("This sign-in link is no longer valid. Please start again.");
  }
  const endpoints = await discover(config);
  const tokenResponse = await fetch(endpoints.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.data.verifier,
    }),
  });
  if (!tokenResponse.ok)
    throw new Error("The sign-in service did not accept the sign-in. Please start again.");
  const tokens = TokenResponse.parse(await tokenResponse.json());
  // the refresh token goes to the edge, which renews the session with it; this page keeps neither token
  const session = await fetch("/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      accessToken: tokens.access_token,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    }),
    credentials: "same-origin",
  });
  if (session.status === 403) {
    // the edge names why: no tenant is bound to this IdP (issuer) or to the account's tenant claim value
    const answer = (await session.json().catch(() => ({}))) as { reason?: unknown };
    const reason = typeof answer.reason === "string" ? ` (${answer.reason})` : "";
    throw new Error(`No Gantry tenant is bound to your account${reason}. Ask your administrator for access.`);
  }
  if (!session.ok)
    throw new Error("Gantry does not know your account yet. Ask your administrator for access.");
  return pending.data.next;
}
