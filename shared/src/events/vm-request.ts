import { z } from "zod";
import { PendingDeadline } from "../domain/approval-policy.ts";
import { VmPowerState } from "../domain/vm-actions.ts";
import { VmName } from "../domain/vm-name.ts";
import { VmSize, VmSpec } from "../domain/vm-size.ts";
import { InventoryPath, ProvisioningFailureCode } from "../jobs/provision-vm-job.ts";

// events of the VmRequest stream; type names are never renamed, old shapes are upcast (catalog.ts)

export const Requester = z.object({
  id: z.string().min(1),
  name: z.string().max(200),
  email: z.string().max(320),
});
export type Requester = z.infer<typeof Requester>;

/** Schema v2: v1 carried only the size code; v2 snapshots the resolved spec at submission. */
export const VmRequestSubmitted = z.object({
  type: z.literal("VmRequestSubmitted"),
  data: z.object({
    requestId: z.string().min(1),
    requester: Requester,
    projectId: z.string().min(1),
    name: VmName,
    size: VmSize,
    spec: VmSpec,
    justification: z.string(),
    /** The requested network; absent in events written before the form offered one → site default. */
    networkPath: InventoryPath.nullable().default(null),
  }),
});

/**
 * The approval policy's rule that matched at submission (issue 18): how many approvals it needs (0: it is
 * approved at once by the policy) and when a request still pending is rejected. Absent: one approval.
 */
export const VmRequestPolicyApplied = z.object({
  type: z.literal("VmRequestPolicyApplied"),
  data: z.object({
    requestId: z.string().min(1),
    ruleId: z.string().min(1),
    approvalsRequired: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    pendingDeadline: PendingDeadline.nullable(),
    /** the instant the deadline falls, when there is one */
    rejectAt: z.string().datetime().nullable(),
    explanation: z.string().max(500),
  }),
});

/** One approval of several the policy needs; the event's actor is who gave it. */
export const VmRequestApprovalGiven = z.object({
  type: z.literal("VmRequestApprovalGiven"),
  data: z.object({
    requestId: z.string().min(1),
    approverId: z.string().min(1),
    given: z.number().int().min(1),
    required: z.number().int().min(2),
  }),
});

export const VmRequestApproved = z.object({
  type: z.literal("VmRequestApproved"),
  data: z.object({
    requestId: z.string().min(1),
    jobId: z.string().min(1),
    /** set when a policy approved it: the rule and why (the event's actor is kind "policy") */
    policyRuleId: z.string().min(1).optional(),
    explanation: z.string().max(500).optional(),
  }),
});

export const VmRequestRejected = z.object({
  type: z.literal("VmRequestRejected"),
  data: z.object({ requestId: z.string().min(1), reason: z.string() }),
});

export const VmRequestCancelled = z.object({
  type: z.literal("VmRequestCancelled"),
  data: z.object({ requestId: z.string().min(1), reason: z.string().nullable() }),
});

/**
 * An admin asked to stop an approved or provisioning request: its job is cancelled (the agent tears
 * down what it built) and the outcome arrives as the VM's VmProvisioningFailed with code CANCELLED.
 */
export const VmRequestStopRequested = z.object({
  type: z.literal("VmRequestStopRequested"),
  data: z.object({ requestId: z.string().min(1), reason: z.string() }),
});

/**
 * Older logs only: the VM's start and outcome (VmProvisioningStarted, VmProvisioned, VmProvisioningFailed)
 * mirrored on the request's stream, two more log rows each. The request now folds its VM's events instead;
 * every reader still reads these, so a log of either form means the same.
 */
export const VmRequestProvisioningStarted = z.object({
  type: z.literal("VmRequestProvisioningStarted"),
  data: z.object({ requestId: z.string().min(1), jobId: z.string().min(1), vmId: z.string().min(1) }),
});

export const VmRequestReady = z.object({
  type: z.literal("VmRequestReady"),
  data: z.object({
    requestId: z.string().min(1),
    vmId: z.string().min(1),
    vmwareId: z.string().min(1),
    vmName: z.string(),
    hostname: z.string(),
    ipAddress: z.string().nullable(),
    warning: z.string().nullable(),
  }),
});

export const VmRequestFailed = z.object({
  type: z.literal("VmRequestFailed"),
  data: z.object({
    requestId: z.string().min(1),
    vmId: z.string().min(1),
    code: ProvisioningFailureCode,
    userMessage: z.string(),
  }),
});

/**
 * An admin adopted a marker VM no Gantry VM owned into a project (reconciliation): the first event of the
 * adopted VM's request stream (its id hashed from tenant, site, moref and the old marker value, so a repeat
 * lands here). Who owns it, the VM as the scan observed it, and the `vm.adopt` job that rewrites the marker
 * from `oldMarker` to this id. On its outcome the VM's stream begins READY (`VmProvisioned`; older logs
 * also `VmRequestReady` here), or this stream records `VmAdoptionFailed`.
 */
export const VmAdopted = z.object({
  type: z.literal("VmAdopted"),
  data: z.object({
    requestId: z.string().min(1),
    vmId: z.string().min(1),
    owner: Requester,
    projectId: z.string().min(1),
    siteId: z.string().min(1),
    vmwareId: z.string().min(1),
    name: z.string().max(200),
    spec: VmSpec,
    powerState: VmPowerState,
    ipAddress: z.string().max(100).nullable(),
    oldMarker: z.string().min(1).max(100),
    jobId: z.string().min(1),
    deadline: z.string().datetime(),
  }),
});

/**
 * The adoption's job failed (MARKER_MISMATCH when the marker changed or vanished since the scan, TIMED_OUT, …):
 * nothing was changed in vCenter, the adopted VM is FAILED (never READY without its marker) and the unowned
 * row is listed again.
 */
export const VmAdoptionFailed = z.object({
  type: z.literal("VmAdoptionFailed"),
  data: z.object({
    requestId: z.string().min(1),
    jobId: z.string().min(1),
    code: z.string().min(1).max(40),
    userMessage: z.string().max(500),
    detail: z.string().max(4000),
  }),
});

export const VmRequestEvent = z.discriminatedUnion("type", [
  VmRequestSubmitted,
  VmRequestPolicyApplied,
  VmRequestApprovalGiven,
  VmRequestApproved,
  VmRequestRejected,
  VmRequestCancelled,
  VmRequestStopRequested,
  VmRequestProvisioningStarted,
  VmRequestReady,
  VmRequestFailed,
  VmAdopted,
  VmAdoptionFailed,
]);
export type VmRequestEvent = z.infer<typeof VmRequestEvent>;
