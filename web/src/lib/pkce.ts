/** base64url without padding, as OAuth wants it. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh random string of `byteLength` bytes, base64url encoded (verifiers, state). */
export const randomToken = (byteLength = 32): string =>
  base64Url(crypto.getRandomValues(new Uint8Array(byteLength)));

/** The S256 code challenge for a PKCE verifier (RFC 7636 §4.2). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export interface AuthorizeRequest {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  challenge: string;
  /** OIDC's nonce: the ID token the IdP issues carries it, which is how the edge tells it from an access token */
  nonce?: string;
  audience?: string;
}

/** The authorization-code + PKCE redirect URL. */
export function authorizeUrl(request: AuthorizeRequest): string {
  const url = new URL(request.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", request.clientId);
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("scope", request.scope);
  url.searchParams.set("state", request.state);
  url.searchParams.set("code_challenge", request.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  if (request.nonce) url.searchParams.set("nonce", request.nonce);
  if (request.audience) url.searchParams.set("audience", request.audience);
  return url.toString();
}
