import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../src/index.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { type IdpDouble, serveIdp } from "./support/idp-double.ts";
import { AUDIENCE, CLIENT_ID, createTestIssuer, ISSUER } from "./support/oidc-issuer.ts";
import { onboardThroughOperatorPath, seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";

// The OIDC cases an outside review asked to see proven, through the production Worker: POST /auth/session
// (the browser's sign-in) and a bearer token on the API. The IdP's endpoints are a fetch double here; the
// browser and link tests run the same cases against a real OpenID Provider.

const createCaller = createCallerFactory(appRouter);
let issuer: Awaited<ReturnType<typeof createTestIssuer>>;
let idp: IdpDouble;

beforeAll(async () => {
  await seedReferenceData(env.DB);
});
afterEach(() => {
  idp?.restore();
  vi.useRealTimers();
});

const LOCAL = "http://127.0.0.1:8787";
const vars = (extra: Record<string, string> = {}) => ({
  ...env,
  OIDC_ISSUER: ISSUER,
  OIDC_AUDIENCE: AUDIENCE,
  OIDC_JWKS_URL: idp.jwksUrl,
  OIDC_ALGORITHMS: "RS256",
  OIDC_CLIENT_ID: CLIENT_ID,
  ...extra,
});

const signIn = (accessToken: string, extra: Record<string, string> = {}) =>
  worker.fetch(
    new Request(`${LOCAL}/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: LOCAL },
      body: JSON.stringify({ accessToken }),
    }),
    vars(extra),
    createExecutionContext(),
  );

const api = (accessToken: string, extra: Record<string, string> = {}) =>
  worker.fetch(
    new Request(`${LOCAL}/trpc/session.me`, { headers: { authorization: `Bearer ${accessToken}` } }),
    vars(extra),
    createExecutionContext(),
  );

describe("OIDC access tokens through the edge", () => {
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  it("refuses a token from another issuer, at sign-in and on the API", async () => {
    idp = serveIdp(issuer.jwks);
    const token = await issuer.token({ issuer: "https://evil.test/realms/gantry" });
    expect((await signIn(token)).status).toBe(401);
    expect((await api(token)).status).toBe(401);
    expect((await signIn(await issuer.token())).status).toBe(200);
  });

  it("refuses an HS256 token signed with the issuer's public key (algorithm confusion)", async () => {
    idp = serveIdp(issuer.jwks);
    const forged = await issuer.hs256WithPublicKey();
    expect((await signIn(forged)).status).toBe(401);
    expect((await api(forged)).status).toBe(401);
  });

  it("answers 503 while the JWKS endpoint is down, and signs in again once it is back", async () => {
    // a JWKS URL of its own: nothing cached from the other cases
    idp = serveIdp(issuer.jwks);
    idp.jwks = () => new Response("bad gateway", { status: 502 });
    const token = await issuer.token();
    const refused = await signIn(token);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: "the identity provider's keys could not be read; try again shortly",
    });
    expect((await api(token)).status).toBe(503);
    idp.jwks = () => {
      throw new TypeError("connect ECONNREFUSED");
    };
    expect((await signIn(token)).status).toBe(503);
    idp.jwks = () => Response.json(issuer.jwks);
    expect((await signIn(token)).status).toBe(200);
  });

  it("refuses an ID token at sign-in and says why; refuses over-long claims with the claim named", async () => {
    idp = serveIdp(issuer.jwks);
    const idToken = await issuer.token({ typ: "JWT", claims: { nonce: "n-1", at_hash: "x" } });
    const refused = await signIn(idToken);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "invalid access token", reason: "an ID token (nonce)" });
    const long = await signIn(await issuer.token({ subject: "s".repeat(300) }));
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({
      error: "invalid access token",
      reason: "the sub claim is longer than 255 characters",
    });
  });

  it("picks up a rotated key: a token under a new kid verifies once the cooldown allows a refetch", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const rotating = await createTestIssuer();
    idp = serveIdp(rotating.jwks);
    expect((await signIn(await rotating.token())).status).toBe(200);
    const fetches = () => idp.calls.filter((c) => c === `GET ${idp.jwksUrl}`).length;
    expect(fetches()).toBe(1);
    const kid = await rotating.rotate();
    const rotated = await rotating.token();
    expect(decodeProtectedHeader(rotated).kid).toBe(kid);
    // the key set fetched a moment ago is within its cooldown: an unknown kid is not a reason to hammer the IdP
    expect((await signIn(rotated, { OIDC_JWKS_COOLDOWN_SECONDS: "30" })).status).toBe(401);
    vi.setSystemTime(Date.now() + 31_000);
    expect((await signIn(rotated, { OIDC_JWKS_COOLDOWN_SECONDS: "30" })).status).toBe(200);
    expect(fetches()).toBe(2);
  });
});

describe("signing in through the tenant's stored IdP binding", () => {
  // a tenant of its own, bound at onboarding to the tests' issuer under claims other than the defaults
  const slug = `b${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    await onboardThroughOperatorPath({
      slug,
      name: `Bound ${slug}`,
      identity: {
        issuer: ISSUER,
        tenantClaim: "org",
        tenantClaimValue: `org-${slug}`,
        rolesClaim: "realm_access.roles",
      },
      admin: { email: `boss@${slug}.test`, name: "Boss", subject: `boss-${slug}` },
    });
  });
  const tokenFor = (sub: string, claims: Record<string, unknown>) =>
    issuer.token({
      subject: sub,
      claims: { tenant: undefined, roles: undefined, email: `${sub}@${slug}.test`, ...claims },
    });

  it("resolves the tenant from the binding's claim value and the role from its roles claim", async () => {
    idp = serveIdp(issuer.jwks);
    const admin = await signIn(
      await tokenFor(`ann-${slug}`, { org: `org-${slug}`, realm_access: { roles: ["admin"] } }),
    );
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({
      user: { userId: `ann-${slug}`, tenantId: slug, role: "admin" },
    });
    const member = await tokenFor(`mo-${slug}`, {
      org: `org-${slug}`,
      realm_access: { roles: ["dev"] },
      roles: ["admin"],
    });
    const signedIn = await signIn(member);
    expect(await signedIn.json()).toMatchObject({ user: { tenantId: slug, role: "member" } });
    // the same resolution for a bearer token on the API
    expect(await (await api(member)).json()).toMatchObject({
      result: { data: { tenantId: slug, role: "member" } },
    });
  });

  it("applies the tenant's mapping of IdP groups to roles at sign-in, and only its own tenant's", async () => {
    idp = serveIdp(issuer.jwks);
    const bossOf = (tenantId: string) =>
      ({
        userId: `boss-${tenantId}`,
        tenantId,
        role: "admin",
        email: "b@x.test",
        name: "Boss",
        via: "session",
      }) as const;
    const settings = (tenantId: string) =>
      createCaller(createContextInner({ env, principal: bossOf(tenantId), deps: testWorkflow().deps }))
        .settings;
    const lead = () =>
      tokenFor(`lee-${slug}`, { org: `org-${slug}`, realm_access: { roles: ["ops-leads"] } });
    const roleAt = async () =>
      ((await (await signIn(await lead())).json()) as { user: { role: string } }).user.role;
    expect(await roleAt()).toBe("member");
    // another tenant mapping the same group name changes nothing here
    await settings("acme").setGroupRole({ group: "ops-leads", role: "admin" });
    expect(await roleAt()).toBe("member");
    await settings(slug).setGroupRole({ group: "ops-leads", role: "admin" });
    expect(await settings(slug).groupRoles()).toEqual([{ group: "ops-leads", role: "admin" }]);
    expect(await roleAt()).toBe("admin");
    await settings(slug).setGroupRole({ group: "ops-leads", role: null });
    expect(await roleAt()).toBe("member");
    await settings("acme").setGroupRole({ group: "ops-leads", role: null });
  });

  it("refuses, saying why, a token whose claim value no binding names, and a tenant named by another claim", async () => {
    idp = serveIdp(issuer.jwks);
    const stranger = await signIn(await tokenFor(`eve-${slug}`, { org: "org-nobody" }));
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toEqual({
      error: "no Gantry tenant is bound to your identity provider's account",
      reason: "no tenant of this identity provider is bound to the token's tenant claim value",
    });
    // the tenant's id in the default `tenant` claim names nothing: its binding reads `org`
    const byId = await tokenFor(`eve-${slug}`, { tenant: slug });
    expect((await signIn(byId)).status).toBe(403);
    expect((await api(byId)).status).toBe(401);
  });
});
