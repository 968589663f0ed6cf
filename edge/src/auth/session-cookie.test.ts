import { describe, expect, it } from "vitest";
import { renewalSchedule } from "./browser-session.ts";
import { openRefreshToken, sealRefreshToken } from "./refresh-token-box.ts";
import { isSessionToken, newSessionToken, sessionCookieName, sessionIdHash } from "./session-cookie.ts";

describe("session cookie value", () => {
  it("is 256 random bits that name a session only by their hash", async () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a).not.toBe(b);
    expect(isSessionToken(a)).toBe(true);
    expect(await sessionIdHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(await sessionIdHash(a)).not.toContain(a.slice(4));
  });

  it("refuses anything else before a database read", () => {
    for (const value of [
      "",
      "gs1.",
      "gs1.short",
      `gs2.${"a".repeat(43)}`,
      "eyJ2IjoxfQ.c2ln",
      `gs1.${"a".repeat(44)}`,
    ])
      expect(isSessionToken(value)).toBe(false);
  });

  it("names the cookie __Host- only over https", () => {
    expect(sessionCookieName(true)).toBe("__Host-gantry_session");
    expect(sessionCookieName(false)).toBe("gantry_session");
  });
});

describe("the sealed refresh token", () => {
  const secret = "unit-test-secret-0123456789abcdef0123";

  it("opens with the same secret for the same session only", async () => {
    const sealed = await sealRefreshToken("rt-123", { secret, sessionId: "session-a" });
    expect(sealed).not.toContain("rt-123");
    expect(await openRefreshToken(sealed, { secret, sessionId: "session-a" })).toBe("rt-123");
    expect(await openRefreshToken(sealed, { secret, sessionId: "session-b" })).toBeNull();
    expect(await openRefreshToken(sealed, { secret: `${secret}x`, sessionId: "session-a" })).toBeNull();
    expect(await openRefreshToken("v1.x.y", { secret, sessionId: "session-a" })).toBeNull();
  });
});

describe("when a session asks the IdP again", () => {
  const now = 1_000_000;
  it("every revalidation interval, and ahead of the access token's end", () => {
    const long = { expiresAt: now + 3_600_000, refreshToken: "rt" };
    expect(renewalSchedule({ now, grant: long, revalidateMs: 300_000 })).toEqual({
      revalidateAt: now + 300_000,
      idpExpiresAt: now + 3_600_000,
    });
    const short = { expiresAt: now + 120_000, refreshToken: "rt" };
    expect(renewalSchedule({ now, grant: short, revalidateMs: 300_000 })).toEqual({
      revalidateAt: now + 80_000,
      idpExpiresAt: now + 120_000,
    });
  });

  it("without a refresh token, only when the access token ends (the session ends with it)", () => {
    const grant = { expiresAt: now + 300_000, refreshToken: null };
    expect(renewalSchedule({ now, grant, revalidateMs: 60_000 })).toEqual({
      revalidateAt: now + 300_000,
      idpExpiresAt: now + 300_000,
    });
  });
});
