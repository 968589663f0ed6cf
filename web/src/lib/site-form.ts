import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { Placement } from "@gantry/shared/jobs/provision-vm-job";
import { formatMemory } from "./format.ts";

export const SITE_FIELDS = [
  "datacenterPath",
  "templatePath",
  "folderPath",
  "poolPath",
  "datastorePath",
  "networkPath",
] as const;
export type SiteField = (typeof SITE_FIELDS)[number];
export type SiteValues = Record<SiteField, string>;

export interface Option {
  path: string;
  label: string;
}

/** The saved settings as form values ("" where nothing is chosen yet). */
export function savedValues(placement: Placement | null, networkPath: string | null): SiteValues {
  return {
    datacenterPath: placement?.datacenterPath ?? "",
    templatePath: placement?.templatePath ?? "",
    folderPath: placement?.folderPath ?? "",
    poolPath: placement?.poolPath ?? "",
    datastorePath: placement?.datastorePath ?? "",
    networkPath: networkPath ?? "",
  };
}

const inDatacenter = (datacenter: string) => (item: { path: string }) =>
  datacenter === "" || item.path.startsWith(`${datacenter}/`);

/** Choices for each field from the agent's report, narrowed to the chosen datacenter. */
export function optionsFor(report: InventoryReport, datacenter: string): Record<SiteField, Option[]> {
  const within = inDatacenter(datacenter);
  return {
    datacenterPath: report.datacenters.map((d) => ({ path: d.path, label: d.name })),
    templatePath: report.templates.filter(within).map((t) => ({
      path: t.path,
      label: `${t.name} (${t.cpu} vCPU, ${formatMemory(t.memoryMb)}, ${t.diskGb} GB)`,
    })),
    folderPath: report.folders.filter(within).map((f) => ({ path: f.path, label: f.name })),
    poolPath: report.pools.filter(within).map((p) => ({ path: p.path, label: `${p.name} (${p.kind})` })),
    datastorePath: report.datastores.filter(within).map((d) => ({
      path: d.path,
      label: `${d.name} (${Math.round(d.freeGb)} of ${Math.round(d.capacityGb)} GB free)`,
    })),
    networkPath: report.networks.filter(within).map((n) => ({
      path: n.path,
      label: `${n.name} (${n.kind === "distributed" ? "distributed" : "standard"})`,
    })),
  };
}

/** The update input, or the first missing required field. */
export function toUpdate(
  siteId: string,
  values: SiteValues,
):
  | { ok: true; value: { siteId: string; placement: Placement; networkPath: string } }
  | { ok: false; field: SiteField } {
  const required: SiteField[] = ["datacenterPath", "templatePath", "folderPath", "poolPath", "networkPath"];
  const missing = required.find((f) => values[f] === "");
  if (missing) return { ok: false, field: missing };
  return {
    ok: true,
    value: {
      siteId,
      placement: {
        datacenterPath: values.datacenterPath,
        templatePath: values.templatePath,
        folderPath: values.folderPath,
        poolPath: values.poolPath,
        ...(values.datastorePath ? { datastorePath: values.datastorePath } : {}),
      },
      networkPath: values.networkPath,
    },
  };
}

/** Which field a server complaint is about: `placement.templatePath: /x is not in …` → templatePath. */
export function fieldOfMessage(message: string): SiteField | null {
  const head = message.split(":")[0]?.replace(/^placement\./, "") ?? "";
  return SITE_FIELDS.find((f) => f === head) ?? null;
}
