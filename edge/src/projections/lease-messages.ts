import type { VmLeaseEvent } from "@gantry/shared/events/vm-lease";

const duration = (seconds: number): string => {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  if (seconds % 60 === 0) return `${seconds / 60} minute(s)`;
  return `${seconds} second(s)`;
};

/** A lease event for people, as a timeline entry's title and detail (times are ISO instants: the edge knows no reader's time zone, and the page's timeline formats each one it finds). */
export function leaseText(event: VmLeaseEvent): [title: string, detail: string | null] {
  switch (event.type) {
    case "VmLeaseStarted":
      return [
        "Lease started",
        `runs until ${event.data.expiresAt} (${event.data.policy.enforcement} enforcement)`,
      ];
    case "VmLeaseExtended": {
      const { expiresAt, approvalId, reason } = event.data;
      const title = approvalId ? "Lease extension approved" : "Lease extended";
      return [title, `now runs until ${expiresAt}${reason ? `: ${reason}` : ""}`];
    }
    case "VmLeaseExtensionRequested":
      return [
        "Lease extension asked for: waiting for an admin",
        `to ${event.data.expiresAt}${event.data.reason ? `: ${event.data.reason}` : ""}`,
      ];
    case "VmLeaseExtensionRejected":
      return event.data.withdrawn
        ? ["Lease extension request withdrawn", null]
        : ["Lease extension rejected", event.data.reason];
    case "VmLeaseWarned":
      return [
        `Lease ends in ${duration(event.data.secondsBefore)}`,
        `at ${event.data.expiresAt}; extend it to keep the VM`,
      ];
    case "VmLeaseExpired": {
      const { destroyAt, enforcement } = event.data;
      return enforcement === "hard"
        ? ["Lease expired: powering off", `the VM will be deleted at ${destroyAt} unless an admin rescues it`]
        : ["Lease expired", "soft enforcement: the VM keeps running"];
    }
    case "VmLeaseEnded":
      return ["Lease ended: deleting the VM", "its grace period passed without an extension or rescue"];
    case "VmLeaseExempted":
      return ["Taken out of lease enforcement", event.data.reason];
  }
}
