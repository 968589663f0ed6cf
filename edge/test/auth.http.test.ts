import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import worker from "../src/index.ts";
import { body, devLogin, LOCAL, trpcMutation, trpcQuery } from "./support/http.ts";
import { alice } from "./support/principals.ts";
import { seedReferenceData } from "./support/seed.ts";
import { sessionCookieFor } from "./support/sessions.ts";

beforeAll(() => seedReferenceData(env.DB));

const postRequest = (url: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(url).origin, ...init.headers },
    body: JSON.stringify(init.body ?? {}),
  });
const post = (url: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  exports.default.fetch(postRequest(url, init));
// the Worker's fetch with vars a deployment would have, e.g. its own origin allowed
const postWithVars = (url: string, vars: Record<string, string>, init: { body?: unknown } = {}) =>
  worker.fetch(postRequest(url, init), { ...env, ...vars }, createExecutionContext());

describe("dev login", () => {
  it("lists the seeded users for the sign-in page", async () => {
    const response = await exports.default.fetch(`${LOCAL}/auth/dev-login`);
    const { users } = await response.json<{ users: { email: string; role: string; tenantName: string }[] }>();
    expect(users).toEqual(
      expect.arrayContaining([
        { email: "alice@acme.test", name: "Alice Member", role: "member", tenantName: "Acme Corp" },
        { email: "gary@globex.test", name: "Gary Admin", role: "admin", tenantName: "Globex Corporation" },
      ]),
    );
  });

  it("sets an httpOnly, SameSite=Lax session cookie that session.me accepts", async () => {
    const response = await post(`${LOCAL}/auth/dev-login`, { body: { email: "alice@acme.test" } });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^gantry_session=[^;]+;/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Secure");

    const me = await trpcQuery("session.me", undefined, { cookie: setCookie.split(";")[0] ?? "" });
    expect((await body(me)).result?.data).toEqual({
      userId: "user-alice",
      tenantId: "acme",
      tenantName: "Acme Corp",
      email: "alice@acme.test",
      name: "Alice Member",
      role: "member",
      // a member approves no project until an admin names them approver of one
      approverOf: [],
    });
  });

  it("uses a Secure __Host- cookie over https", async () => {
    const response = await postWithVars(
      "https://localhost/auth/dev-login",
      { ALLOWED_ORIGINS: "https://localhost" },
      { body: { email: "adam@acme.test" } },
    );
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-gantry_session=/);
    expect(setCookie).toContain("Secure");
    expect(setCookie).not.toContain("Domain");
  });

  it("answers 404 on a host that is not loopback", async () => {
    const deployed = { ALLOWED_ORIGINS: "https://gantry.example.com" };
    const login = await postWithVars("https://gantry.example.com/auth/dev-login", deployed, {
      body: { email: "alice@acme.test" },
    });
    expect(login.status).toBe(404);
    expect((await exports.default.fetch("http://gantry.example.com/auth/dev-login")).status).toBe(404);
  });

  it("answers 404 when DEV_LOGIN is off", async () => {
    const response = await postWithVars(
      `${LOCAL}/auth/dev-login`,
      { DEV_LOGIN: "off" },
      { body: { email: "alice@acme.test" } },
    );
    expect(response.status).toBe(404);
  });

  it("is never switched on by the production config", () => {
    expect(wranglerToml).not.toMatch(/^\s*DEV_LOGIN\s*=/m);
    expect(wranglerToml).not.toMatch(/^\s*SESSION_SECRET\s*=/m);
  });

  it("refuses an unknown email with 401 and a malformed body with 400 naming the field", async () => {
    expect((await post(`${LOCAL}/auth/dev-login`, { body: { email: "mallory@evil.test" } })).status).toBe(
      401,
    );
    const bad = await post(`${LOCAL}/auth/dev-login`, { body: { email: "not-an-email" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "invalid input", fields: ["email"] });
  });
});

describe("session cookie", () => {
  it("clears the cookie on logout", async () => {
    const response = await post(`${LOCAL}/auth/logout`);
    expect(response.headers.get("set-cookie")).toMatch(/^gantry_session=;.*Max-Age=0/);
  });

  it("answers UNAUTHORIZED for a made-up, a malformed and an old-style signed cookie", async () => {
    const madeUp = `gs1.${"A".repeat(43)}`;
    const oldStyle = "eyJ2IjoxLCJzdWIiOiJ1c2VyLWFsaWNlIiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJl";
    for (const cookie of [madeUp, "gs1.short", oldStyle]) {
      const me = await trpcQuery("session.me", undefined, { cookie: `gantry_session=${cookie}` });
      expect(me.status).toBe(401);
    }
  });

  it("answers session.current with null, not an error, when signed out or the cookie is bad", async () => {
    const anonymous = await trpcQuery("session.current", undefined);
    expect(anonymous.status).toBe(200);
    expect((await body(anonymous)).result?.data).toBeNull();
    const bad = await trpcQuery("session.current", undefined, { cookie: "gantry_session=nonsense" });
    expect(bad.status).toBe(200);
    expect((await body(bad)).result?.data).toBeNull();
    const cookie = await devLogin("alice@acme.test");
    const me = await trpcQuery("session.current", undefined, { cookie });
    expect((await body(me)).result?.data).toMatchObject({ userId: "user-alice", tenantName: "Acme Corp" });
  });

  it("ignores a __Host- cookie on plain http", async () => {
    const cookie = await sessionCookieFor(env.DB, alice);
    const value = cookie.split("=")[1] ?? "";
    const me = await trpcQuery("session.me", undefined, { cookie: `__Host-gantry_session=${value}` });
    expect(me.status).toBe(401);
  });
});

describe("CSRF guard", () => {
  let cookie = "";
  beforeAll(async () => {
    cookie = await devLogin("alice@acme.test");
  });
  const create = {
    idempotencyKey: "csrf-key-0001",
    projectId: "proj-acme-web",
    name: "csrf-01",
    justification: "checking the CSRF guard",
  };

  it("accepts a JSON mutation from an allowed origin", async () => {
    const response = await trpcMutation("requests.create", create, { cookie });
    expect(response.status).toBe(200);
  });

  it("refuses a mutation from another origin or with no origin", async () => {
    expect(
      (await trpcMutation("requests.create", create, { cookie, origin: "https://evil.example" })).status,
    ).toBe(403);
    const noOrigin = await exports.default.fetch(
      new Request(`${LOCAL}/trpc/requests.create`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify(create),
      }),
    );
    expect(noOrigin.status).toBe(403);
  });

  it("refuses a form-encoded or text/plain mutation", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await trpcMutation("requests.create", create, { cookie, "content-type": type });
      expect(response.status).toBe(415);
    }
  });

  it("guards /auth/* the same way", async () => {
    expect(
      (
        await post(`${LOCAL}/auth/dev-login`, {
          body: { email: "alice@acme.test" },
          headers: { origin: "https://evil.example" },
        })
      ).status,
    ).toBe(403);
  });

  it("answers BAD_REQUEST over HTTP with a message naming the fields", async () => {
    const response = await trpcMutation(
      "requests.create",
      { ...create, idempotencyKey: "csrf-key-0002", name: "x", justification: "" },
      { cookie },
    );
    const { error } = await body(response);
    expect(response.status).toBe(400);
    expect(error?.message).toMatch(/^invalid input: /);
    expect(error?.data.fields?.map((f) => f.path).sort()).toEqual(["justification", "name"]);
  });

  it("answers FORBIDDEN to a member calling an admin procedure", async () => {
    const response = await trpcQuery("approvals.pending", {}, { cookie });
    expect(response.status).toBe(403);
  });
});
