import { describe, expect, it } from "vitest";
import { sessionCookieName, signSession, verifySession } from "./session-cookie.ts";

const secret = "unit-test-secret-0123456789abcdef0123";
const now = new Date("2026-03-02T09:00:00.000Z");
const user = {
  userId: "user-alice",
  tenantId: "acme",
  role: "member" as const,
  email: "alice@acme.test",
  name: "Alice",
};

describe("session cookie", () => {
  it("round-trips a principal until it expires", async () => {
    const value = await signSession(user, { secret, now });
    expect(await verifySession(value, { secret, now })).toEqual({
      ok: true,
      value: { ...user, via: "session" },
    });
  });

  it("refuses an expired session", async () => {
    const value = await signSession(user, { secret, now, ttlSeconds: 60 });
    expect(await verifySession(value, { secret, now: new Date(now.getTime() + 61_000) })).toEqual({
      ok: false,
      error: { code: "EXPIRED" },
    });
  });

  it("refuses a session whose claims were edited", async () => {
    const [, signature] = (await signSession(user, { secret, now })).split(".");
    const forgedPayload = btoa(
      JSON.stringify({ v: 1, sub: "user-alice", tid: "acme", role: "admin", email: "", name: "", exp: 9e9 }),
    ).replaceAll("=", "");
    expect(await verifySession(`${forgedPayload}.${signature}`, { secret, now })).toEqual({
      ok: false,
      error: { code: "BAD_SIGNATURE" },
    });
  });

  it("refuses malformed values", async () => {
    for (const value of ["", "abc", "a.b.c", "%%%.%%%", "a.!"]) {
      expect((await verifySession(value, { secret, now })).ok).toBe(false);
    }
  });

  it("names the cookie __Host- only over https", () => {
    expect(sessionCookieName(true)).toBe("__Host-gantry_session");
    expect(sessionCookieName(false)).toBe("gantry_session");
  });
});
