import type { VmListItem } from "@gantry/shared/api/vms";
import { formatDuration } from "./format.ts";

const DAY_MS = 86_400_000;

/** What the lease says next to its end date: a countdown when the end is less than a day away. */
export function leaseCountdown(expiresAt: string, now: Date): string | null {
  const left = Date.parse(expiresAt) - now.getTime();
  if (left >= DAY_MS) return null;
  if (left <= 0) return "expired";
  return `in ${formatDuration(Math.ceil(left / 1000))}`;
}

/** The lease's state in a few words, when it is not simply running to its end. */
export function leaseNotice(lease: VmListItem["lease"]): string | null {
  switch (lease?.phase) {
    case "grace":
      return "Lease expired: powered off, deleted at the end of its grace period unless an admin rescues it";
    case "expired":
      return "Lease expired (notices only)";
    case "ended":
      return "Lease ended: being deleted";
    case "exempt":
      return "Exempt from its lease";
    default:
      return null;
  }
}
