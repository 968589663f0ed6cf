import {
  ClearLeftoverInput,
  CreateSnapshotInput,
  DeleteSnapshotInput,
  DeleteVmInput,
  GetVmInput,
  ListVmsInput,
  PowerOffVmInput,
  PowerOnVmInput,
  ResizeVmInput,
  RestartVmInput,
  RevertSnapshotInput,
  ShutdownGuestInput,
  WithdrawResizeInput,
} from "@gantry/shared/api/vms";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { isAdmin } from "../../auth/principal.ts";
import { approveResizeByPolicy } from "../../commands/approve-by-policy.ts";
import { clearLeftover } from "../../commands/clear-leftover.ts";
import { decideResizeApproval } from "../../commands/decide-resize.ts";
import { recordVmAddress } from "../../commands/record-vm-address.ts";
import { requestVmAction } from "../../commands/request-vm-action.ts";
import { listLeftovers } from "../../projections/leftover-queries.ts";
import { visibleRequestSite } from "../../projections/request-site.ts";
import { getVmDetail } from "../../projections/vm-detail.ts";
import { listVms } from "../../projections/vm-queries.ts";
import type { ActionInput } from "../../provisioning/vm-action-decider.ts";
import { siteHub } from "../../stubs.ts";
import { vmPolicyFor } from "../../tenancy/vm-policy.ts";
import { offeredSpec } from "../../tenancy/vm-sizes.ts";
import { callError } from "../agent-call-error.ts";
import type { TrpcContext } from "../context.ts";
import { toTRPCError, unwrap } from "../errors.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

type Authed = TrpcContext & { principal: NonNullable<TrpcContext["principal"]> };

/** Every action command: the tenant's VM policy, then the use case; the refusal, if any, as a tRPC error. */
async function act(
  ctx: Authed,
  command: {
    vmId: string;
    idempotencyKey: string;
    reason: string | null;
    input: (policy: { guestTimeoutSeconds: number }) => ActionInput;
  },
) {
  const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
  const { vmId, idempotencyKey, reason } = command;
  return unwrap(
    await requestVmAction(ctx.deps, {
      principal: ctx.principal,
      vmId,
      idempotencyKey,
      reason,
      input: command.input(policy),
      policy,
    }),
  );
}

