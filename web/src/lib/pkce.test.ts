import { describe, expect, it } from "vitest";
import { authorizeUrl, base64Url, codeChallenge, randomToken } from "./pkce.ts";

describe("pkce", () => {
  it("computes the RFC 7636 example challenge", async () => {
    // appendix B of RFC 7636
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("encodes base64url without padding", () => {
    expect(base64Url(new Uint8Array([251, 255, 191]))).toBe("-_-_");
    expect(base64Url(new Uint8Array([1]))).toBe("AQ");
  });

  it("makes random tokens of the asked size", () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(32)).not.toBe(a);
  });

  it("builds the authorization URL with S256", () => {
    const url = new URL(
      authorizeUrl({
        authorizationEndpoint: "https://idp.example/authorize?tenant=x",
        clientId: "gantry-web",
        redirectUri: "https://gantry.example/sign-in/callback",
        scope: "openid email",
        state: "st",
        challenge: "ch",
        audience: "gantry",
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "x",
      response_type: "code",
      client_id: "gantry-web",
      redirect_uri: "https://gantry.example/sign-in/callback",
      scope: "openid email",
      state: "st",
      code_challenge: "ch",
      code_challenge_method: "S256",
      audience: "gantry",
    });
  });
});
