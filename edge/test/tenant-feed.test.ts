import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Principal } from "../src/auth/principal.ts";
import { FEED_BUFFER_CHANGES } from "../src/tenant-feed/feed-store.ts";
import { feedSubscriberUpgrade } from "../src/tenant-feed/feed-subscriber.ts";
import { change, feedStub, subscribeFeed, watchChanges, watchFromNow } from "./feed-fixtures.ts";

let tenants = 0;
const newTenant = () => `feed${Date.now().toString(36)}${(tenants++).toString(36)}`;
const viewer = (tenantId: string, seesAll = true) => ({
  tenantId,
  viewerId: seesAll ? "user-ada" : "user-mia",
  seesAll,
  after: null,
});
const person = (tenantId: string, role: Principal["role"]): Principal => ({
  userId: role === "admin" ? "user-ada" : "user-mia",
  tenantId,
  role,
  email: `${role}@${tenantId}.test`,
  name: role,
  via: "session",
});
const bufferedRows = (tenantId: string) =>
  runInDurableObject(
    feedStub(tenantId),
    (_instance, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM feed_entries").one().n,
  );

describe("TenantFeed publish", () => {
  it("pushes a change to admins and to its requester, and to nobody else", async () => {
    const tenantId = newTenant();
    const admin = await subscribeFeed(viewer(tenantId));
    const mia = await subscribeFeed(viewer(tenantId, false));
    const max = await subscribeFeed({ ...viewer(tenantId, false), viewerId: "user-max" });
    for (const s of [admin, mia, max]) expect((await s.next()).type).toBe("sync");
    const mine = change({ requesterId: "user-mia" });
    const theirs = change({ requesterId: "user-max" });
    await feedStub(tenantId).publish(mine, { tenantId });
    await feedStub(tenantId).publish(theirs, { tenantId });
    expect(await admin.next()).toMatchObject({ type: "change", seq: 1, change: mine });
    expect(await admin.next()).toMatchObject({ type: "change", seq: 2, change: theirs });
    expect(await mia.next()).toMatchObject({ type: "change", seq: 1, change: mine });
    expect(await max.next()).toMatchObject({ type: "change", seq: 2, change: theirs });
  });

  it("refuses a change that does not match its schema, and keeps serving", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    const leaky = { ...change(), justification: "not for the feed" };
    expect(await stub.publish(leaky, { tenantId })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CHANGE" },
    });
    // @ts-expect-error: deliberately not a status, as a newer Worker's unknown one would be
    const unknown = await stub.publish(change({ status: "ARCHIVED" }), { tenantId });
    expect(unknown).toMatchObject({ ok: false, error: { code: "INVALID_CHANGE" } });
    expect(await stub.publish(change(), { tenantId })).toEqual({
      ok: true,
      value: { seq: 1, applied: true },
    });
  });

  it("refuses a change for another tenant than the one it serves", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    const admin = await subscribeFeed(viewer(tenantId));
    await admin.next();
    const foreign = await stub.publish(change(), { tenantId: "someone-else" });
    expect(foreign).toMatchObject({ ok: false, error: { code: "WRONG_OBJECT" } });
    const own = change();
    await stub.publish(own, { tenantId });
    expect(await admin.next()).toMatchObject({ seq: 1, change: own });
  });

  it("drops a repeated or out-of-order notification of the same request", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    const approved = change({ status: "APPROVED", version: 2 });
    await stub.publish(approved, { tenantId });
    expect(await stub.publish(approved, { tenantId })).toEqual({
      ok: true,
      value: { seq: 1, applied: false },
    });
    const late = await stub.publish({ ...approved, status: "PENDING", version: 1 }, { tenantId });
    expect(late).toEqual({ ok: true, value: { seq: 1, applied: false } });
    expect(await bufferedRows(tenantId)).toBe(1);
  });

  it(`keeps at most ${FEED_BUFFER_CHANGES} changes, and a cursor older than that gets a sync frame`, async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    const admin = await subscribeFeed(viewer(tenantId));
    const sync = await admin.next();
    for (let i = 0; i < FEED_BUFFER_CHANGES + 5; i++) await stub.publish(change(), { tenantId });
    expect(await bufferedRows(tenantId)).toBe(FEED_BUFFER_CHANGES);

    const tooOld = await subscribeFeed({ ...viewer(tenantId), after: `${sync.epoch}.0` });
    expect(await tooOld.next()).toMatchObject({ type: "sync", seq: FEED_BUFFER_CHANGES + 5 });
    const covered = await subscribeFeed({ ...viewer(tenantId), after: `${sync.epoch}.5` });
    expect(await covered.next()).toMatchObject({ type: "change", seq: 6 });
  });
});