export const vmsRouter = router({
  /**
   * My VMs: a member's own, an admin's the tenant's (optionally one owner's); newest first. Deleted VMs
   * only when asked for (`status: "DELETED"`). Live: a `vm` frame on `requests.changes` means refetch.
   */
  list: authedProcedure.input(ListVmsInput).query(({ ctx, input }) => {
    const { principal } = ctx;
    if (!isAdmin(principal) && input.ownerId !== undefined && input.ownerId !== principal.userId)
      throw new TRPCError({ code: "FORBIDDEN", message: "members see only their own VMs" });
    const ownerId = isAdmin(principal) ? input.ownerId : principal.userId;
    return listVms(ctx.deps.db, { ...input, ownerId, tenantId: principal.tenantId });
  }),

  /** One VM: facts, snapshots with their age, the timeline of every action, and what can be done now. */
  get: authedProcedure.input(GetVmInput).query(async ({ ctx, input }) => {
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    const detail = await getVmDetail(ctx.deps.db, {
      principal: ctx.principal,
      vmId: input.vmId,
      now: ctx.deps.clock(),
      snapshotCap: policy.snapshotCap,
      guestTimeoutSeconds: policy.guestTimeoutSeconds,
      agents: (siteId) => ctx.deps.dispatcher.capabilities(siteId),
    });
    if (!detail) throw toTRPCError({ code: "VM_NOT_FOUND", vmId: input.vmId });
    return detail;
  }),

  powerOn: authedProcedure
    .input(PowerOnVmInput)
    .mutation(({ ctx, input }) => act(ctx, { ...input, input: () => ({ kind: "power-on" }) })),
  powerOff: authedProcedure
    .input(PowerOffVmInput)
    .mutation(({ ctx, input }) => act(ctx, { ...input, input: () => ({ kind: "power-off" }) })),
  /** Graceful; falls back to a power off after `timeoutSeconds` (default `vms.get`'s `guestTimeoutSeconds`). */
  shutdownGuest: authedProcedure.input(ShutdownGuestInput).mutation(({ ctx, input }) =>
    act(ctx, {
      ...input,
      input: (policy) => ({
        kind: "shutdown-guest",
        timeoutSeconds: input.timeoutSeconds ?? policy.guestTimeoutSeconds,
      }),
    }),
  ),
  /** Guest reboot; falls back to a reset after `timeoutSeconds`. */
  restart: authedProcedure.input(RestartVmInput).mutation(({ ctx, input }) =>
    act(ctx, {
      ...input,
      input: (policy) => ({
        kind: "restart",
        timeoutSeconds: input.timeoutSeconds ?? policy.guestTimeoutSeconds,
      }),
    }),
  ),
  /** Power off and destroy (only a VM carrying Gantry's marker for it); the VM's name typed to confirm. */
  delete: authedProcedure
    .input(DeleteVmInput)
    .mutation(({ ctx, input }) =>
      act(ctx, { ...input, input: () => ({ kind: "delete", confirmName: input.confirmName }) }),
    ),
  /** To another catalogue size; up waits for an admin (`awaiting-approval`); disks never shrink (`keepDisk`). */
  /** An up waiting for approval is put to the project's approval policy at once (issue 18). */
  resize: authedProcedure.input(ResizeVmInput).mutation(async ({ ctx, input }) => {
    // the size resolves through the caller's tenant's catalogue: a retired or unknown one is refused
    const target = await offeredSpec(ctx.deps.db, { tenantId: ctx.principal.tenantId, code: input.size });
    if (!target) throw toTRPCError({ code: "SIZE_NOT_OFFERED", size: input.size });
    const accepted = await act(ctx, {
      ...input,
      input: (policy) => ({
        kind: "resize",
        size: input.size,
        target,
        powerCycle: input.powerCycle,
        keepDisk: input.keepDisk,
        timeoutSeconds: policy.guestTimeoutSeconds,
      }),
    });
    if (accepted.outcome !== "awaiting-approval" || accepted.approvalId === null) return accepted;
    const byPolicy = await approveResizeByPolicy(ctx.deps, {
      tenantId: ctx.principal.tenantId,
      vmId: input.vmId,
      approvalId: accepted.approvalId,
      vmPolicy: await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId),
    });
    return byPolicy ?? accepted;
  }),
  /** Takes back a resize that still waits for approval (its owner, or an admin). */
  withdrawResize: authedProcedure.input(WithdrawResizeInput).mutation(async ({ ctx, input }) => {
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    return unwrap(
      await decideResizeApproval(ctx.deps, {
        principal: ctx.principal,
        ...input,
        verdict: { verdict: "withdraw" },
        policy,
      }),
    );
  }),
  createSnapshot: authedProcedure.input(CreateSnapshotInput).mutation(({ ctx, input }) =>
    act(ctx, {
      ...input,
      input: () => ({ kind: "snapshot-create", name: input.name, withMemory: input.withMemory }),
    }),
  ),
  revertSnapshot: authedProcedure
    .input(RevertSnapshotInput)
    .mutation(({ ctx, input }) =>
      act(ctx, { ...input, input: () => ({ kind: "snapshot-revert", snapshotId: input.snapshotId }) }),
    ),
  deleteSnapshot: authedProcedure
    .input(DeleteSnapshotInput)
    .mutation(({ ctx, input }) =>
      act(ctx, { ...input, input: () => ({ kind: "snapshot-delete", snapshotId: input.snapshotId }) }),
    ),

  /** Half-built VMs that failed cleanups left in vCenter: admins must remove them by hand. */
  leftovers: adminProcedure
    .input(z.object({}).strict().prefault({}))
    .query(({ ctx }) => listLeftovers(ctx.deps.db, { tenantId: ctx.principal.tenantId })),
  /** An admin's word that a leftover VM is gone from vCenter; idempotent. */
  clearLeftover: adminProcedure
    .input(ClearLeftoverInput)
    .mutation(async ({ ctx, input }) =>
      unwrap(await clearLeftover(ctx.deps, { principal: ctx.principal, ...input })),
    ),
  /**
   * Live state of a request's VM (power, tools, IP, hostname), read through the site's agent; answers
   * from the hub's few-seconds cache of that VM, and never asks about more VMs at once than the hub allows.
   * An address that differs from the one on record (one that arrived after provisioning's network wait)
   * is recorded, so the card, lists and timeline show it from then on.
   */
  status: authedProcedure
    .input(z.object({ requestId: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const row = await visibleRequestSite(ctx.env.DB, ctx.principal, input.requestId);
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "request not found" });
      if (!row.vmwareId)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "the VM does not exist yet" });
      const answer = await siteHub(ctx.env, row.siteId).vmStatus(row.vmwareId);
      if (!answer.ok) throw callError(answer.error, row.siteName);
      const result = answer.value;
      if (result.method !== "vm.status")
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unexpected answer" });
      if (!result.outcome.ok)
        throw new TRPCError({ code: "NOT_FOUND", message: result.outcome.error.message });
      const live = result.outcome.value;
      if (live.ipAddress !== null && live.ipAddress !== row.ipAddress)
        unwrap(
          await recordVmAddress(ctx.deps, { principal: ctx.principal, requestId: input.requestId, live }),
        );
      return live;
    }),
});
