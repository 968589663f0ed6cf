import type { RequestedNetwork } from "@gantry/shared/api/requests";

/** A network's name from its inventory path: `/DC0/network/VM Network` → `VM Network`. */
export const networkName = (path: string): string => path.split("/").at(-1) ?? path;

/** The network a request asked for, as people read it: "VM Network", "DC0_DVPG0 (site default)". */
export function requestedNetworkText(network: RequestedNetwork): string {
  if (!network.siteDefault) return network.path ? networkName(network.path) : "—";
  return network.path ? `${networkName(network.path)} (site default)` : "The site's default network";
}
