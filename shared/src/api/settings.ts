import { z } from "zod";
import { Slug, VmPrefix } from "../domain/slug.ts";
import { InventoryPath } from "../jobs/provision-vm-job.ts";
import { EntityId, ProjectId } from "./ids.ts";

// Inputs of the settings area (tenant admins, issue 17); the web forms validate with the same schemas.

export const DisplayName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");

export const SiteId = EntityId;
export const UserId = z.string().min(1).max(255);

export const CreateProjectInput = z
  .object({
    name: DisplayName,
    slug: Slug,
    vmPrefix: VmPrefix,
    siteId: SiteId,
    /** null: the site's default network */
    networkPath: InventoryPath.nullable().default(null),
  })
  .strict();
export type CreateProjectInput = z.input<typeof CreateProjectInput>;

/** A project's new values; slug and prefix may only change while the project has no VM. */
export const UpdateProjectInput = CreateProjectInput.extend({ projectId: ProjectId }).strict();
export type UpdateProjectInput = z.input<typeof UpdateProjectInput>;

export const ProjectRefInput = z.object({ projectId: ProjectId }).strict();

export const ProjectApproverInput = z
  .object({ projectId: ProjectId, userId: UserId, approver: z.boolean() })
  .strict();
export type ProjectApproverInput = z.input<typeof ProjectApproverInput>;

export const CreateSiteInput = z.object({ name: DisplayName, slug: Slug }).strict();
export type CreateSiteInput = z.input<typeof CreateSiteInput>;

export const RenameSiteInput = z.object({ siteId: SiteId, name: DisplayName }).strict();
export type RenameSiteInput = z.input<typeof RenameSiteInput>;

export const SiteRefInput = z.object({ siteId: SiteId }).strict();

export const UserRoleInput = z.object({ userId: UserId, role: z.enum(["member", "admin"]) }).strict();
export type UserRoleInput = z.input<typeof UserRoleInput>;

/** A project as the settings area shows it. */
export interface ProjectSetting {
  projectId: string;
  slug: string;
  name: string;
  vmPrefix: string;
  siteId: string;
  networkPath: string | null;
  archivedAt: string | null;
  /** requests ever made in it: slug and prefix are fixed once it has any */
  requests: number;
  approverIds: string[];
}

export interface SiteSetting {
  siteId: string;
  slug: string;
  name: string;
  archivedAt: string | null;
  configured: boolean;
  projects: number;
  agents: number;
}

export interface PersonSetting {
  userId: string;
  email: string;
  name: string;
  role: "member" | "admin";
  approverOf: string[];
}

/** Maps a group of the tenant's IdP (a value of its roles claim) to a role; null removes the mapping. */
export const GroupRoleInput = z
  .object({ group: z.string().trim().min(1).max(200), role: z.enum(["admin", "member"]).nullable() })
  .strict();
export type GroupRoleInput = z.input<typeof GroupRoleInput>;
