import { vi } from "vitest";
import { ISSUER } from "./oidc-issuer.ts";

/**
 * The identity provider's HTTP endpoints as the edge calls them from workerd (discovery, JWKS, the token
 * endpoint's refresh grant), answered by the test through a `fetch` spy. Every other outbound request is
 * a test bug. The browser and link tests use a real OpenID Provider (e2e/support/oidc-provider.ts).
 */
export interface IdpDouble {
  readonly jwksUrl: string;
  readonly calls: string[];
  /** how the JWKS answers: the key set, or a failure (the endpoint down) */
  jwks: () => Response | Promise<Response>;
  /** how the token endpoint answers a refresh grant */
  refresh: (form: URLSearchParams) => Response | Promise<Response>;
  restore(): void;
}

export function serveIdp(keySet: { keys: unknown[] }): IdpDouble {
  const jwksUrl = `https://idp.test/${crypto.randomUUID()}/jwks`;
  const tokenUrl = `${ISSUER}/protocol/openid-connect/token`;
  const double: IdpDouble = {
    jwksUrl,
    calls: [],
    jwks: () => Response.json(keySet),
    refresh: () => Response.json({ error: "invalid_grant" }, { status: 400 }),
    restore: () => spy.mockRestore(),
  };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    double.calls.push(`${request.method} ${request.url}`);
    if (request.url === jwksUrl) return double.jwks();
    if (request.url === `${ISSUER}/.well-known/openid-configuration`)
      return Response.json({ issuer: ISSUER, token_endpoint: tokenUrl, jwks_uri: jwksUrl });
    if (request.url === tokenUrl && request.method === "POST")
      return double.refresh(new URLSearchParams(await request.text()));
    throw new Error(`unexpected fetch ${request.method} ${request.url}`);
  });
  return double;
}
