import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SESSION_TTL_MS } from "../src/auth/sessions.ts";
import worker from "../src/index.ts";
import { type IdpDouble, serveIdp } from "./support/idp-double.ts";
import { AUDIENCE, CLIENT_ID, createTestIssuer, ISSUER } from "./support/oidc-issuer.ts";
import { alice } from "./support/principals.ts";
import { seedReferenceData } from "./support/seed.ts";
import { sessionCookieFor } from "./support/sessions.ts";

// Server-side sessions through the production Worker: the cookie names a row in D1, so logout, "sign
// out everywhere" and an admin really end it, and an OIDC session lives only as long as the IdP says.

const LOCAL = "http://127.0.0.1:8787";
let issuer: Awaited<ReturnType<typeof createTestIssuer>>;
let idp: IdpDouble | null = null;

beforeAll(async () => {
  await seedReferenceData(env.DB);
  issuer = await createTestIssuer();
});
afterEach(() => {
  idp?.restore();
  idp = null;
});

const fetchWith = (request: Request, vars: Record<string, string> = {}) =>
  worker.fetch(request, { ...env, ...vars }, createExecutionContext());

const post = (path: string, body: unknown, headers: Record<string, string> = {}, vars = {}) =>
  fetchWith(
    new Request(`${LOCAL}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: LOCAL, ...headers },
      body: JSON.stringify(body),
    }),
    vars,
  );

const query = (path: string, cookie: string, vars = {}, input?: unknown) =>
  fetchWith(
    new Request(
      `${LOCAL}/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
      { headers: { cookie } },
    ),
    vars,
  );

const mutate = (path: string, cookie: string, input: unknown, vars = {}) =>
  post(`/trpc/${path}`, input, { cookie }, vars);

const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

async function devLogin(email: string): Promise<string> {
  const response = await post("/auth/dev-login", { email });
  expect(response.status).toBe(200);
  return cookieOf(response);
}

const me = async (cookie: string, vars = {}) => {
  const response = await query("session.me", cookie, vars);
  return {
    status: response.status,
    body: await response.json<{ result?: { data: { role: string; name: string } } }>(),
  };
};

