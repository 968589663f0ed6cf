import type { NotificationKind } from "@gantry/shared/api/notifications";
import { userMessageOf } from "@gantry/shared/domain/failure-messages";
import type { DomainEvent, DomainEventType } from "@gantry/shared/events/catalog";
import type { ActorKind } from "@gantry/shared/events/event-metadata";
import type { ProvisioningFailureCode } from "@gantry/shared/jobs/provision-vm-job";
import { requestIdOfVm } from "../provisioning/ids.ts";
import type { RecipientRule } from "./recipients.ts";
import type { RequestFacts } from "./request-facts.ts";

/** What one notification says; the same words go to the inbox, the e-mail and the webhook. */
export interface NotificationText {
  title: string;
  body: string;
  /** an app path (the request or VM page); null when there is nothing to open */
  link: string | null;
}

type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** What an event of one type notifies: the kind, who gets it, and the words. */
export interface NotificationRule<T extends DomainEventType> {
  kind: NotificationKind;
  recipients: RecipientRule;
  /** the request (VM) the event is about, looked up for names and the requester; null: none */
  about: (data: EventOf<T>["data"]) => string | null;
  /** the words; null when this particular event notifies nobody (a cleanup that worked) */
  text: (
    data: EventOf<T>["data"],
    request: RequestFacts | null,
    event: { actorKind: ActorKind },
  ) => NotificationText | null;
}

/**
 * Failures the requester cannot fix and the admins must: a job stuck past its deadline or lost, the
 * site's vCenter refusing Gantry, a placement or template gone. Not: a name taken, a stop someone asked
 * for, a busy or briefly unreachable vCenter (retried on its own).
 */
const ADMIN_MUST_ACT: ReadonlySet<ProvisioningFailureCode> = new Set([
  "TIMED_OUT",
  "LEASE_LOST",
  "UNDELIVERABLE",
  "NO_PERMISSION",
  "INVALID_LOGIN",
  "TEMPLATE_NOT_FOUND",
  "PLACEMENT_NOT_FOUND",
  "PLACEMENT_NOT_ALLOWED",
  "INVALID_SPEC",
  "TASK_FAILED",
  "UNKNOWN",
]);

const requestLink = (requestId: string) => `/requests/${encodeURIComponent(requestId)}`;
const vmLink = (vmId: string) => `/vms/${encodeURIComponent(vmId)}`;
const nameOf = (request: RequestFacts | null) => (request ? `"${request.name}"` : "your VM");

/** A resize's or lease extension's rejection, to the VM's owner with the reason; a withdrawal tells nobody. */
const vmApprovalRejected = <T extends "VmResizeRejected" | "VmLeaseExtensionRejected">(
  kind: NotificationKind,
  what: string,
): NotificationRule<T> => ({
  kind,
  recipients: "owner",
  about: (d) => d.vmId,
  text: (d, r) =>
    d.withdrawn
      ? null
      : {
          title: `The ${what} of ${nameOf(r)} was rejected`,
          body: d.reason ? `Reason: ${d.reason}` : "No reason was given.",
          link: vmLink(d.vmId),
        },
});

/**
 * The one table from event type to notification. An event type missing here notifies nobody; one that
 * tells two audiences different things (a failure: the requester, and the admins who must act) has a
 * rule per audience.
 */
