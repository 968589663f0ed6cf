import { z } from "zod";

/** What the IdP's token endpoint said to a refresh grant. */
export type RefreshOutcome =
  | { kind: "renewed"; accessToken: string; refreshToken: string | null }
  /** the IdP refuses (invalid_grant: the person was removed, the grant revoked or expired) */
  | { kind: "refused"; detail: string }
  /** no answer worth believing (network, timeout, 5xx, not JSON): the session may be fine */
  | { kind: "unavailable"; detail: string };

const Discovery = z.object({ token_endpoint: z.url() });
const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
});

const TIMEOUT_MS = 5_000;
const DISCOVERY_TTL_MS = 10 * 60_000;

// per isolate: the token endpoint of each issuer, read from its discovery document
const endpoints = new Map<string, { url: string; readAt: number }>();

async function tokenEndpoint(issuer: string, now: number): Promise<string> {
  const cached = endpoints.get(issuer);
  if (cached && now - cached.readAt < DISCOVERY_TTL_MS) return cached.url;
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const { token_endpoint: url } = Discovery.parse(await response.json());
  endpoints.set(issuer, { url, readAt: now });
  return url;
}

/**
 * Asks the IdP for a fresh access token with the session's refresh token, as the SPA's public client
 * (OAuth 2.0 §6). The IdP may rotate the refresh token; the new one is returned to be stored.
 */
export async function refreshAtIdp(input: {
  issuer: string;
  clientId: string;
  refreshToken: string;
  now: number;
}): Promise<RefreshOutcome> {
  let response: Response;
  try {
    response = await fetch(await tokenEndpoint(input.issuer, input.now), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: input.refreshToken,
        client_id: input.clientId,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { kind: "unavailable", detail: String(error) };
  }
  if (response.status === 400 || response.status === 401) {
    const body = await response.json().catch(() => null);
    const error = z.object({ error: z.string().max(100) }).safeParse(body);
    return { kind: "refused", detail: error.success ? error.data.error : `HTTP ${response.status}` };
  }
  if (!response.ok) return { kind: "unavailable", detail: `HTTP ${response.status}` };
  const tokens = TokenResponse.safeParse(await response.json().catch(() => null));
  if (!tokens.success) return { kind: "unavailable", detail: "the token endpoint's answer is not a token" };
  return {
    kind: "renewed",
    accessToken: tokens.data.access_token,
    refreshToken: tokens.data.refresh_token ?? null,
  };
}
