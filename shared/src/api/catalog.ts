import type { VmSize } from "../domain/vm-size.ts";

/** `catalog.sizes`: the caller's tenant's sizes a request or a resize may pick (retired ones are not). */
export interface SizeOption {
  size: VmSize;
  label: string;
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

/** A template a VM can be cloned from, from the inventory the site's agent reported. */
export interface TemplateOption {
  path: string;
  name: string;
  cpu: number;
  memoryMb: number;
  diskGb: number;
  /** vCenter's guest OS id (e.g. `ubuntu64Guest`); null when the agent did not report one */
  guestId: string | null;
}

/** `catalog.templates`: the templates of a project's site, never waiting for vCenter. */
export interface ProjectTemplates {
  projectId: string;
  /** The template the site clones from (its placement); null until an admin sets placement. */
  defaultPath: string | null;
  templates: TemplateOption[];
  /** When the agent last reported its inventory; null if no agent of the site ever did. */
  reportedAt: string | null;
}
