import type { NotificationKind } from "@gantry/shared/api/notifications";

/** What each kind is called on the preferences page, and who usually gets it. */
export const KIND_LABELS: Readonly<Record<NotificationKind, { label: string; who: string }>> = {
  "request.pending": { label: "A request waits for approval", who: "approvers" },
  "request.approved": { label: "My request was approved", who: "requesters" },
  "request.rejected": { label: "My request was rejected", who: "requesters" },
  "vm.ready": { label: "My VM is ready", who: "requesters" },
  "vm.failed": { label: "My request failed", who: "requesters" },
  "vm.action": { label: "An action on my VM ended", who: "owners" },
  "vm.lease": { label: "My VM's lease is about to end or ended", who: "owners" },
  "vm.missing": { label: "My VM is missing from vCenter", who: "owners" },
  "job.failed": { label: "Provisioning failed for a reason an admin must fix", who: "admins" },
  "vm.leftover": { label: "A failed cleanup left a VM in vCenter", who: "admins" },
  "agent.offline": { label: "An agent is offline", who: "admins" },
  "agent.duplicate": { label: "An agent credential is used twice", who: "admins" },
};
