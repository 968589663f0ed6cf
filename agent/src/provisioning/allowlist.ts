import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { z } from "zod";

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** `.`/`..`/empty segments never pass: inventory paths are names, and a sneaky one must not slip by. */
function isClean(path: string): boolean {
  return path
    .slice(1)
    .split("/")
    .every((s) => s !== "" && s !== "." && s !== "..");
}

/** `/` or an absolute path of clean segments, like `/DC0/vm/gantry`. */
export const isInventoryPath = (p: string): boolean =>
  p === "/" || (p.startsWith("/") && isClean(trimSlash(p)));

// a prefix that can never match is a typo in the agent's config, not a rule: refuse it when loading
const Prefixes = z
  .array(z.string().max(1000).refine(isInventoryPath, "must be an inventory path like /DC0/vm/gantry"))
  .max(200)
  .optional();

/**
 * Inventory path prefixes the agent's config allows, per kind. A missing kind allows anything;
 * an empty list allows nothing. Prefixes match whole path segments: `/DC0/vm/gantry` allows
 * `/DC0/vm/gantry/acme` but not `/DC0/vm/gantry-old`. Unknown kinds are refused, since a misspelt
 * one would otherwise leave its kind unrestricted without a word.
 */
export const PlacementAllowlist = z.strictObject({
  datacenters: Prefixes,
  templates: Prefixes,
  folders: Prefixes,
  pools: Prefixes,
  datastores: Prefixes,
  networks: Prefixes,
});
export type PlacementAllowlist = z.infer<typeof PlacementAllowlist>;

export interface AllowlistViolation {
  readonly kind: keyof PlacementAllowlist;
  readonly path: string;
}

export function pathAllowed(path: string, prefixes: readonly string[] | undefined): boolean {
  if (!isClean(trimSlash(path))) return false;
  if (prefixes === undefined) return true;
  const p = trimSlash(path);
  return prefixes.some((raw) => {
    const prefix = trimSlash(raw);
    return prefix === "/" || p === prefix || p.startsWith(`${prefix}/`);
  });
}

/** The first placement path of `job` outside the allowlist, or undefined when all are allowed. */
export function findAllowlistViolation(
  job: ProvisionVmJob,
  allowlist: PlacementAllowlist | undefined,
): AllowlistViolation | undefined {
  const { placement } = job;
  const checks: [keyof PlacementAllowlist, string | undefined][] = [
    ["datacenters", placement.datacenterPath],
    ["templates", placement.templatePath],
    ["folders", placement.folderPath],
    ["pools", placement.poolPath],
    ["datastores", placement.datastorePath],
    ["networks", job.networkPath],
  ];
  for (const [kind, path] of checks) {
    if (path !== undefined && !pathAllowed(path, allowlist?.[kind])) return { kind, path };
  }
  return undefined;
}
