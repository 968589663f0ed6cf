import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_SUBSCRIBERS_PER_VIEWER } from "../src/request-progress/progress-sockets.ts";
import { subscriberUpgrade } from "../src/request-progress/subscriber.ts";
import { feedSubscriberUpgrade } from "../src/tenant-feed/feed-subscriber.ts";
import { MAX_FEED_SUBSCRIBERS_PER_PERSON } from "../src/tenant-feed/tenant-feed.ts";
import { feedStub, subscribeFeed, watchChanges } from "./feed-fixtures.ts";
import { progressStub, stageUpdate, subscribe, subscriber, uniqueId } from "./progress-fixtures.ts";
import { createTestTenant } from "./support/test-tenant.ts";

// Live streams are capped per person, below what the object takes in all, so one member opening stream
// after stream gets 429 while everybody else of the tenant keeps getting theirs.

describe("per-person caps on live streams", () => {
  it("the tenant feed refuses a person's stream beyond the cap with 429, and serves the others", async () => {
    const tenantId = `caps${crypto.randomUUID().slice(0, 8)}`;
    const mia = { tenantId, viewerId: "user-mia", seesAll: false, after: null };
    const open = [];
    for (let i = 0; i < MAX_FEED_SUBSCRIBERS_PER_PERSON; i++) open.push(await subscribeFeed(mia));
    const refused = await feedStub(tenantId).fetch(feedSubscriberUpgrade(mia));
    expect(refused.status).toBe(429);
    expect(refused.webSocket).toBeNull();
    // a colleague, and the admin, still get theirs
    const max = await subscribeFeed({ ...mia, viewerId: "user-max" });
    const ada = await subscribeFeed({ ...mia, viewerId: "user-ada", seesAll: true });
    expect((await max.next()).type).toBe("sync");
    expect((await ada.next()).type).toBe("sync");
    // a closed stream frees its place
    open[0]?.ws.close(1000, "tab closed");
    await expect
      .poll(async () => {
        const again = await feedStub(tenantId).fetch(feedSubscriberUpgrade(mia));
        again.webSocket?.accept();
        return again.status;
      })
      .toBe(101);
  });

  it("requests.changes says TOO_MANY_REQUESTS to the person over the cap", async () => {
    const t = await createTestTenant(env.DB);
    const streams = [];
    for (let i = 0; i < MAX_FEED_SUBSCRIBERS_PER_PERSON; i++) {
      const reader = await watchChanges(t.member);
      expect((await reader.next()).frame.type).toBe("sync");
      streams.push(reader);
    }
    const over = await watchChanges(t.member);
    expect(await over.error()).toMatchObject({
      message: expect.stringContaining("too many live updates open for you"),
      data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 },
    });
    const colleague = await watchChanges(t.otherMember);
    expect((await colleague.next()).frame.type).toBe("sync");
  });

  it("a request's progress refuses a viewer's socket beyond the cap with 429, not other viewers'", async () => {
    const requestId = uniqueId("req");
    await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), { tenantId: "tenant-a" });
    for (let i = 0; i < MAX_SUBSCRIBERS_PER_VIEWER; i++) await subscribe(subscriber(requestId));
    const refused = await progressStub(requestId).fetch(subscriberUpgrade(subscriber(requestId)));
    expect(refused.status).toBe(429);
    const admin = await subscribe(
      subscriber(requestId, { viewerId: "user-admin", seesTechnicalDetail: true }),
    );
    expect((await admin.next()).type).toBe("snapshot");
  });
});
