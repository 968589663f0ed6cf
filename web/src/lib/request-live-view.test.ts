import type { RequestDetail } from "@gantry/shared/api/requests";
import { describe, expect, it } from "vitest";
import { emptyProgressState, type LiveProgress } from "./progress-state.ts";
import { liveViewOf } from "./request-live-view.ts";

const detail = (
  status: RequestDetail["request"]["status"],
  extra: Partial<RequestDetail["request"]> = {},
): RequestDetail => ({
  request: {
    requestId: "req-1",
    version: 3,
    status,
    projectId: "proj-acme-web",
    projectName: "Web",
    name: "web-01",
    network: { path: "/DC0/network/VM Network", siteDefault: true },
    size: "M",
    spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
    requester: { id: "user-alice", name: "Alice Member", email: "alice@acme.test" },
    createdAt: "2026-11-22T10:00:00Z",
    updatedAt: "2026-11-22T10:00:00Z",
    stage: null,
    vm: null,
    failure: null,
    justification: "For load tests of the shop.",
    decision: null,
    ...extra,
  },
  timeline: [],
  approvals: null,
  stages: [],
  etaMs: null,
  access: { dnsDomain: null, loginUser: null },
});

const live = (state: Partial<LiveProgress["state"]>, clockOffsetMs = 0): LiveProgress => ({
  epoch: "ep0001",
  seq: 1,
  requestId: "req-1",
  clockOffsetMs,
  state: { ...emptyProgressState(), ...state },
});

const now = new Date("2026-11-22T10:01:00Z");

const succeeded = {
  at: "2026-11-22T10:05:00Z",
  outcome: {
    status: "succeeded" as const,
    vm: { vmwareId: "vm-9", vmName: "web-web-01", hostname: "web-01", ipAddress: "10.0.0.9" },
    warning: null,
  },
};

describe("liveViewOf", () => {
  it("says what a pending request waits for", () => {
    expect(liveViewOf(detail("PENDING"), null, { now }).statusLine).toBe("Waiting for an admin to approve.");
  });

  it("says an approved request waits for the agent until a stage starts", () => {
    expect(liveViewOf(detail("APPROVED"), null, { now }).statusLine).toBe(
      "Approved. Waiting for the site's agent to start.",
    );
  });

  it("says why an approved request has not started when the site's hub knows", () => {
    const reason = "no agent connected for site Acme lab since 10:04 UTC";
    expect(
      liveViewOf(detail("APPROVED"), null, { now, waitReason: { reason, stopping: false } }).statusLine,
    ).toBe(
      "Approved, not started yet: no agent connected for site Acme lab since 10:04 UTC. Your admins can see this too.",
    );
    // once a stage runs, the hub's old reason no longer applies
    const running = liveViewOf(
      detail("PROVISIONING"),
      live({
        currentStage: "CLONING",
        stages: [{ stage: "CLONING", startedAt: "2026-11-22T10:00:30Z", endedAt: null }],
      }),
      { now, waitReason: { reason, stopping: false } },
    );
    expect(running.statusLine).not.toContain(reason);
  });

  it("says why a running request is being stopped when the site's hub stops it", () => {
    const reason = "it took longer than site Acme lab allows (180 min); its agent is removing what it built";
    const stopping = liveViewOf(
      detail("PROVISIONING"),
      live({
        currentStage: "CLONING",
        stages: [{ stage: "CLONING", startedAt: "2026-11-22T10:00:30Z", endedAt: null }],
      }),
      { now, waitReason: { reason, stopping: true } },
    );
    expect(stopping.statusLine).toBe(`Stopping: ${reason}. Your admins can see this too.`);
  });

  it("counts down to the edge's ETA while running", () => {
    const view = liveViewOf(
      detail("PROVISIONING"),
      live({
        currentStage: "CLONING",
        stages: [{ stage: "CLONING", startedAt: "2026-11-22T10:00:30Z", endedAt: null }],
        eta: { expectedTotalMs: 90_000, finishAt: "2026-11-22T10:02:20Z", runs: 4 },
      }),
      { now },
    );
    expect(view.statusLine).toBe("About 1 min 20 s left");
    expect(view.steps[1]?.state).toBe("current");
  });

  it("shows the longer-than-usual flag only while the run is going", () => {
    expect(
      liveViewOf(detail("PROVISIONING"), live({ currentStage: "CLONING", tooLong: true }), { now }).tooLong,
    ).toBe(true);
    const finished = live({
      tooLong: true,
      terminal: succeeded,
    });
    const view = liveViewOf(detail("PROVISIONING"), finished, { now });
    expect(view.tooLong).toBe(false);
    expect(view.vm).toEqual({
      vmwareId: "vm-9",
      vmName: "web-web-01",
      hostname: "web-01",
      ipAddress: "10.0.0.9",
      warning: null,
      // the stream does not know the lease: the summary read after READY does
      expiresAt: null,
    });
    expect(view.steps.every((s) => s.state === "done")).toBe(true);
  });

  it("tells a failure from the stream with what happens next", () => {
    const view = liveViewOf(
      detail("PROVISIONING"),
      live({
        currentStage: "POWERING_ON",
        terminal: {
          at: "2026-11-22T10:05:00Z",
          outcome: {
            status: "failed",
            code: "VCENTER_UNREACHABLE",
            userMessage: "vCenter could not be reached.",
            retriable: true,
            cleanupFailed: true,
            technicalDetail: "connect ECONNREFUSED",
          },
        },
      }),
      { now },
    );
    expect(view.failure).toEqual({
      message: "vCenter could not be reached.",
      retriable: true,
      cleanupFailed: true,
      technicalDetail: "connect ECONNREFUSED",
    });
    expect(view.statusLine).toBeNull();
    expect(view.announcement).toBe("Provisioning failed during powering on.");
  });

  it("tells the requester theirs is ready, and anyone else whose VM it is", () => {
    const ready = detail("READY");
    expect(liveViewOf(ready, null, { now, viewerId: "user-alice" }).statusLine).toBe("Your VM is ready.");
    expect(liveViewOf(ready, null, { now, viewerId: "user-adam" }).announcement).toBe(
      "Alice Member's VM is ready.",
    );
  });

  it("runs the status ahead of the loaded summary as soon as the stream knows more", () => {
    const started = live({ currentStage: "CLONING", stages: [] });
    expect(liveViewOf(detail("APPROVED"), started, { now }).status).toBe("PROVISIONING");
    const done = live({
      terminal: succeeded,
    });
    expect(liveViewOf(detail("PROVISIONING"), done, { now }).status).toBe("READY");
    expect(liveViewOf(detail("APPROVED"), null, { now }).status).toBe("APPROVED");
  });

  it("falls back to the summary's failure and VM when there is no stream", () => {
    const failed = liveViewOf(
      detail("FAILED", { failure: { code: "VCENTER_BUSY", userMessage: "vCenter was too busy." } }),
      null,
      { now },
    );
    expect(failed.failure?.retriable).toBe(true);
    const ready = liveViewOf(
      detail("READY", {
        vm: {
          vmwareId: "vm-1",
          vmName: "web-web-01",
          hostname: "web-01",
          ipAddress: "10.0.0.5",
          warning: null,
          expiresAt: null,
        },
      }),
      null,
      { now },
    );
    expect(ready.vm?.ipAddress).toBe("10.0.0.5");
    expect(ready.statusLine).toBe("Alice Member's VM is ready.");
    expect(ready.status).toBe("READY");
  });
});
