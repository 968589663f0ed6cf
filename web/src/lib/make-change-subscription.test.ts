import type { ChangeFrame, RequestChange } from "@gantry/shared/protocol/change-feed";
import { describe, expect, it } from "vitest";
import { fakeStreams } from "../test-support/fake-streams.ts";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { type FeedConnection, makeChangeSubscription } from "./make-change-subscription.ts";

function harness(options: { isFatal?: (error: unknown) => boolean } = {}) {
  const fakes = fakeStreams<{ lastEventId: string | null }>();
  const clock = fakeTimers();
  const states: FeedConnection[] = [];
  const changes: RequestChange[] = [];
  const sites: string[] = [];
  const vms: string[] = [];
  let syncs = 0;
  const keeper = makeChangeSubscription({
    subscribe: fakes.subscribe,
    isFatal: options.isFatal ?? ((error) => error === "UNAUTHORIZED"),
    onChange: (c) => changes.push(c),
    onSite: (s) => sites.push(s.siteId),
    onVm: (vm) => vms.push(`${vm.vmId}@${vm.version}`),
    onSync: () => {
      syncs += 1;
    },
    onConnection: (s) => states.push(s),
    random: () => 0.5,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const send = (frame: ChangeFrame) =>
    fakes.last().handlers.onData({ id: `${frame.epoch}.${frame.seq}`, data: frame });
  return {
    keeper,
    subs: fakes.streams,
    timers: clock.timers,
    states,
    changes,
    sites,
    vms,
    syncs: () => syncs,
    advance: clock.advance,
    last: fakes.last,
    send,
    runRetry: () => clock.runNext(),
  };
}

const change: RequestChange = {
  requestId: "req_1",
  requesterId: "user-mia",
  status: "APPROVED",
  version: 2,
  at: "2026-11-22T10:00:00.000Z",
};
const sync = (seq: number, epoch = "ep0001"): ChangeFrame => ({ v: 1, epoch, seq, type: "sync" });
const changed = (seq: number): ChangeFrame => ({ v: 1, epoch: "ep0001", seq, type: "change", change });

describe("makeChangeSubscription", () => {
  it("subscribes without a cursor, refetches once on the first sync, and hands on changes", () => {
    const h = harness();
    expect(h.last().input).toEqual({ lastEventId: null });
    h.send(sync(4));
    h.send(changed(5));
    expect(h.changes).toEqual([change]);
    expect(h.syncs()).toBe(1);
    expect(h.states).toEqual(["connecting", "live", "live"]);
  });

  it("resumes from the last event id after an error, with a full-jitter delay", () => {
    const h = harness();
    h.send(sync(4));
    h.send(changed(5));
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.states.at(-1)).toBe("reconnecting");
    expect(h.timers[0]?.ms).toBe(1000);
    h.runRetry();
    expect(h.last().input.lastEventId).toBe("ep0001.5");
  });

  it("hands on site changes, which only admins receive", () => {
    const h = harness();
    h.send(sync(4));
    h.send({ v: 1, epoch: "ep0001", seq: 5, type: "site", site: { siteId: "site-1", at: change.at } });
    expect(h.sites).toEqual(["site-1"]);
    expect(h.changes).toHaveLength(0);
  });

  it("hands on VM changes (an action's step, its end, drift) with the cursor moved past them", () => {
    const h = harness();
    h.send(sync(4));
    const vm = { vmId: "req_1", ownerId: "user-mia", status: "READY" as const, version: 7, at: change.at };
    h.send({ v: 2, epoch: "ep0001", seq: 5, type: "vm", vm });
    expect(h.vms).toEqual(["req_1@7"]);
    expect(h.changes).toEqual([]);
    h.last().handlers.onError("network");
    h.runRetry();
    expect(h.last().input).toEqual({ lastEventId: "ep0001.5" });
  });

  it("refetches once more when a resume starts over with sync, and not when it replays exactly", () => {
    const h = harness();
    h.send(sync(4));
    h.last().handlers.onComplete();
    h.runRetry();
    h.send(changed(5));
    expect(h.syncs()).toBe(1);
    h.last().handlers.onComplete();
    h.runRetry();
    h.send(sync(0, "ep0002"));
    expect(h.syncs()).toBe(2);
    h.send({ ...changed(1), epoch: "ep0002" });
    expect(h.syncs()).toBe(2);
  });

  it("takes over when the link loses an open stream, instead of letting it reconnect without jitter", () => {
    const h = harness();
    h.last().handlers.onConnectionStateChange("connecting");
    expect(h.timers).toHaveLength(0);
    h.last().handlers.onConnectionStateChange("pending");
    h.send(sync(4));
    h.last().handlers.onConnectionStateChange("connecting");
    expect(h.subs[0]?.unsubscribed).toBe(true);
    h.runRetry();
    expect(h.last().input.lastEventId).toBe("ep0001.4");
  });

  it("backs off further on repeated failures, and starts over after a healthy stream", () => {
    const h = harness();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.runRetry();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.runRetry();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000, 4000]);
    h.runRetry();
    h.send(sync(1));
    h.advance(60_000);
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers.at(-1)?.ms).toBe(1000);
  });

  it("stops for good on a fatal error", () => {
    const h = harness();
    h.last().handlers.onError("UNAUTHORIZED");
    expect(h.states.at(-1)).toBe("stopped");
    expect(h.timers).toHaveLength(0);
    expect(h.last().unsubscribed).toBe(true);
  });

  it("skips frames that do not parse and keeps its cursor", () => {
    const h = harness();
    h.send(sync(4));
    h.last().handlers.onData({ id: "ep0001.5", data: { v: 2, epoch: "ep0001", seq: 5, type: "mystery" } });
    h.last().handlers.onData("garbage");
    h.last().handlers.onData({
      id: "ep0001.6",
      data: { ...changed(6), change: { ...change, status: "DONE" } },
    });
    expect(h.changes).toHaveLength(0);
    h.last().handlers.onComplete();
    h.runRetry();
    expect(h.last().input.lastEventId).toBe("ep0001.4");
  });

  it("ignores callbacks from a subscription it already replaced", () => {
    const h = harness();
    const first = h.last();
    first.handlers.onError("SERVICE_UNAVAILABLE");
    h.runRetry();
    first.handlers.onData({ id: "ep0001.9", data: changed(9) });
    first.handlers.onComplete();
    expect(h.changes).toHaveLength(0);
    expect(h.timers.filter((t) => !t.cleared)).toHaveLength(0);
  });

  it("unsubscribes and cancels the retry on close()", () => {
    const h = harness();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.keeper.close();
    expect(h.timers.every((t) => t.cleared)).toBe(true);
    expect(h.subs.every((s) => s.unsubscribed)).toBe(true);
  });
});
