import { z } from "zod";
import { VmRequestStatus } from "../domain/request-status.ts";
import { CancelReason, Justification } from "../domain/request-text.ts";
import { VmName } from "../domain/vm-name.ts";
import { DEFAULT_VM_SIZE, VmSize, type VmSpec } from "../domain/vm-size.ts";
import type { ActorKind } from "../events/event-metadata.ts";
import { InventoryPath, type ProvisioningFailureCode } from "../jobs/provision-vm-job.ts";
import type { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import type { ApprovalProgressView } from "./approval-policies.ts";
import { IdempotencyKey, ProjectId, RequestId } from "./ids.ts";
import { pageInput } from "./paging.ts";

/** `requests.create`: the same key returns the same request; the same key with other input is a CONFLICT. */
export const CreateRequestInput = z
  .object({
    idempotencyKey: IdempotencyKey,
    projectId: ProjectId,
    name: VmName,
    size: VmSize.default(DEFAULT_VM_SIZE),
    justification: Justification,
    /** One of the networks `catalog.networks` offers; omitted → the site's default network. */
    networkPath: InventoryPath.optional(),
  })
  .strict();
export type CreateRequestInput = z.input<typeof CreateRequestInput>;

// list inputs may be omitted entirely: `prefault` runs `{}` through the schema, so page defaults apply
export const ListRequestsInput = pageInput()
  .extend({ status: VmRequestStatus.optional() })
  .strict()
  .prefault({});
export type ListRequestsInput = z.input<typeof ListRequestsInput>;

export const GetRequestInput = z.object({ requestId: RequestId }).strict();

/** `requests.nameAvailable`: whether a submit of this name in the project would be accepted now. */
export const NameAvailabilityInput = z.object({ projectId: ProjectId, name: VmName }).strict();
export type NameAvailabilityInput = z.input<typeof NameAvailabilityInput>;

export interface NameAvailability {
  /** false while another live request (pending, approved, provisioning or ready) of the project holds it */
  available: boolean;
}

/**
 * `requests.waiting`: why an approved request's job has not started yet, or why a running one is being
 * stopped (`stopping`: it ran longer than its site allows, or an admin stopped it); null otherwise.
 */
export interface RequestWait {
  reason: string | null;
  stopping: boolean;
}

export const CancelRequestInput = z
  .object({ requestId: RequestId, reason: CancelReason.optional() })
  .strict();
export type CancelRequestInput = z.input<typeof CancelRequestInput>;

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface ProvisionedVmView {
  vmwareId: string;
  vmName: string;
  hostname: string;
  ipAddress: string | null;
  warning: string | null;
  /** when the VM's lease ends (issue 16); null for VMs from before leases */
  expiresAt: string | null;
}

/** The network a request asked for. */
export interface RequestedNetwork {
  /** the requested network, or for `siteDefault` the site's default now; null while the site has none */
  path: string | null;
  /** the requester left the choice to the site (the job takes the site's default when approved) */
  siteDefault: boolean;
}

/** One row of "my requests", the admin queue and the VM list. */
export interface RequestSummary {
  requestId: string;
  /** the request stream's version; approve/reject send it back to detect stale views */
  version: number;
  status: VmRequestStatus;
  projectId: string;
  projectName: string | null;
  name: string;
  network: RequestedNetwork;
  size: VmSize;
  spec: VmSpec;
  requester: PersonRef;
  createdAt: string;
  updatedAt: string;
  /** READY once the VM is; on a request's own page also the current stage while provisioning (lists: null) */
  stage: ProvisioningStage | null;
  vm: ProvisionedVmView | null;
  failure: { code: ProvisioningFailureCode; userMessage: string } | null;
}

export type TimelineEntryKind =
  | "SUBMITTED"
  | "APPROVED"
  | "REJECTED"
  | "CANCELLED"
  | "PROVISIONING_STARTED"
  | "STAGE_REACHED"
  | "VM_READY"
  | "PROVISIONING_FAILED"
  | "STOP_REQUESTED"
  | "LEFTOVER_CLEARED"
  | "ADDRESS_OBSERVED";

/** One event of the request (or its VM), rendered for people. */
export interface TimelineEntry {
  at: string;
  kind: TimelineEntryKind;
  actor: { kind: ActorKind; id: string; name: string | null };
  title: string;
  detail: string | null;
  /** how long a stage took (a STAGE_REACHED entry whose stage has ended) */
  durationMs?: number;
  /** fault names and task ids; present only for admins */
  technicalDetail?: string;
}

export interface StageProgress {
  stage: ProvisioningStage;
  startedAt: string;
  durationMs: number | null;
}

export interface RequestDetail {
  request: RequestSummary & {
    justification: string;
    decision: { by: string; byName: string | null; at: string; reason: string | null } | null;
  };
  timeline: TimelineEntry[];
  stages: StageProgress[];
  /** remaining time from this tenant's average stage durations; null when not provisioning or unknown */
  etaMs: number | null;
  /** how people reach the VM, as the request's site says (both set by an admin, both optional) */
  access: {
    /** the DNS domain the site's VMs live in: hostname.domain is the FQDN */
    dnsDomain: string | null;
    /** the user the site's template documents for logging in */
    loginUser: string | null;
  };
  /** the approval policy's rule for it and the approvals given so far; null when no rule matched */
  approvals: ApprovalProgressView | null;
  /** admins only: who asked, and what else they asked for recently */
  requesterContext?: { requester: PersonRef; recentRequests: RequestSummary[] };
}
