import { DnsDomain, LoginUser } from "@gantry/shared/domain/vm-access";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { InventoryPath, Placement } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { ReadSiteInventory } from "./site-inventory.ts";

// the sites table (migration 0002, placement from 0004, access from 0013): read and written only here

export interface SiteRecord {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
  /** null until an admin picks placement from the agent's inventory */
  placement: Placement | null;
  networkPath: string | null;
  /** how people reach the site's VMs; null where the admin has not said */
  dnsDomain: string | null;
  loginUser: string | null;
  updatedAt: string;
}

export const SiteSettingsInput = z.object({
  siteId: z.string().min(1).max(100),
  placement: Placement,
  /** preselected on the request form; members may pick another network the agent reported */
  networkPath: InventoryPath,
  /** null (or left out) clears it */
  dnsDomain: DnsDomain.nullable().default(null),
  loginUser: LoginUser.nullable().default(null),
});
export type SiteSettingsInput = z.infer<typeof SiteSettingsInput>;

/** A site as its admin page shows it. */
export interface SiteSettings {
  siteId: string;
  name: string;
  placement: Placement | null;
  networkPath: string | null;
  dnsDomain: string | null;
  loginUser: string | null;
  updatedAt: string;
}

export type SiteError =
  | { code: "SITE_NOT_FOUND"; siteId: string }
  | { code: "NO_INVENTORY"; siteId: string }
  | { code: "NOT_IN_INVENTORY"; field: string; path: string };

interface SiteRow {
  id: string;
  tenant_id: string;
  slug: string;
  name: string;
  placement: string | null;
  network_path: string | null;
  dns_domain: string | null;
  login_user: string | null;
  updated_at: string;
}

// placement that no longer parses counts as not configured, so a bad edit blocks approvals instead of
// sending broken jobs
const parsePlacement = (json: string | null) =>
  json ? (Placement.safeParse(JSON.parse(json)).data ?? null) : null;

/** A site of the tenant, its placement parsed by the shared schema; null for another tenant's site. */
export async function getSite(
  db: SqlDatabase,
  scope: { tenantId: string; siteId: string },
): Promise<SiteRecord | null> {
  const row = await db
    .prepare(
      `SELECT id, tenant_id, slug, name, placement, network_path, dns_domain, login_user, updated_at
       FROM sites WHERE id = ? AND tenant_id = ?`,
    )
    .bind(scope.siteId, scope.tenantId)
    .first<SiteRow>();
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    slug: row.slug,
    name: row.name,
    placement: parsePlacement(row.placement),
    networkPath: row.network_path,
    dnsDomain: row.dns_domain,
    loginUser: row.login_user,
    updatedAt: row.updated_at,
  };
}

/** A site's settings; another tenant's site is indistinguishable from a missing one. */
export async function siteSettings(
  db: SqlDatabase,
  scope: { tenantId: string; siteId: string },
): Promise<Result<SiteSettings, SiteError>> {
  const site = await getSite(db, scope);
  if (!site) return err({ code: "SITE_NOT_FOUND", siteId: scope.siteId });
  const { id: siteId, name, placement, networkPath, dnsDomain, loginUser, updatedAt } = site;
  return ok({ siteId, name, placement, networkPath, dnsDomain, loginUser, updatedAt });
}

export async function listSites(
  db: SqlDatabase,
  tenantId: string,
): Promise<{ siteId: string; name: string }[]> {
  const { results } = await db
    .prepare("SELECT id, name FROM sites WHERE tenant_id = ? ORDER BY name")
    .bind(tenantId)
    .all<{ id: string; name: string }>();
  return results.map((r) => ({ siteId: r.id, name: r.name }));
}

