import type { ChangeFrame } from "@gantry/shared/protocol/change-feed";
import { describe, expect, it } from "vitest";
import type { HubAgentStatus, HubJobStatus } from "../src/agent-hub/hub-status.ts";
import { visibleState } from "../src/agent-hub/site-announcer.ts";
import { enrolledAgent, freshSite, helloAgent, hubOf, testJob } from "./agent-support.ts";
import { change, type FeedSocket, feedStub, subscribeFeed } from "./feed-fixtures.ts";

// agent-support enrolls every agent for this tenant
const tenantId = "tenant-a";
const admin = { tenantId, viewerId: "user-ada", seesAll: true, after: null };

/** The next frame about `siteId`, skipping what other tests' hubs announced in the meantime. */
async function nextAbout(socket: FeedSocket, siteId: string): Promise<ChangeFrame> {
  for (;;) {
    const frame = await socket.next();
    if (frame.type !== "site" || frame.site.siteId === siteId) return frame;
  }
}

describe("AgentHub announcements", () => {
  it("tells the tenant's admins when an agent connects and when it disconnects", async () => {
    const siteId = freshSite("announce");
    const feed = await subscribeFeed(admin);
    await feed.next();
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    expect(await nextAbout(feed, siteId)).toMatchObject({ type: "site", site: { siteId } });
    agent.ws.close(1000, "bye");
    expect(await nextAbout(feed, siteId)).toMatchObject({ type: "site", site: { siteId } });
  });

  it("tells them when a job is queued, offered and taken", async () => {
    const siteId = freshSite("announce-job");
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    const feed = await subscribeFeed(admin);
    await feed.next();
    await hubOf(siteId).enqueueJob({ tenantId, siteId, job: testJob(`job-${siteId}`) });
    // queued and offered in one dispatch: one announcement
    expect(await nextAbout(feed, siteId)).toMatchObject({ type: "site", site: { siteId } });
    await agent.next("job.offer");
    agent.send({ type: "job.accept", jobId: `job-${siteId}` });
    await agent.next("job.granted");
    expect(await nextAbout(feed, siteId)).toMatchObject({ type: "site", site: { siteId } });
  });

  it("never tells a member", async () => {
    const siteId = freshSite("announce-member");
    const member = await subscribeFeed({ ...admin, viewerId: "user-mia", seesAll: false });
    await member.next();
    const { credential } = await enrolledAgent(siteId);
    await helloAgent(credential);
    const own = change({ requesterId: "user-mia" });
    await feedStub(tenantId).publish(own, { tenantId });
    // the member's next frame is their own change: the hub's announcement before it never reached them
    expect(await member.next()).toMatchObject({ type: "change", change: own });
  });
});

describe("visibleState", () => {
  const agent: HubAgentStatus = {
    agentId: "agent-1",
    name: "agent-1",
    version: "1.0.0",
    connected: true,
    lastSeenAt: "2026-11-22T10:00:00.000Z",
    capacity: 2,
    draining: false,
    jobsInFlight: 1,
    duplicateConnection: null,
  };
  const job: HubJobStatus = {
    jobId: "job-1",
    requestId: "req-1",
    state: "leased",
    agentId: "agent-1",
    epoch: 1,
    attempt: 1,
    lastSeq: 3,
    stages: ["CLONING"],
    stagesReached: [],
    outcome: null,
    leaseExpiresAt: "2026-11-22T10:01:30.000Z",
    waiting: null,
  };

  it("ignores what moves with every heartbeat: last seen, lease expiry, frame seq", () => {
    const later = visibleState({
      agents: [{ ...agent, lastSeenAt: "2026-11-22T10:00:30.000Z" }],
      jobs: [{ ...job, leaseExpiresAt: "2026-11-22T10:02:00.000Z", lastSeq: 4 }],
    });
    expect(later).toBe(visibleState({ agents: [agent], jobs: [job] }));
  });

  it("changes when an agent disconnects or a job changes state", () => {
    const before = visibleState({ agents: [agent], jobs: [job] });
    expect(visibleState({ agents: [{ ...agent, connected: false }], jobs: [job] })).not.toBe(before);
    expect(visibleState({ agents: [agent], jobs: [{ ...job, state: "queued", agentId: null }] })).not.toBe(
      before,
    );
  });
});