describe("TenantFeed site changes", () => {
  it("pushes a site change to admins only, and replays it to admins only", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    const admin = await subscribeFeed(viewer(tenantId));
    const mia = await subscribeFeed(viewer(tenantId, false));
    const sync = await admin.next();
    await mia.next();
    const site = { siteId: "site-lab", at: new Date().toISOString() };
    expect(await stub.publishSite(site, { tenantId })).toEqual({
      ok: true,
      value: { seq: 1, applied: true },
    });
    const own = change({ requesterId: "user-mia" });
    await stub.publish(own, { tenantId });
    expect(await admin.next()).toMatchObject({ type: "site", seq: 1, site });
    expect(await mia.next()).toMatchObject({ type: "change", seq: 2, change: own });

    const adminAgain = await subscribeFeed({ ...viewer(tenantId), after: `${sync.epoch}.0` });
    expect(await adminAgain.next()).toMatchObject({ type: "site", seq: 1 });
    const miaAgain = await subscribeFeed({ ...viewer(tenantId, false), after: `${sync.epoch}.0` });
    expect(await miaAgain.next()).toMatchObject({ type: "change", seq: 2 });
  });

  it("refuses a site change that does not match its schema, or names another tenant", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    await stub.publish(change(), { tenantId });
    const site = { siteId: "site-lab", at: new Date().toISOString() };
    expect(await stub.publishSite({ ...site, at: "yesterday" }, { tenantId })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CHANGE" },
    });
    expect(await stub.publishSite(site, { tenantId: "someone-else" })).toMatchObject({
      ok: false,
      error: { code: "WRONG_OBJECT" },
    });
  });
});

describe("TenantFeed subscribers", () => {
  it("closes a subscriber socket that sends anything, and never the object", async () => {
    const tenantId = newTenant();
    const [chatty, binary, huge, quiet] = await Promise.all(
      [1, 2, 3, 4].map(() => subscribeFeed(viewer(tenantId))),
    );
    if (!chatty || !binary || !huge || !quiet) throw new Error("expected four sockets");
    for (const s of [chatty, binary, huge, quiet]) await s.next();
    chatty.ws.send('{"type":"subscribe","tenantId":"someone-else"}');
    binary.ws.send(new Uint8Array([1, 2, 3]));
    huge.ws.send("x".repeat(64 * 1024));
    expect(await chatty.closed).toMatchObject({ code: 1008 });
    expect(await binary.closed).toMatchObject({ code: 1008 });
    expect(await huge.closed).toMatchObject({ code: 1009 });
    const next = change();
    await feedStub(tenantId).publish(next, { tenantId });
    expect(await quiet.next()).toMatchObject({ change: next });
  });

  it("answers pings without a frame of its own", async () => {
    const tenantId = newTenant();
    const admin = await subscribeFeed(viewer(tenantId));
    await admin.next();
    const pong = new Promise<unknown>((resolve) => {
      admin.ws.addEventListener("message", (event) => resolve(event.data), { once: true });
    });
    admin.ws.send("ping");
    expect(await pong).toBe("pong");
  });

  it("refuses upgrades without a valid subscriber, and subscribers of another tenant", async () => {
    const tenantId = newTenant();
    const stub = feedStub(tenantId);
    await stub.publish(change(), { tenantId });
    expect((await stub.fetch("https://tenant-feed.internal/connect")).status).toBe(426);
    const bare = new Request("https://tenant-feed.internal/connect", { headers: { Upgrade: "websocket" } });
    expect((await stub.fetch(bare)).status).toBe(400);
    const forged = feedSubscriberUpgrade({ ...viewer(tenantId), tenantId: "someone-else" });
    expect((await stub.fetch(forged)).status).toBe(404);
  });
});

describe("TenantFeed eviction", () => {
  it("keeps hibernated subscribers and pushes the next change to them after eviction", async () => {
    const tenantId = newTenant();
    const { reader } = await watchFromNow(person(tenantId, "admin"));
    await evictDurableObject(feedStub(tenantId), { webSockets: "hibernate" });
    const next = change();
    await feedStub(tenantId).publish(next, { tenantId });
    expect(await reader.nextChange()).toMatchObject({ requestId: next.requestId, version: next.version });
    await reader.cancel();
  });

  it("asks the client to resume when the object drops its sockets, and the resume misses nothing", async () => {
    const tenantId = newTenant();
    const admin = person(tenantId, "admin");
    const { reader, id } = await watchFromNow(admin);
    await evictDurableObject(feedStub(tenantId), { webSockets: "close" });
    // SERVICE_UNAVAILABLE is one of the codes httpSubscriptionLink retries with the last event id
    expect(await reader.error()).toMatchObject({ data: { code: "SERVICE_UNAVAILABLE" } });
    const missed = change();
    await feedStub(tenantId).publish(missed, { tenantId });
    const resumed = await watchChanges(admin, { lastEventId: id });
    expect(await resumed.nextChange()).toMatchObject({
      requestId: missed.requestId,
      id: `${id.split(".")[0]}.1`,
    });
    await resumed.cancel();
  });

  it("loses nothing but the buffer when its storage is gone: a resume gets sync, then live changes", async () => {
    const tenantId = newTenant();
    const admin = person(tenantId, "admin");
    const { reader, id } = await watchFromNow(admin);
    await feedStub(tenantId).publish(change(), { tenantId });
    await reader.nextChange();
    await reader.cancel();
    await runInDurableObject(feedStub(tenantId), (_instance, state) => state.storage.deleteAll());
    await evictDurableObject(feedStub(tenantId), { webSockets: "close" });

    const resumed = await watchChanges(admin, { lastEventId: id });
    const { frame } = await resumed.next();
    expect(frame).toMatchObject({ type: "sync", seq: 0 });
    expect(frame.epoch).not.toBe(id.split(".")[0]);
    const next = change();
    await feedStub(tenantId).publish(next, { tenantId });
    expect(await resumed.nextChange()).toMatchObject({ requestId: next.requestId });
    await resumed.cancel();
  });
});
