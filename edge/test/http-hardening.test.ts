import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { MAX_TRPC_BATCH_SIZE } from "@gantry/shared/api/limits";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";

const LOCAL = "http://127.0.0.1:8787";

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

describe("security headers", () => {
  it.each([
    ["GET /healthz", () => exports.default.fetch(`${LOCAL}/healthz`)],
    ["GET /trpc/session.me signed out (401)", () => exports.default.fetch(`${LOCAL}/trpc/session.me`)],
    ["GET /trpc of no procedure (404)", () => exports.default.fetch(`${LOCAL}/trpc/no.such`)],
    ["GET /auth of no route (404)", () => exports.default.fetch(`${LOCAL}/auth/nothing-here`)],
    [
      "POST /auth/dev-login from another origin (403)",
      () =>
        exports.default.fetch(`${LOCAL}/auth/dev-login`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://evil.example" },
          body: "{}",
        }),
    ],
    ["GET /agent/connect without an upgrade (426)", () => exports.default.fetch(`${LOCAL}/agent/connect`)],
    [
      "GET /progress/:id/connect without an upgrade (426)",
      () => exports.default.fetch(`${LOCAL}/progress/r1/connect`),
    ],
  ])("are on %s", async (_what, send) => {
    const response = await send();
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(response.headers.get(name)).toBe(value);
  });
});

describe("/healthz", () => {
  const details = (headers: Record<string, string> = {}, vars: Record<string, string> = {}, host = LOCAL) =>
    worker.fetch(
      new Request(`${host}/healthz/details`, { headers }),
      { ...env, ...vars },
      createExecutionContext(),
    );

  it("says only ok to anyone", async () => {
    const response = await exports.default.fetch("https://gantry.example.com/healthz");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("gives details to the local stack, or to an operator's HEALTHZ_TOKEN, and is missing for anyone else", async () => {
    expect(await (await details()).json()).toMatchObject({ ok: true, agentsConnected: expect.any(Number) });
    const deployed = "https://gantry.example.com";
    const token = "operator-token-0123456789abcdef0123456789";
    expect((await details({}, { HEALTHZ_TOKEN: token }, deployed)).status).toBe(404);
    expect(
      (
        await details(
          { authorization: "Bearer wrong-token-0123456789abcdef012345" },
          { HEALTHZ_TOKEN: token },
          deployed,
        )
      ).status,
    ).toBe(404);
    const operator = await details({ authorization: `Bearer ${token}` }, { HEALTHZ_TOKEN: token }, deployed);
    expect(operator.status).toBe(200);
    expect(await operator.json()).toMatchObject({ ok: true, agentsConnected: expect.any(Number) });
    // without the dev login, a loopback host is no key either
    expect((await details({}, { DEV_LOGIN: "off" })).status).toBe(404);
  });
});

describe("tRPC batches", () => {
  const batch = (size: number) =>
    exports.default.fetch(
      `${LOCAL}/trpc/${Array.from({ length: size }, () => "health").join(",")}?batch=1&input=${encodeURIComponent(
        JSON.stringify({}),
      )}`,
    );

  it(`carry at most ${MAX_TRPC_BATCH_SIZE} calls; a larger one is refused before any runs`, async () => {
    expect((await batch(MAX_TRPC_BATCH_SIZE)).status).toBe(200);
    const refused = await batch(MAX_TRPC_BATCH_SIZE + 1);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("Batch call exceeds maximum size");
  });
});
