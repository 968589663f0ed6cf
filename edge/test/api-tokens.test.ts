import { env, exports } from "cloudflare:workers";
import type { CreatedToken, TokenScope } from "@gantry/shared/api/tokens";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LAST_USED_GRANULARITY_MS } from "../src/auth/api-tokens.ts";
import type { Principal } from "../src/auth/principal.ts";
import { createApiToken } from "../src/commands/api-tokens.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { sha256Hex } from "../src/tenancy/credentials.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { codeOf, requestInput } from "./support/callers.ts";
import { body, LOCAL, trpcQuery } from "./support/http.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

// Personal API tokens end to end: made through tRPC as a signed-in person, used as `Authorization:
// Bearer gpt_…` against the production Worker's /trpc, exactly as a script would.

const w = testWorkflow();
const create = createCallerFactory(appRouter);
/** the API with the Worker's own deps and real clock: the edge checks expiry against the Worker's time */
const live = () => (p: Principal) => create(createContextInner({ env, principal: p }));

async function make(
  p: Principal,
  scopes: TokenScope[],
  name = "ci pipeline",
  expiresInDays = 30,
): Promise<CreatedToken> {
  return live()(p).tokens.create({ name, scopes, expiresInDays });
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
/** a script's call: no cookie, no Origin */
const post = (path: string, input: unknown, secret: string) =>
  fetch(
    new Request(`${LOCAL}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(secret) },
      body: JSON.stringify(input),
    }),
  ).then(async (r) => ({ status: r.status, ...(await body<unknown>(r)) }));
const get = async (path: string, input: unknown, secret: string) => {
  const r = await trpcQuery(path, input, bearer(secret));
  return { status: r.status, ...(await body<unknown>(r)) };
};
// the Worker itself (not the network): LOCAL is only a name
const fetch = (request: Request) => exports.default.fetch(request);

let t: TestTenant;
beforeEach(async () => {
  t = await createTestTenant(env.DB);
});

describe("making a token", () => {
  let logged: string[] = [];
  beforeEach(() => {
    logged = [];
    for (const level of ["log", "warn", "error", "info", "debug"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
  });
  afterEach(() => vi.restoreAllMocks());

  it("shows the secret once, keeps only its SHA-256, and never writes or logs the secret", async () => {
    const made = await make(t.member, ["read", "request"]);
    expect(made.secret).toMatch(/^gpt_[A-Za-z0-9_-]{43}$/);
    expect(made.token).toMatchObject({
      name: "ci pipeline",
      scopes: ["read", "request"],
      owner: { id: t.member.userId, name: t.member.name },
      lastUsedAt: null,
      revokedAt: null,
    });
    const days = (Date.parse(made.token.expiresAt) - Date.parse(made.token.createdAt)) / 86_400_000;
    expect(days).toBe(30);

    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?")
      .bind(made.token.tokenId)
      .first<Record<string, unknown>>();
    expect(row?.secret_hash).toBe(await sha256Hex(made.secret));
    // use it (including a refused call, which logs), then look for the secret everywhere it could land
    expect((await get("requests.list", {}, made.secret)).status).toBe(200);
    expect(
      (await post("approvals.approve", { requestId: "x", expectedVersion: 1 }, made.secret)).status,
    ).toBe(403);
    for (const table of ["api_tokens", "events", "audit_log", "sessions"]) {
      const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(results)).not.toContain(made.secret.slice(4));
    }
    expect(logged.join("\n")).not.toContain(made.secret.slice(4));

    // listed later without any secret
    const listed = await live()(t.member).tokens.list({});
    expect(listed.map((x) => x.tokenId)).toEqual([made.token.tokenId]);
    expect(JSON.stringify(listed)).not.toContain(made.secret);
  });

  it("is an event with who and when, on the owner's stream", async () => {
    const made = await make(t.member, ["read"], "nightly report");
    const { events } = await readStream(env.DB, streamIds.user(t.tenantId, t.member.userId));
    const created = events.find((e) => e.event.type === "ApiTokenCreated");
    expect(created?.event.data).toMatchObject({ tokenId: made.token.tokenId, scopes: ["read"] });
    expect(created?.metadata).toMatchObject({ actorKind: "user", actorId: t.member.userId });
    const audit = await live()(t.admin).audit.list({ filter: { action: "API_TOKEN_CREATED" } });
    expect(audit.items[0]).toMatchObject({
      actor: { id: t.member.userId, kind: "user" },
      subject: { kind: "token", id: made.token.tokenId },
    });
  });

  it("refuses bad input at the field, and the admin scope to a member", async () => {
    const api = live()(t.member);
    expect(await codeOf(api.tokens.create({ name: "x", scopes: ["admin"], expiresInDays: 30 }))).toBe(
      "FORBIDDEN",
    );
    for (const bad of [
      { name: "", scopes: ["read"], expiresInDays: 30 },
      { name: "x", scopes: [], expiresInDays: 30 },
      { name: "x", scopes: ["read", "read"], expiresInDays: 30 },
      { name: "x", scopes: ["read"], expiresInDays: 366 },
      { name: "x", scopes: ["read"] },
      { name: "x", scopes: ["root"], expiresInDays: 30 },
    ])
      expect(await codeOf(api.tokens.create(bad as never))).toBe("BAD_REQUEST");
    expect(await live()(t.member).tokens.list({})).toEqual([]);
  });
});

describe("using a token", () => {
  it("lists and submits requests without a cookie or Origin, attributed to the token and its owner", async () => {
    const { secret, token } = await make(t.member, ["request"]);
    const submitted = await post("requests.create", requestInput(t.projectId), secret);
    expect(submitted.status).toBe(200);
    const { requestId } = (submitted.result?.data ?? {}) as { requestId: string };
    // the README's curl examples: a list with input, a query without any
    const listed = await get("requests.list", { page: 1 }, secret);
    expect(JSON.stringify(listed.result?.data)).toContain(requestId);
    expect((await get("catalog.projects", undefined, secret)).status).toBe(200);

    const [submittedEvent] = (await readStream(env.DB, streamIds.vmRequest(requestId))).events;
    expect(submittedEvent?.metadata).toMatchObject({
      actorKind: "token",
      actorId: t.member.userId,
      tokenId: token.tokenId,
    });
    const audit = await live()(t.admin).audit.list({ filter: { actorKind: "token" } });
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: "REQUEST_SUBMITTED",
        requestId,
        actor: { id: t.member.userId, kind: "token", name: t.member.name, tokenId: token.tokenId },
      }),
    ]);
  });

  it("notes the last use at most once a minute", async () => {
    const { secret, token } = await make(t.member, ["read"]);
    const lastUsed = () =>
      env.DB.prepare("SELECT last_used_at AS at FROM api_tokens WHERE id = ?")
        .bind(token.tokenId)
        .first<{ at: number | null }>();
    expect((await lastUsed())?.at).toBeNull();
    await get("requests.list", {}, secret);
    const first = (await lastUsed())?.at ?? 0;
    expect(first).toBeGreaterThan(0);
    await get("requests.list", {}, secret);
    expect((await lastUsed())?.at).toBe(first);
    // an hour-old use is renewed by the next one
    await env.DB.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
      .bind(first - 60 * LAST_USED_GRANULARITY_MS, token.tokenId)
      .run();
    await get("requests.list", {}, secret);
    expect((await lastUsed())?.at).toBeGreaterThanOrEqual(first);
    const listed = await live()(t.member).tokens.list({});
    expect(listed[0]?.lastUsedAt).not.toBeNull();
  });

  it("refuses unknown, malformed and expired tokens like no credentials", async () => {
    for (const secret of [`gpt_${"A".repeat(43)}`, "gpt_short", "gpt_"]) {
      const answer = await get("requests.list", {}, secret);
      expect(answer.status).toBe(401);
    }
    // made by a clock in the past: its one day is over by the Worker's time
    const old = await createApiToken(w.deps, {
      actor: t.member,
      token: { name: "old", scopes: ["read"], expiresInDays: 1 },
    });
    if (!old.ok) throw new Error("not created");
    expect(Date.parse(old.value.token.expiresAt)).toBeLessThan(Date.now());
    expect((await get("requests.list", {}, old.value.secret)).status).toBe(401);
  });
});

describe("scopes", () => {
  it("a read token cannot change anything", async () => {
    const { secret } = await make(t.member, ["read"]);
    expect((await get("requests.list", {}, secret)).status).toBe(200);
    const refused = await post("requests.create", requestInput(t.projectId), secret);
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toMatch(/"request" scope/);
    expect((await live()(t.member).requests.list({})).items).toEqual([]);
  });

  it("a request token cannot approve, even its admin owner's; an approve token can", async () => {
    const { requestId, version } = await live()(t.member).requests.create(requestInput(t.projectId));
    const requestOnly = await make(t.admin, ["request"]);
    const answer = await post(
      "approvals.approve",
      { requestId, expectedVersion: version },
      requestOnly.secret,
    );
    expect(answer.status).toBe(403);
    // listing the queue is part of approving
    expect((await get("approvals.pending", {}, requestOnly.secret)).status).toBe(403);

    const approver = await make(t.admin, ["approve"]);
    expect((await get("approvals.pending", {}, approver.secret)).status).toBe(200);
    // the approval itself goes on to the site's agents: the Worker's dispatcher may find none, which
    // is the saga's business; what matters here is who approved
    await post("approvals.approve", { requestId, expectedVersion: version }, approver.secret);
    const { events } = await readStream(env.DB, streamIds.vmRequest(requestId));
    expect(events.find((e) => e.event.type === "VmRequestApproved")?.metadata).toMatchObject({
      actorKind: "token",
      actorId: t.admin.userId,
      tokenId: approver.token.tokenId,
    });
  });

  it("admin procedures need the admin scope; tokens never manage tokens or sessions", async () => {
    const approver = await make(t.admin, ["approve"]);
    expect((await get("audit.list", {}, approver.secret)).status).toBe(403);
    const admin = await make(t.admin, ["admin"]);
    expect((await get("audit.list", {}, admin.secret)).status).toBe(200);
    const minted = await post(
      "tokens.create",
      { name: "x", scopes: ["read"], expiresInDays: 1 },
      admin.secret,
    );
    expect(minted.status).toBe(403);
    expect(minted.error?.message).toMatch(/signed-in person/);
    expect((await get("tokens.list", {}, admin.secret)).status).toBe(403);
    expect((await post("tokens.revoke", { tokenId: admin.token.tokenId }, admin.secret)).status).toBe(403);
    expect((await post("sessions.end", { userId: t.member.userId }, admin.secret)).status).toBe(403);
  });

  it("never exceed the owner's current role: a demoted owner's token loses admin at once", async () => {
    const { secret } = await make(t.admin, ["read", "admin"]);
    expect((await get("audit.list", {}, secret)).status).toBe(200);
    // what the settings area's "unmake admin" changes
    await env.DB.prepare("UPDATE users SET role = 'member' WHERE id = ?").bind(t.admin.userId).run();
    const refused = await get("audit.list", {}, secret);
    expect(refused.status).toBe(403);
    // reading what a member may read still works
    expect((await get("requests.list", {}, secret)).status).toBe(200);
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(t.admin.userId).run();
    expect((await get("audit.list", {}, secret)).status).toBe(200);
  });
});

describe("revoking", () => {
  it("by the owner stops the token at once and is recorded", async () => {
    const { secret, token } = await make(t.member, ["read"]);
    expect((await get("requests.list", {}, secret)).status).toBe(200);
    expect(await live()(t.member).tokens.revoke({ tokenId: token.tokenId })).toEqual({ revoked: true });
    expect((await get("requests.list", {}, secret)).status).toBe(401);
    // again: nothing changes, nothing more is recorded
    expect(await live()(t.member).tokens.revoke({ tokenId: token.tokenId })).toEqual({ revoked: false });
    const [listed] = await live()(t.member).tokens.list({});
    expect(listed?.revokedAt).not.toBeNull();
    const audit = await live()(t.admin).audit.list({ filter: { action: "API_TOKEN_REVOKED" } });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actor: { id: t.member.userId }, subject: { id: token.tokenId } });
  });

  it("by an admin works on anyone's token; another member's answers like a missing one", async () => {
    const { secret, token } = await make(t.member, ["read"]);
    expect(await codeOf(live()(t.otherMember).tokens.revoke({ tokenId: token.tokenId }))).toBe("NOT_FOUND");
    expect(await codeOf(live()(t.otherMember).tokens.revoke({ tokenId: "tok_missing" }))).toBe("NOT_FOUND");
    expect(await codeOf(live()(t.member).tokens.list({ everyone: true }))).toBe("FORBIDDEN");
    const everyone = await live()(t.admin).tokens.list({ everyone: true });
    expect(everyone.map((x) => x.tokenId)).toContain(token.tokenId);
    expect(await live()(t.admin).tokens.revoke({ tokenId: token.tokenId })).toEqual({ revoked: true });
    expect((await get("requests.list", {}, secret)).status).toBe(401);
    const audit = await live()(t.admin).audit.list({ filter: { action: "API_TOKEN_REVOKED" } });
    expect(audit.items[0]?.actor.id).toBe(t.admin.userId);
  });
});
