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

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration as an admin types it: `90s`, `10m`, `2h`, `30d` (a bare number is seconds); null if unreadable. */
export function parseSpan(text: string): number | null {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  if (!match) return null;
  return Number(match[1]) * (UNITS[(match[2] || "s").toLowerCase()] ?? 1);
}

/** Seconds in the largest unit that divides them: `30d`, `10m`, `90s` (what `parseSpan` reads back). */
export function formatSpan(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
