import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  countUnread,
  INBOX_WINDOW,
  inboxEntryId,
  insertInboxEntry,
  listInbox,
  markRead,
  type NewInboxEntry,
} from "../src/notifications/inbox.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

const entry = (recipientId: string, i: number): NewInboxEntry => {
  const sourceKey = `event-${recipientId}-${i}`;
  return {
    id: inboxEntryId({ sourceKey, kind: "vm.ready", recipientId }),
    tenantId: t.tenantId,
    recipientId,
    kind: "vm.ready",
    sourceKey,
    title: `VM ${i} is ready`,
    body: "",
    link: null,
    // one a second, in order: the newest has the highest i
    createdAt: new Date(Date.UTC(2026, 2, 2, 10) + i * 1000).toISOString(),
  };
};

describe("the inbox's rows", () => {
  it("writes one row per notification and one per read, and writes nothing for a notification written again", async () => {
    const reader = { tenantId: t.tenantId, userId: `rows-${crypto.randomUUID()}` };
    const db = new MeteredD1(env.DB);
    await db.batch([insertInboxEntry(db, entry(reader.userId, 1))]);
    expect(db.rowsWritten).toBe(1);
    await db.batch([insertInboxEntry(db, entry(reader.userId, 1))]);
    expect(db.rowsWritten).toBe(1);
    expect(await countUnread(db, reader)).toBe(1);
    const [item] = await listInbox(db, reader, { unreadOnly: true, limit: 10 });
    expect(await markRead(db, reader, { ids: [item?.id ?? ""], at: "2026-03-02T11:00:00.000Z" })).toBe(1);
    expect(db.rowsWritten).toBe(2);
    expect(await countUnread(db, reader)).toBe(0);
  });

  it("counts and lists the unread among the newest notifications only, however many older ones wait", async () => {
    const reader = { tenantId: t.tenantId, userId: `window-${crypto.randomUUID()}` };
    const all = Array.from({ length: INBOX_WINDOW + 5 }, (_, i) => entry(reader.userId, i));
    for (let i = 0; i < all.length; i += 100) {
      await env.DB.batch(all.slice(i, i + 100).map((e) => insertInboxEntry(env.DB, e)));
    }
    const newestIds = all.slice(-3).map((e) => e.id);
    expect(await countUnread(env.DB, reader)).toBe(INBOX_WINDOW);
    // two of the newest read: the count drops by two, and the unread view starts after them
    await markRead(env.DB, reader, { ids: newestIds.slice(1), at: "2026-03-02T12:00:00.000Z" });
    expect(await countUnread(env.DB, reader)).toBe(INBOX_WINDOW - 2);
    const unread = await listInbox(env.DB, reader, { unreadOnly: true, limit: 2 });
    expect(unread.map((i) => i.id)).toEqual([newestIds[0], all.at(-4)?.id]);
    // the five oldest are beyond the window: not in the unread view, still in the full one
    const unreadAll = await listInbox(env.DB, reader, { unreadOnly: true, limit: INBOX_WINDOW + 5 });
    expect(unreadAll).toHaveLength(INBOX_WINDOW - 2);
    expect(unreadAll.some((i) => i.id === all[4]?.id)).toBe(false);
    const full = await listInbox(env.DB, reader, { unreadOnly: false, limit: INBOX_WINDOW + 5 });
    expect(full.at(-1)?.id).toBe(all[0]?.id);
    // mark all read reaches the old ones too
    expect(await markRead(env.DB, reader, { ids: "all", at: "2026-03-02T12:00:01.000Z" })).toBe(
      INBOX_WINDOW + 3,
    );
  });
});