/** Every path of a placement must name something the site's agent actually reported. */
export function checkAgainstInventory(
  input: Pick<SiteSettingsInput, "placement" | "networkPath">,
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

/**
 * An admin's edit of a site's placement, checked against the inventory its agent reported: the update
 * to commit (with its audit event, in commands/update-site-settings.ts), or why it cannot be.
 */
export async function checkSiteSettings(
  db: SqlDatabase,
  input: { tenantId: string; settings: SiteSettingsInput; now: Date; inventoryOf: ReadSiteInventory },
): Promise<Result<D1PreparedStatement, SiteError>> {
  const { tenantId, settings } = input;
  const site = await siteSettings(db, { tenantId, siteId: settings.siteId });
  if (!site.ok) return site;
  const inventory = await input.inventoryOf(settings.siteId);
  if (!inventory) return err({ code: "NO_INVENTORY", siteId: settings.siteId });
  const valid = checkAgainstInventory(settings, inventory.report);
  if (!valid.ok) return valid;
  return ok(
    db
      .prepare(
        `UPDATE sites SET placement = ?3, network_path = ?4, dns_domain = ?5, login_user = ?6, updated_at = ?7
         WHERE id = ?1 AND tenant_id = ?2`,
      )
      .bind(
        settings.siteId,
        tenantId,
        JSON.stringify(settings.placement),
        settings.networkPath,
        settings.dnsDomain,
        settings.loginUser,
        input.now.toISOString(),
      ),
  );
}

// the settings area (issue 17): a site's life, each statement committed with its event by
// commands/site-administration.ts

export interface SiteState {
  siteId: string;
  slug: string;
  name: string;
  archivedAt: string | null;
  configured: boolean;
}

const SITE_STATE = `SELECT id AS siteId, slug, name, archived_at AS archivedAt,
  (placement IS NOT NULL AND network_path IS NOT NULL) AS configured FROM sites`;

const toState = (r: Omit<SiteState, "configured"> & { configured: number }): SiteState => ({
  ...r,
  configured: r.configured === 1,
});

/** A site of the tenant with its settings-area columns; null for a missing or another tenant's site. */
export async function getSiteState(
  db: SqlDatabase,
  scope: { tenantId: string; siteId: string },
): Promise<SiteState | null> {
  const row = await db
    .prepare(`${SITE_STATE} WHERE id = ? AND tenant_id = ?`)
    .bind(scope.siteId, scope.tenantId)
    .first<Omit<SiteState, "configured"> & { configured: number }>();
  return row ? toState(row) : null;
}

/** Every site of the tenant, archived ones last. */
export async function listSiteStates(db: SqlDatabase, tenantId: string): Promise<SiteState[]> {
  const { results } = await db
    .prepare(`${SITE_STATE} WHERE tenant_id = ? ORDER BY archived_at IS NOT NULL, name`)
    .bind(tenantId)
    .all<Omit<SiteState, "configured"> & { configured: number }>();
  return results.map(toState);
}

export async function siteSlugTaken(
  db: SqlDatabase,
  scope: { tenantId: string; slug: string },
): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS taken FROM sites WHERE tenant_id = ? AND slug = ?")
    .bind(scope.tenantId, scope.slug)
    .first<{ taken: number }>();
  return row !== null;
}

export const insertSite = (
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; slug: string; name: string; now: string },
): D1PreparedStatement =>
  db
    .prepare("INSERT INTO sites (id, tenant_id, slug, name, updated_at) VALUES (?, ?, ?, ?, ?)")
    .bind(input.siteId, input.tenantId, input.slug, input.name, input.now);

export const renameSite = (
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; name: string; now: string },
): D1PreparedStatement =>
  db
    .prepare("UPDATE sites SET name = ?, updated_at = ? WHERE id = ? AND tenant_id = ?")
    .bind(input.name, input.now, input.siteId, input.tenantId);

export const archiveSite = (
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; now: string },
): D1PreparedStatement =>
  db
    .prepare(
      "UPDATE sites SET archived_at = ?, updated_at = ? WHERE id = ? AND tenant_id = ? AND archived_at IS NULL",
    )
    .bind(input.now, input.now, input.siteId, input.tenantId);
