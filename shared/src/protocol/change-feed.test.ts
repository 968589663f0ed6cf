import { describe, expect, it } from "vitest";
import {
  CHANGE_FEED_PROTOCOL_VERSION,
  type ChangeFrame,
  formatFeedCursor,
  parseChangeFrame,
  parseFeedCursor,
} from "./change-feed.ts";

const v = CHANGE_FEED_PROTOCOL_VERSION;
const change = {
  requestId: "req_0123abcd",
  requesterId: "user-alice",
  status: "APPROVED" as const,
  version: 2,
  at: "2026-11-22T10:04:00.000Z",
};
const frames: ChangeFrame[] = [
  { v, epoch: "abc123def", seq: 0, type: "sync" },
  { v, epoch: "abc123def", seq: 7, type: "change", change },
  { v, epoch: "abc123def", seq: 8, type: "site", site: { siteId: "site-acme-vcsim", at: change.at } },
  {
    v,
    epoch: "abc123def",
    seq: 9,
    type: "vm",
    vm: { vmId: "req_0123abcd", ownerId: "user-alice", status: "READY", version: 7, at: change.at },
  },
];

describe("ChangeFrame", () => {
  it.each(frames.map((f) => [f.type, f] as const))("round-trips a %s frame through JSON", (_type, frame) => {
    expect(parseChangeFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it("rejects an unknown frame type", () => {
    const parsed = parseChangeFrame(JSON.stringify({ v, epoch: "abc123def", seq: 1, type: "gossip" }));
    expect(parsed.ok).toBe(false);
  });

  it("rejects a change that carries more than the summary's coordinates", () => {
    const leaky = { ...change, justification: "internal project codename" };
    const parsed = parseChangeFrame(
      JSON.stringify({ v, epoch: "abc123def", seq: 1, type: "change", change: leaky }),
    );
    expect(parsed.ok).toBe(false);
  });

  it("rejects an unknown status", () => {
    const parsed = parseChangeFrame(
      JSON.stringify({
        v,
        epoch: "abc123def",
        seq: 1,
        type: "change",
        change: { ...change, status: "DONE" },
      }),
    );
    expect(parsed.ok).toBe(false);
  });

  it("rejects text that is not JSON", () => {
    expect(parseChangeFrame("{")).toEqual({
      ok: false,
      error: { code: "MALFORMED_FRAME", message: "frame is not JSON" },
    });
  });
});

describe("feed cursor", () => {
  it("round-trips epoch and seq", () => {
    const cursor = { epoch: "k3j2h1g0", seq: 41 };
    expect(parseFeedCursor(formatFeedCursor(cursor))).toEqual(cursor);
  });

  it.each([null, undefined, "", "41", "abc.41", "k3j2h1g0.", "k3j2h1g0.-1", "K3J2H1G0.4"])(
    "reads %j as no cursor",
    (raw) => {
      expect(parseFeedCursor(raw)).toBeNull();
    },
  );
});
