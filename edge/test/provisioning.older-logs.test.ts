import { env } from "cloudflare:workers";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import { beforeAll, describe, expect, it } from "vitest";
import { type CommandContext, toNewEvents } from "../src/commands/command-context.ts";
import { loadVmRequest } from "../src/commands/load-aggregates.ts";
import { stopProvisioning } from "../src/commands/stop-provisioning.ts";
import { notifierDeps } from "../src/deps.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { failure } from "./support/job-updates.ts";
import { notifierFromHead } from "./support/notifier-position.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

/**
 * Logs written before the request stopped mirroring its VM's start and outcome: VmRequestProvisioningStarted,
 * VmRequestReady and VmRequestFailed on the request's stream, beside the VM's own events. Every reader
 * must make of them what it makes of the VM's events alone, and a request must be told its outcome once.
 */

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  await notifierFromHead(env.DB);
});

async function approved(w: TestWorkflow, name: string) {
  const submitted = await callerFor(t.member, w).requests.create(requestInput(t.projectId, { name }));
  await callerFor(t.admin, w).approvals.approve({
    requestId: submitted.requestId,
    expectedVersion: submitted.version,
  });
  await w.settle();
  return submitted.requestId;
}

/** Appends what the agent's reports wrote then: the VM's events and their mirrors, in one commit each. */
async function commitOlderForm(
  w: TestWorkflow,
  requestId: string,
  steps: { vm: DomainEvent[]; request: DomainEvent[] }[],
) {
  let vmVersion = 0;
  let requestVersion = 2;
  for (const [i, step] of steps.entries()) {
    const ctx: CommandContext = {
      tenantId: t.tenantId,
      actor: { kind: "agent", id: "agent-older" },
      correlationId: requestId,
      causationId: null,
      occurredAt: new Date(Date.UTC(2026, 2, 2, 10, 0, i)).toISOString(),
      eventId: (index) => `${requestId}-older-${i}#${index}`,
    };
    const committed = await w.deps.store.commit({
      appends: [
        { streamId: streamIds.vm(requestId), expectedVersion: vmVersion, events: toNewEvents(step.vm, ctx) },
        {
          streamId: streamIds.vmRequest(requestId),
          expectedVersion: requestVersion,
          events: toNewEvents(step.request, ctx, step.vm.length),
        },
      ],
    });
    if (!committed.ok) throw new Error(JSON.stringify(committed.error));
    vmVersion += step.vm.length;
    requestVersion += step.request.length;
  }
}

async function inbox(kind: string, link: string) {
  const { results } = await env.DB.prepare(
    "SELECT recipient_id, body FROM notifications WHERE tenant_id = ? AND kind = ? AND link = ?",
  )
    .bind(t.tenantId, kind, link)
    .all<{ recipient_id: string; body: string }>();
  return results;
}

describe("a log that mirrors the VM's start and outcome on the request's stream", () => {
  it("reads READY once: the request, its row, its VM page and one notification", async () => {
    const w = testWorkflow();
    const requestId = await approved(w, "older-ready");
    const ref = { requestId, vmId: requestId, jobId: `job-${requestId}` };
    const vm = {
      vmwareId: "vm-older-1",
      vmName: "web-older-ready",
      hostname: "older-ready",
      ipAddress: "10.0.0.9",
      warning: null,
    };
    // the job id the approval recorded: the mirror names the same one
    const loaded = await loadVmRequest(env.DB, requestId);
    if (loaded.state.status !== "APPROVED" || !loaded.state.jobId) throw new Error("not approved");
    ref.jobId = loaded.state.jobId;
    await commitOlderForm(w, requestId, [
      {
        vm: [{ type: "VmProvisioningStarted", data: { ...ref, stage: "CLONING" } }],
        request: [{ type: "VmRequestProvisioningStarted", data: ref }],
      },
      {
        vm: [{ type: "VmProvisioned", data: { vmId: requestId, ...vm, stageDurations: [] } }],
        request: [{ type: "VmRequestReady", data: { requestId, vmId: requestId, ...vm } }],
      },
    ]);
    await runNotifier(notifierDeps(env));

    expect((await loadVmRequest(env.DB, requestId)).state.status).toBe("READY");
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "READY",
      vm: { vmwareId: "vm-older-1", ipAddress: "10.0.0.9" },
    });
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "SUBMITTED",
      "APPROVED",
      "PROVISIONING_STARTED",
      "STAGE_REACHED",
      "VM_READY",
    ]);
    expect((await callerFor(t.member, w).vms.get({ vmId: requestId })).vm.status).toBe("READY");
    expect(await inbox("vm.ready", `/vms/${requestId}`)).toEqual([
      expect.objectContaining({ recipient_id: t.member.userId }),
    ]);
    // a stop after the outcome is refused, as on a log of the VM's events alone
    const stopJob = async () => {
      throw new Error("a finished request's job is not stopped");
    };
    const stop = await stopProvisioning(w.deps, stopJob, { principal: t.admin, requestId, reason: "late" });
    expect(stop).toMatchObject({ ok: false, error: { code: "REQUEST_NOT_STOPPABLE" } });
  });

  it("reads FAILED once: the plain reason on the row, the name given back, one notification", async () => {
    const w = testWorkflow();
    const requestId = await approved(w, "older-failed");
    const loaded = await loadVmRequest(env.DB, requestId);
    if (loaded.state.status !== "APPROVED" || !loaded.state.jobId) throw new Error("not approved");
    const ref = { requestId, vmId: requestId, jobId: loaded.state.jobId };
    const failed = { ...failure, userMessage: "The datacenter is out of capacity." };
    await commitOlderForm(w, requestId, [
      {
        vm: [{ type: "VmProvisioningStarted", data: { ...ref, stage: "CLONING" } }],
        request: [{ type: "VmRequestProvisioningStarted", data: ref }],
      },
      {
        vm: [{ type: "VmProvisioningFailed", data: { vmId: requestId, stage: "CLONING", failure: failed } }],
        request: [
          {
            type: "VmRequestFailed",
            data: { requestId, vmId: requestId, code: failed.code, userMessage: failed.userMessage },
          },
        ],
      },
    ]);
    await runNotifier(notifierDeps(env));

    expect((await loadVmRequest(env.DB, requestId)).state.status).toBe("FAILED");
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "FAILED",
      failure: { code: failed.code, userMessage: failed.userMessage },
    });
    expect(await inbox("vm.failed", `/requests/${requestId}`)).toEqual([
      { recipient_id: t.member.userId, body: failed.userMessage },
    ]);
    // the name is free again: a new request may take it
    const again = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { name: "older-failed" }),
    );
    expect(again.requestId).not.toBe(requestId);
  });
});
