import { isIPv4, isIPv6 } from "node:net";

/**
 * An address a user can reach: not link-local (169.254/16, fe80::/10 — what a guest shows before
 * DHCP answers), not loopback, not unspecified.
 */
export function isUsableIp(ip: string): boolean {
  if (isIPv4(ip)) {
    return !(ip.startsWith("169.254.") || ip.startsWith("127.") || ip === "0.0.0.0");
  }
  if (isIPv6(ip)) {
    const lower = ip.toLowerCase();
    return !(/^fe[89ab][0-9a-f]:/.test(lower) || lower === "::1" || lower === "::");
  }
  return false;
}

/** The best usable address: the guest's primary one if usable, else the first usable IPv4, then IPv6. */
export function pickIp(primary: string | undefined, all: readonly string[]): string | null {
  if (primary !== undefined && isUsableIp(primary)) return primary;
  const usable = all.filter(isUsableIp);
  return usable.find((ip) => isIPv4(ip)) ?? usable[0] ?? null;
}