export const NOTIFICATION_RULES: {
  readonly [T in DomainEventType]?: NotificationRule<T> | readonly NotificationRule<T>[];
} = {
  VmRequestSubmitted: {
    kind: "request.pending",
    recipients: "approvers",
    about: (d) => d.requestId,
    // only a request that still waits when the notifier reads it: one a policy approved as it was
    // submitted never waited, and one already decided needs nobody
    text: (d, r) =>
      r && r.status !== "PENDING"
        ? null
        : {
            title: `Request "${d.name}" waits for approval`,
            body: `${d.requester.name || d.requester.email} asked for ${d.name} (${d.size}): ${d.justification}`,
            link: requestLink(d.requestId),
          },
  },
  VmRequestApproved: {
    kind: "request.approved",
    recipients: "requester",
    about: (d) => d.requestId,
    // approved by the project's policy as it was submitted: the requester saw it happen on the form and
    // hears next when the VM is ready (or failed); a person's approval, which they waited for, is news
    text: (d, r, event) =>
      event.actorKind === "policy"
        ? null
        : {
            title: `Request ${nameOf(r)} was approved`,
            body: "It is being provisioned now; you will hear when it is ready.",
            link: requestLink(d.requestId),
          },
  },
  VmRequestRejected: {
    kind: "request.rejected",
    recipients: "requester",
    about: (d) => d.requestId,
    text: (d, r) => ({
      title: `Request ${nameOf(r)} was rejected`,
      body: `Reason: ${d.reason}`,
      link: requestLink(d.requestId),
    }),
  },
  // the VM's outcome is its request's (older logs also mirrored it on the request's stream, as
  // VmRequestReady and VmRequestFailed: those notify nobody, or a request would be told twice)
  VmProvisioned: {
    kind: "vm.ready",
    recipients: "requester",
    about: (d) => requestIdOfVm(d.vmId),
    text: (d) => ({
      title: `VM ${d.vmName} is ready`,
      body: `${d.vmName} (${d.hostname}) is running at ${d.ipAddress ?? "an address not reported yet"}.${d.warning ? ` ${d.warning}` : ""}`,
      link: vmLink(d.vmId),
    }),
  },
  VmActionSucceeded: {
    kind: "vm.action",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `${d.kind} of ${nameOf(r)} done`,
      body: d.note ?? `The ${d.kind} finished.`,
      link: d.kind === "delete" ? null : vmLink(d.vmId),
    }),
  },
  VmActionFailed: {
    kind: "vm.action",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `${d.kind} of ${nameOf(r)} failed`,
      body: d.failure.userMessage,
      link: vmLink(d.vmId),
    }),
  },
  // a resize up or a lease extension rejected (by a person, or by the approval policy's deadline): the
  // owner learns why; a withdrawal is their own doing and tells nobody
  VmResizeRejected: vmApprovalRejected("vm.action", "resize"),
  VmLeaseExtensionRejected: vmApprovalRejected("vm.lease", "lease extension"),
  // leases: the scheduler's warnings and enforcement reach the owner
  VmLeaseWarned: {
    kind: "vm.lease",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `The lease of ${nameOf(r)} ends ${d.expiresAt}`,
      body: "Extend it from the VM's page if you still need the VM; otherwise it is powered off then and deleted after a grace period.",
      link: vmLink(d.vmId),
    }),
  },
  VmLeaseExpired: {
    kind: "vm.lease",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `The lease of ${nameOf(r)} ended`,
      body:
        d.enforcement === "hard"
          ? `It is being powered off, and will be deleted at ${d.destroyAt ?? "once the grace period ends"} unless an admin rescues it.`
          : "This project only gives notices: the VM keeps running. Extend the lease or delete the VM.",
      link: vmLink(d.vmId),
    }),
  },
  VmLeaseEnded: {
    kind: "vm.lease",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `${nameOf(r)} is being deleted: its lease and grace period ended`,
      body: `The lease ended ${d.expiresAt}. Its history stays in Gantry.`,
      link: null,
    }),
  },
  // reconciliation: a VM the scan no longer finds in vCenter
  VmGone: {
    kind: "vm.missing",
    recipients: "owner",
    about: (d) => d.vmId,
    text: (d, r) => ({
      title: `${nameOf(r)} is missing from vCenter`,
      body: `vCenter no longer has it (${d.vmwareId}). If it was removed on purpose there is nothing to do; otherwise ask an admin.`,
      link: vmLink(d.vmId),
    }),
  },
  VmProvisioningFailed: [
    {
      kind: "vm.failed",
      recipients: "requester",
      about: (d) => requestIdOfVm(d.vmId),
      text: (d, r) => ({
        title: `Request ${nameOf(r)} failed`,
        body: userMessageOf(d.failure),
        link: requestLink(requestIdOfVm(d.vmId)),
      }),
    },
    {
      // a job stuck past its deadline, lost, or failing for a reason the site's admins must fix; the
      // requester's message says "your admin has been told", and this is that telling
      kind: "job.failed",
      recipients: "admins",
      about: (d) => requestIdOfVm(d.vmId),
      text: (d, r) =>
        ADMIN_MUST_ACT.has(d.failure.code)
          ? {
              title: `Provisioning of ${nameOf(r)} failed: ${d.failure.code}`,
              body: userMessageOf(d.failure),
              link: requestLink(requestIdOfVm(d.vmId)),
            }
          : null,
    },
    {
      kind: "vm.leftover",
      recipients: "admins",
      about: (d) => d.vmId,
      text: (d, r) =>
        d.failure.cleanupFailed
          ? {
              title: `A failed cleanup left ${nameOf(r)} in vCenter`,
              body: `Remove it by hand, then clear it in Gantry. ${d.failure.userMessage}`,
              link: r ? requestLink(r.requestId) : null,
            }
          : null,
    },
  ],
  AgentDuplicateConnection: {
    kind: "agent.duplicate",
    recipients: "admins",
    about: () => null,
    text: (d) => ({
      title: "An agent credential is used twice",
      body: `Agent ${d.agentId} had a second live connection (refused ${d.attempts}× from ${d.refusedFrom}). The credential may have been copied: rotate or revoke it.`,
      link: "/admin/agents",
    }),
  },
};

/** The event types some rule notifies of: the notifier reads only these from the log. */
export const NOTIFYING_TYPES: readonly DomainEventType[] = Object.keys(
  NOTIFICATION_RULES,
) as DomainEventType[];

const notifying: ReadonlySet<string> = new Set(NOTIFYING_TYPES);

/** Whether any of these events has a rule: a commit of none (an agent's stage frame) wakes no notifier. */
export const notifiesOfAny = (events: Iterable<{ event: { type: string } }>): boolean => {
  for (const e of events) if (notifying.has(e.event.type)) return true;
  return false;
};

/** The rules of an event's type (none, one or one per audience). */
export function rulesFor<T extends DomainEventType>(type: T): readonly NotificationRule<T>[] {
  const rules = NOTIFICATION_RULES[type] as NotificationRule<T> | readonly NotificationRule<T>[] | undefined;
  if (rules === undefined) return [];
  return Array.isArray(rules) ? rules : [rules as NotificationRule<T>];
}
