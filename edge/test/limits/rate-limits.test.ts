import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../../wrangler.toml?raw";
import { RATE_LIMITS } from "../../src/http/rate-limit.ts";
import { enrolledAgent, freshSite } from "../agent-support.ts";

// wrangler.toml's limits, unchanged (this project does not raise them): each case sends from an address
// of its own until the binding says no. Windows are fixed and aligned to the clock, so a window that
// rolls over mid-run lets a few more through: the 429 must come after at least `limit` calls, and come.
const LIMITS = { signIn: 60, enroll: 30, agentConnect: 120, operator: 10, apiToken: 300 } as const;

let addresses = 0;
const freshAddress = () => `198.51.100.${++addresses}`;

async function callsUntilRefused(send: () => Promise<Response>, limit: number) {
  for (let calls = 0; calls <= 2 * limit + 1; calls++) {
    const response = await send();
    if (response.status === 429) return { allowed: calls, response };
    // an agent let in: hang up at once (the hub forgets a socket that never said hello)
    if (response.webSocket) {
      response.webSocket.accept();
      response.webSocket.close(1000, "done");
    } else await response.body?.cancel();
  }
  throw new Error(`no 429 after ${2 * limit + 2} calls`);
}

const post = (path: string, ip: string, body: unknown) =>
  exports.default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://127.0.0.1:8787",
        "cf-connecting-ip": ip,
      },
      body: JSON.stringify(body),
    }),
  );

const connect = (ip: string, credential: string) =>
  exports.default.fetch(
    new Request("http://127.0.0.1:8787/agent/connect", {
      headers: { upgrade: "websocket", authorization: `Bearer ${credential}`, "cf-connecting-ip": ip },
    }),
  );

const randomApiToken = () =>
  `gpt_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "")}`;

const withApiToken = (ip: string, token: string) =>
  exports.default.fetch(
    new Request("http://127.0.0.1:8787/trpc/requests.list", {
      headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": ip },
    }),
  );

describe("rate limits (Workers Rate Limiting binding)", () => {
  const cases = [
    [
      "POST /auth/dev-login",
      "signIn",
      (ip: string) => post("/auth/dev-login", ip, { email: "nobody@acme.test" }),
    ],
    [
      "POST /auth/session",
      "signIn",
      (ip: string) => post("/auth/session", ip, { accessToken: "not-a-token" }),
    ],
    [
      "POST /agent/enroll",
      "enroll",
      (ip: string) => post("/agent/enroll", ip, { token: "get_x", name: "a" }),
    ],
    ["GET /agent/connect", "agentConnect", (ip: string) => connect(ip, "gac_not_a_credential")],
    // a guesser of the operator secret is stopped before the secret is even compared
    ["POST /ops/tenants", "operator", (ip: string) => post("/ops/tenants", ip, {})],
    // a different (unknown) token each call: the address is what is counted here
    ["GET /trpc with an API token", "apiToken", (ip: string) => withApiToken(ip, randomApiToken())],
  ] as const;

  it.each(cases)(
    "%s answers 429 with Retry-After once a client address is over its limit",
    async (_route, name, send) => {
      const ip = freshAddress();
      const { allowed, response } = await callsUntilRefused(() => send(ip), LIMITS[name]);
      expect(allowed).toBeGreaterThanOrEqual(LIMITS[name]);
      expect(response.headers.get("retry-after")).toBe(String(RATE_LIMITS[name].periodSeconds));
      expect(await response.json()).toMatchObject({ error: "RATE_LIMITED" });
      // another address is not affected
      const other = await send(freshAddress());
      expect(other.status).not.toBe(429);
    },
    60_000,
  );

  it("limits one agent's connections whatever addresses they come from, and only once it proved itself", async () => {
    const { credential } = await enrolledAgent(freshSite("limits"));
    // a stranger naming this agent with a wrong secret spends nothing of its budget
    const [, agentId] = credential.split("_");
    const forged = `gac_${agentId}_${"A".repeat(43)}`;
    for (let i = 0; i < 10; i++) expect((await connect(freshAddress(), forged)).status).toBe(401);
    const { allowed, response } = await callsUntilRefused(
      () => connect(freshAddress(), credential),
      LIMITS.agentConnect,
    );
    expect(allowed).toBeGreaterThanOrEqual(LIMITS.agentConnect);
    expect(response.headers.get("retry-after")).toBe("60");
  }, 60_000);

  it("limits one API token whatever addresses it comes from", async () => {
    const token = randomApiToken();
    const { allowed } = await callsUntilRefused(() => withApiToken(freshAddress(), token), LIMITS.apiToken);
    expect(allowed).toBeGreaterThanOrEqual(LIMITS.apiToken);
    // another token from a fresh address is not affected
    expect((await withApiToken(freshAddress(), randomApiToken())).status).toBe(401);
  }, 60_000);
});

describe("wrangler.toml's [[ratelimits]]", () => {
  /** Each block's name, limit and period, read as deploy reads them. */
  const bound = new Map(
    wranglerToml
      .split("[[ratelimits]]")
      .slice(1)
      .map((block) => [
        /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "",
        {
          limit: Number(/limit\s*=\s*(\d+)/.exec(block)?.[1]),
          period: Number(/period\s*=\s*(\d+)/.exec(block)?.[1]),
        },
      ]),
  );

  it("bind every limit the Worker uses, with the period it sends as Retry-After and the limit tested above", () => {
    expect(bound.size).toBe(Object.keys(RATE_LIMITS).length);
    for (const [name, limit] of Object.entries(RATE_LIMITS))
      expect(bound.get(limit.binding)).toEqual({
        limit: LIMITS[name as keyof typeof LIMITS],
        period: limit.periodSeconds,
      });
  });
});