describe("logout", () => {
  it("ends the session on the server: the same cookie, replayed, is signed out", async () => {
    const cookie = await devLogin("alice@acme.test");
    expect((await me(cookie)).status).toBe(200);
    const out = await post("/auth/logout", {}, { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^gantry_session=;.*Max-Age=0/);
    expect((await me(cookie)).status).toBe(401);
  });
});

describe("sign out everywhere", () => {
  it("ends every session of the person, only theirs, and records it in the audit log", async () => {
    const laptop = await devLogin("alice@acme.test");
    const phone = await devLogin("alice@acme.test");
    const admin = await devLogin("adam@acme.test");
    const out = await post("/auth/logout", { everywhere: true }, { cookie: phone });
    expect(out.status).toBe(200);
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(401);
    expect((await me(admin)).status).toBe(200);
    const audit = await (await query("audit.list", admin, {}, { limit: 5 })).json<{
      result: {
        data: { items: { action: string; subject: { kind: string; id: string }; actor: { id: string } }[] };
      };
    }>();
    expect(audit.result.data.items).toContainEqual(
      expect.objectContaining({
        action: "SESSIONS_ENDED",
        subject: { kind: "user", id: "user-alice" },
        actor: expect.objectContaining({ id: "user-alice" }),
      }),
    );
  });

  it("needs a live session", async () => {
    expect((await post("/auth/logout", { everywhere: true })).status).toBe(401);
  });
});

describe("an admin ends someone's sessions", () => {
  it("signs the person out at their next request, lists who is signed in, and is audited", async () => {
    const member = await devLogin("alice@acme.test");
    const admin = await devLogin("adam@acme.test");
    const listed = await (await query("sessions.list", admin, {}, {})).json<{
      result: { data: { userId: string; sessions: number }[] };
    }>();
    expect(listed.result.data.find((p) => p.userId === "user-alice")?.sessions).toBeGreaterThanOrEqual(1);

    const ended = await mutate("sessions.end", admin, { userId: "user-alice" });
    expect(ended.status).toBe(200);
    expect(
      (await ended.json<{ result: { data: { ended: number } } }>()).result.data.ended,
    ).toBeGreaterThanOrEqual(1);
    expect((await me(member)).status).toBe(401);
    expect((await me(admin)).status).toBe(200);
    const audit = await (await query("audit.list", admin, {}, { limit: 5 })).json<{
      result: { data: { items: { action: string; summary: string; actor: { id: string } }[] } };
    }>();
    expect(audit.result.data.items[0]).toMatchObject({
      action: "SESSIONS_ENDED",
      actor: { id: "user-adam" },
      summary: expect.stringContaining("an admin ended the sessions"),
    });
  });

  it("is for admins, and ends nothing in another tenant", async () => {
    const member = await devLogin("alice@acme.test");
    expect((await mutate("sessions.end", member, { userId: "user-adam" })).status).toBe(403);
    const otherAdmin = await devLogin("gary@globex.test");
    const foreign = await mutate("sessions.end", otherAdmin, { userId: "user-alice" });
    expect((await foreign.json<{ result: { data: { ended: number } } }>()).result.data.ended).toBe(0);
    expect((await me(member)).status).toBe(200);
  });
});

describe("a session's hard end", () => {
  it("is 8 hours after sign-in, whatever else happens", async () => {
    const cookie = await sessionCookieFor(env.DB, alice, { now: Date.now() - SESSION_TTL_MS - 1000 });
    expect((await me(cookie)).status).toBe(401);
    const fresh = await sessionCookieFor(env.DB, alice, { now: Date.now() - SESSION_TTL_MS + 60_000 });
    expect((await me(fresh)).status).toBe(200);
  });
});

describe("an OIDC session", () => {
  const oidcVars = (jwksUrl: string, extra: Record<string, string> = {}) => ({
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_JWKS_URL: jwksUrl,
    OIDC_ALGORITHMS: "RS256",
    OIDC_CLIENT_ID: CLIENT_ID,
    ...extra,
  });
  const now = () => Math.floor(Date.now() / 1000);

  /** Signs in with an access token that is already at its end (within the 30 s clock leeway). */
  async function signInAtTokenEnd(vars: Record<string, string>, refreshToken?: string) {
    const accessToken = await issuer.token({ expiresIn: now() - 5 });
    const response = await post(
      "/auth/session",
      { accessToken, ...(refreshToken ? { refreshToken } : {}) },
      {},
      vars,
    );
    expect(response.status).toBe(200);
    return cookieOf(response);
  }

  it("without a refresh token ends when its access token does, not 8 hours later", async () => {
    idp = serveIdp(issuer.jwks);
    const vars = oidcVars(idp.jwksUrl);
    const cookie = await signInAtTokenEnd(vars);
    expect((await me(cookie, vars)).status).toBe(401);
    // the IdP was never asked: there was nothing to ask with
    expect(idp.calls.filter((c) => c.startsWith("POST"))).toEqual([]);
  });

  it("with a refresh token is renewed at the IdP, and a role removed there bites at the renewal", async () => {
    idp = serveIdp(issuer.jwks);
    const vars = oidcVars(idp.jwksUrl);
    const grants: URLSearchParams[] = [];
    idp.refresh = async (form) => {
      grants.push(form);
      const accessToken = await issuer.token({ claims: { roles: ["viewer"] }, expiresIn: "5m" });
      return Response.json({ access_token: accessToken, refresh_token: "rt-2", token_type: "Bearer" });
    };
    const cookie = await signInAtTokenEnd(vars, "rt-1");
    const after = await me(cookie, vars);
    expect(after.status).toBe(200);
    expect(after.body.result?.data.role).toBe("member");
    expect(grants.map((g) => [g.get("grant_type"), g.get("refresh_token"), g.get("client_id")])).toEqual([
      ["refresh_token", "rt-1", CLIENT_ID],
    ]);
    expect((await query("approvals.pending", cookie, vars, {})).status).toBe(403);
    // renewed until the next interval: no second grant for the next request
    expect((await me(cookie, vars)).status).toBe(200);
    expect(grants).toHaveLength(1);
  });

  it("ends when the IdP refuses to renew it (the person was removed there)", async () => {
    idp = serveIdp(issuer.jwks);
    const vars = oidcVars(idp.jwksUrl);
    idp.refresh = () => Response.json({ error: "invalid_grant" }, { status: 400 });
    const cookie = await signInAtTokenEnd(vars, "rt-1");
    expect((await me(cookie, vars)).status).toBe(401);
    // ended for good: a working IdP later does not bring it back
    idp.refresh = async () => Response.json({ access_token: await issuer.token() });
    expect((await me(cookie, vars)).status).toBe(401);
  });

  it("is not renewed into someone else", async () => {
    idp = serveIdp(issuer.jwks);
    const vars = oidcVars(idp.jwksUrl);
    idp.refresh = async () =>
      Response.json({ access_token: await issuer.token({ subject: "oidc-mallory" }) });
    const cookie = await signInAtTokenEnd(vars, "rt-1");
    expect((await me(cookie, vars)).status).toBe(401);
  });

  it("answers 503 (neither 401 nor a crash) while the IdP cannot renew it", async () => {
    idp = serveIdp(issuer.jwks);
    const vars = oidcVars(idp.jwksUrl);
    idp.refresh = () => {
      throw new TypeError("connect ECONNREFUSED");
    };
    const cookie = await signInAtTokenEnd(vars, "rt-1");
    const down = await query("session.me", cookie, vars);
    expect(down.status).toBe(503);
    expect(await down.text()).toContain("identity provider");
  });
});
