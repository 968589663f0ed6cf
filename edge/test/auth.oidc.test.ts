import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLocalJWKSet } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { tenantBindingIn } from "../src/auth/idp-binding.ts";
import { createOidcVerifier, JWKS_COOLDOWN_MS, remoteKeySet } from "../src/auth/oidc-verifier.ts";
import worker from "../src/index.ts";
import { AUDIENCE, createTestIssuer, ISSUER, unsignedToken } from "./support/oidc-issuer.ts";
import { seedReferenceData } from "./support/seed.ts";

let issuer: Awaited<ReturnType<typeof createTestIssuer>>;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  issuer = await createTestIssuer();
});
afterEach(() => vi.useRealTimers());

const settings = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["RS256"] };
const failureOf = async (token: string) => {
  const result = await createOidcVerifier(
    settings,
    createLocalJWKSet(issuer.jwks),
    tenantBindingIn(env.DB),
  )(token);
  return result.ok ? "verified" : result.error.code;
};

describe("OIDC access token verifier", () => {
  it("accepts a valid token and takes tenant and roles from its claims", async () => {
    const result = await createOidcVerifier(
      settings,
      createLocalJWKSet(issuer.jwks),
      tenantBindingIn(env.DB),
    )(await issuer.token());
    expect(result).toEqual({
      ok: true,
      value: {
        principal: {
          userId: "oidc-olga",
          tenantId: "acme",
          role: "admin",
          email: "olga@acme.test",
          name: "Olga OIDC",
          via: "bearer",
        },
        expiresAt: expect.any(Number),
      },
    });
  });

  it("makes a token without the admin role a member", async () => {
    const result = await createOidcVerifier(
      settings,
      createLocalJWKSet(issuer.jwks),
      tenantBindingIn(env.DB),
    )(await issuer.token({ claims: { roles: ["viewer"] } }));
    expect(result.ok && result.value.principal.role).toBe("member");
  });

  it.each([
    [
      "an expired token",
      () => issuer.token({ expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      "EXPIRED_TOKEN",
    ],
    ["a token for another audience", () => issuer.token({ audience: "someone-else" }), "INVALID_TOKEN"],
    ["an unsigned token (alg: none)", async () => unsignedToken(), "INVALID_TOKEN"],
    ["a token signed by an unknown key", () => issuer.token({ unknownKey: true }), "UNKNOWN_KEY"],
    [
      "a token signed by an unpublished key under a known kid",
      () => issuer.token({ unknownKey: true, kid: "key-1" }),
      "INVALID_TOKEN",
    ],
    ["a token without a tenant", () => issuer.token({ claims: { tenant: undefined } }), "UNBOUND_TENANT"],
    [
      "a token for a tenant nobody bound",
      () => issuer.token({ claims: { tenant: "initech" } }),
      "UNBOUND_TENANT",
    ],
    ["garbage", async () => "not.a.jwt", "INVALID_TOKEN"],
  ])("refuses %s", async (_case, makeToken, code) => {
    expect(await failureOf(await makeToken())).toBe(code);
  });

  it.each([
    [
      "an ID token (typ JWT, with a nonce)",
      { typ: "JWT", claims: { nonce: "n-123" } },
      "an ID token (nonce)",
    ],
    ["an ID token carrying at_hash", { typ: "JWT", claims: { at_hash: "abc" } }, "an ID token (at_hash)"],
    [
      "a token addressed to the SPA too",
      { typ: "JWT", audience: [AUDIENCE, "gantry-web"] },
      "an ID token (audience is the client)",
    ],
    [
      "Keycloak's ID token (typ ID in the payload)",
      { typ: "JWT", claims: { typ: "ID" } },
      "an ID token (typ ID)",
    ],
    ["a token without typ", { typ: null }, "typ (none)"],
    ["a logout token", { typ: "logout+jwt" }, "typ logout+jwt"],
  ] as const)("refuses %s as not an access token", async (_case, options, detail) => {
    const token = await issuer.token(options);
    const result = await createOidcVerifier(
      { ...settings, clientId: "gantry-web" },
      createLocalJWKSet(issuer.jwks),
      tenantBindingIn(env.DB),
    )(token);
    expect(result).toEqual({ ok: false, error: { code: "NOT_AN_ACCESS_TOKEN", detail } });
  });

  it("accepts an access token typed plain JWT (Entra ID, Keycloak) when nothing makes it an ID token", async () => {
    const token = await issuer.token({ typ: "JWT", claims: { scope: "gantry" } });
    expect(await failureOf(token)).toBe("verified");
  });

  it("refuses a subject or email longer than Gantry keeps, and cuts a long name to 200 characters", async () => {
    const verify = createOidcVerifier(settings, createLocalJWKSet(issuer.jwks), tenantBindingIn(env.DB));
    expect(await verify(await issuer.token({ subject: "s".repeat(256) }))).toEqual({
      ok: false,
      error: { code: "CLAIM_TOO_LONG", detail: "the sub claim is longer than 255 characters" },
    });
    expect(await verify(await issuer.token({ claims: { email: `${"e".repeat(245)}@acme.test` } }))).toEqual({
      ok: false,
      error: { code: "CLAIM_TOO_LONG", detail: "the email claim is longer than 254 characters" },
    });
    const longName = await verify(
      await issuer.token({ subject: "s".repeat(255), claims: { name: "N".repeat(300) } }),
    );
    expect(longName.ok && longName.value.principal.name).toBe("N".repeat(200));
  });

  it("refetches the JWKS for an unknown key at most once per cooldown", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let fetches = 0;
    const keys = remoteKeySet("https://idp.test/cooldown/jwks", {
      fetchJwks: async () => {
        fetches += 1;
        return Response.json(issuer.jwks);
      },
    });
    const verify = createOidcVerifier(settings, keys, tenantBindingIn(env.DB));
    expect((await verify(await issuer.token())).ok).toBe(true);
    expect(fetches).toBe(1);
    const unknown = await issuer.token({ unknownKey: true });
    await verify(unknown);
    await verify(unknown);
    expect(fetches).toBe(1);
    vi.setSystemTime(Date.now() + JWKS_COOLDOWN_MS + 1000);
    await verify(unknown);
    await verify(unknown);
    expect(fetches).toBe(2);
  });
});

describe("bearer tokens through the Worker", () => {
  const jwksUrl = `https://idp.test/${crypto.randomUUID()}/jwks`;
  const oidcEnv = {
    ...env,
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_JWKS_URL: jwksUrl,
    OIDC_ALGORITHMS: "RS256",
  };

  // the identity provider's JWKS endpoint; every other outbound request is a test bug
  const serveJwks = () =>
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === jwksUrl) return Response.json(issuer.jwks);
      throw new Error(`unexpected fetch ${url}`);
    });

  const me = (token: string, vars: Record<string, string> = {}) =>
    worker.fetch(
      new Request("https://gantry.example.com/trpc/session.me", {
        headers: { authorization: `Bearer ${token}` },
      }),
      { ...oidcEnv, ...vars },
      createExecutionContext(),
    );

  it("answers session.me for a valid token", async () => {
    const spy = serveJwks();
    const response = await me(await issuer.token());
    spy.mockRestore();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      result: { data: { userId: "oidc-olga", tenantId: "acme", role: "admin" } },
    });
  });

  it("answers UNAUTHORIZED for expired, wrong-audience, unsigned and unknown-key tokens", async () => {
    const spy = serveJwks();
    const tokens = [
      await issuer.token({ expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      await issuer.token({ audience: "someone-else" }),
      unsignedToken(),
      await issuer.token({ unknownKey: true }),
    ];
    const statuses = [];
    for (const token of tokens) statuses.push((await me(token)).status);
    spy.mockRestore();
    expect(statuses).toEqual([401, 401, 401, 401]);
  });

  it("answers UNAUTHORIZED to a genuine token for a tenant Gantry does not know", async () => {
    const spy = serveJwks();
    const response = await me(await issuer.token({ claims: { tenant: "initech" } }));
    spy.mockRestore();
    expect(response.status).toBe(401);
  });

  it("answers UNAUTHORIZED to any bearer token when OIDC is not configured", async () => {
    expect((await me(await issuer.token(), { OIDC_ISSUER: "" })).status).toBe(401);
  });

  it("trades a valid access token for the session cookie at /auth/session, and refuses a bad one", async () => {
    const spy = serveJwks();
    const exchange = async (accessToken: string) =>
      worker.fetch(
        new Request("https://gantry.example.com/auth/session", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://gantry.example.com" },
          body: JSON.stringify({ accessToken }),
        }),
        { ...oidcEnv, ALLOWED_ORIGINS: "https://gantry.example.com" },
        createExecutionContext(),
      );
    const good = await exchange(await issuer.token());
    const bad = await exchange(await issuer.token({ audience: "someone-else" }));
    const stranger = await exchange(await issuer.token({ claims: { tenant: "initech" } }));
    spy.mockRestore();
    // signed by the right IdP, but for a tenant Gantry has no record of: no session
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get("set-cookie")).toBeNull();
    expect(good.status).toBe(200);
    const cookie = good.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^__Host-gantry_session=/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"])
      expect(cookie).toContain(attribute);
    expect(await good.json()).toMatchObject({
      user: { userId: "oidc-olga", tenantId: "acme", tenantName: "Acme Corp", role: "admin" },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("set-cookie")).toBeNull();
  });
});
