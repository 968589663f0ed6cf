import type { VmSize } from "../domain/vm-size.ts";

/** `catalog.sizes` */
export interface SizeOption {
  size: VmSize;
  cpu: number;
  memoryGb: number;
  diskGb: number;
  isDefault: boolean;
}

/** `catalog.projects`: the projects of the caller's tenant. */
export interface ProjectOption {
  projectId: string;
  slug: string;
  name: string;
  /** the VM is created in vCenter as `{vmPrefix}-{name}` */
  vmPrefix: string;
}

/** A network the VM can be attached to, from the inventory the site's agent reported. */
export interface NetworkOption {
  path: string;
  name: string;
  kind: "standard" | "distributed";
}

/** `catalog.networks`: what the request form offers for a project, never waiting for vCenter. */
export interface ProjectNetworks {
  projectId: string;
  /** The site's default network (used when a request names none); null until an admin sets it. */
  defaultPath: string | null;
  networks: NetworkOption[];
  /** When the agent last reported its inventory; null if no agent of the site ever did. */
  reportedAt: string | null;
}
