import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { InventoryPath, Placement } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { siteHub } from "../agent-hub/handoff.ts";

export const SiteSettingsInput = z.object({
  siteId: z.string().min(1).max(100),
  placement: Placement,
  networkPath: InventoryPath,
});
export type SiteSettingsInput = z.infer<typeof SiteSettingsInput>;

export interface SiteSettings {
  siteId: string;
  name: string;
  placement: Placement | null;
  networkPath: string | null;
  updatedAt: string;
}

export type SiteError =
  | { code: "SITE_NOT_FOUND"; siteId: string }
  | { code: "NO_INVENTORY"; siteId: string }
  | { code: "NOT_IN_INVENTORY"; field: string; path: string };

interface SiteRow {
  id: string;
  name: string;
  placement: string | null;
  network_path: string | null;
  updated_at: string;
}

const parsePlacement = (json: string | null) =>
  json ? (Placement.safeParse(JSON.parse(json)).data ?? null) : null;

/** A site of the caller's tenant; another tenant's site is indistinguishable from a missing one. */
export async function getSite(
  db: D1Database,
  tenantId: string,
  siteId: string,
): Promise<Result<SiteSettings, SiteError>> {
  const row = await db
    .prepare("SELECT id, name, placement, network_path, updated_at FROM sites WHERE id = ? AND tenant_id = ?")
    .bind(siteId, tenantId)
    .first<SiteRow>();
  if (!row) return err({ code: "SITE_NOT_FOUND", siteId });
  return ok({
    siteId: row.id,
    name: row.name,
    placement: parsePlacement(row.placement),
    networkPath: row.network_path,
    updatedAt: row.updated_at,
  });
}

export async function listSites(
  db: D1Database,
  tenantId: string,
): Promise<{ siteId: string; name: string }[]> {
  const { results } = await db
    .prepare("SELECT id, name FROM sites WHERE tenant_id = ? ORDER BY name")
    .bind(tenantId)
    .all<{ id: string; name: string }>();
  return results.map((r) => ({ siteId: r.id, name: r.name }));
}

/** The latest inventory the site's agents reported, from the hub (never from vCenter directly). */
export async function siteInventory(env: Env, siteId: string) {
  return siteHub(env, siteId).inventory();
}

/** Every path of a placement must name something the site's agent actually reported. */
export function checkAgainstInventory(
  input: SiteSettingsInput,
  report: InventoryReport,
): Result<void, SiteError> {
  const p = input.placement;
  const checks: [string, string | undefined, { path: string }[]][] = [
    ["placement.datacenterPath", p.datacenterPath, report.datacenters],
    ["placement.templatePath", p.templatePath, report.templates],
    ["placement.folderPath", p.folderPath, report.folders],
    ["placement.poolPath", p.poolPath, report.pools],
    ["placement.datastorePath", p.datastorePath, report.datastores],
    ["networkPath", input.networkPath, report.networks],
  ];
  for (const [field, path, known] of checks) {
    if (path !== undefined && !known.some((k) => k.path === path))
      return err({ code: "NOT_IN_INVENTORY", field, path });
  }
  return ok(undefined);
}

/** Admin edit of a site's placement, validated against the inventory its agent reported. */
export async function updateSite(
  env: Env,
  input: { tenantId: string; settings: SiteSettingsInput; now: Date },
): Promise<Result<SiteSettings, SiteError>> {
  const site = await getSite(env.DB, input.tenantId, input.settings.siteId);
  if (!site.ok) return site;
  const inventory = await siteInventory(env, input.settings.siteId);
  if (!inventory) return err({ code: "NO_INVENTORY", siteId: input.settings.siteId });
  const valid = checkAgainstInventory(input.settings, inventory.report);
  if (!valid.ok) return valid;
  await env.DB.prepare(
    "UPDATE sites SET placement = ?3, network_path = ?4, updated_at = ?5 WHERE id = ?1 AND tenant_id = ?2",
  )
    .bind(
      input.settings.siteId,
      input.tenantId,
      JSON.stringify(input.settings.placement),
      input.settings.networkPath,
      input.now.toISOString(),
    )
    .run();
  return getSite(env.DB, input.tenantId, input.settings.siteId);
}
