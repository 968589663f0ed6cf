import type { RequestChange } from "@gantry/shared/protocol/change-feed";
import { describe, expect, it } from "vitest";
import { refreshFor } from "./change-refresh.ts";

const change = (overrides: Partial<RequestChange> = {}): RequestChange => ({
  requestId: "req_1",
  requesterId: "user-mia",
  status: "APPROVED",
  version: 2,
  at: "2026-11-22T10:00:00.000Z",
  ...overrides,
});
const mia = { userId: "user-mia", role: "member" as const };
const ada = { userId: "user-ada", role: "admin" as const };

describe("refreshFor", () => {
  it("refreshes a member's list and the request when their own request changes", () => {
    expect(refreshFor(change(), mia)).toEqual({
      requestId: "req_1",
      myRequests: true,
      approvals: false,
      leftovers: false,
    });
  });

  it("refreshes an admin's list of VMs left in vCenter when a request fails, and only then", () => {
    expect(refreshFor(change({ status: "FAILED" }), ada).leftovers).toBe(true);
    expect(refreshFor(change({ status: "READY" }), ada).leftovers).toBe(false);
    expect(refreshFor(change({ status: "FAILED" }), mia).leftovers).toBe(false);
  });

  it("leaves an admin's own list alone when someone else's request changes", () => {
    expect(refreshFor(change(), ada).myRequests).toBe(false);
  });

  it.each(["PENDING", "APPROVED", "REJECTED", "CANCELLED"] as const)(
    "refreshes an admin's queue when a request turns %s",
    (status) => {
      expect(refreshFor(change({ status }), ada).approvals).toBe(true);
    },
  );

  it.each(["PROVISIONING", "READY", "FAILED"] as const)(
    "leaves the queue alone when a request turns %s, long after it left the queue",
    (status) => {
      expect(refreshFor(change({ status }), ada).approvals).toBe(false);
    },
  );

  it("never refreshes a member's queue, which they cannot read", () => {
    expect(refreshFor(change({ status: "PENDING" }), mia).approvals).toBe(false);
  });
});
