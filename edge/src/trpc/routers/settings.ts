import {
  CreateProjectInput,
  CreateSiteInput,
  GroupRoleInput,
  type PersonSetting,
  ProjectApproverInput,
  ProjectRefInput,
  type ProjectSetting,
  RenameSiteInput,
  SiteRefInput,
  type SiteSetting,
  UpdateProjectInput,
  UserRoleInput,
} from "@gantry/shared/api/settings";
import { listTenantPeople } from "../../auth/users.ts";
import { changeRole, setIdpGroupRole } from "../../commands/people-settings.ts";
import {
  archiveProjectSettings,
  createProject,
  setApprover,
  updateProjectSettings,
} from "../../commands/project-settings.ts";
import { archiveSiteSettings, createSite, renameSiteSettings } from "../../commands/site-administration.ts";
import { projectUsage } from "../../projections/project-usage.ts";
import { liveAgentsBySite } from "../../tenancy/agent-registry.ts";
import { approversByProject } from "../../tenancy/project-approvers.ts";
import { listProjectSettings } from "../../tenancy/projects.ts";
import { listSiteStates } from "../../tenancy/sites.ts";
import { listGroupRoles } from "../../tenancy/tenant-onboarding.ts";
import { settled } from "../settings-refusals.ts";
import { adminProcedure, router } from "../trpc.ts";

/** The settings area (issue 17): tenant admins only; every change is an event with who and when. */
export const settingsRouter = router({
  projects: adminProcedure.query(async ({ ctx }): Promise<ProjectSetting[]> => {
    const tenantId = ctx.principal.tenantId;
    const [projects, usage, approvers] = await Promise.all([
      listProjectSettings(ctx.deps.db, tenantId),
      projectUsage(ctx.deps.db, tenantId),
      approversByProject(ctx.deps.db, tenantId),
    ]);
    return projects.map((p) => ({
      ...p,
      requests: usage.get(p.projectId)?.requests ?? 0,
      approverIds: approvers.get(p.projectId) ?? [],
    }));
  }),

  createProject: adminProcedure
    .input(CreateProjectInput)
    .mutation(async ({ ctx, input }) =>
      settled(await createProject(ctx.deps, { principal: ctx.principal, project: input })),
    ),

  /** Rename, another site or default network; slug, prefix and site only while it has no request. */
  updateProject: adminProcedure
    .input(UpdateProjectInput)
    .mutation(async ({ ctx, input }) =>
      settled(await updateProjectSettings(ctx.deps, { principal: ctx.principal, project: input })),
    ),

  archiveProject: adminProcedure
    .input(ProjectRefInput)
    .mutation(async ({ ctx, input }) =>
      settled(await archiveProjectSettings(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  setApprover: adminProcedure
    .input(ProjectApproverInput)
    .mutation(async ({ ctx, input }) =>
      settled(await setApprover(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  sites: adminProcedure.query(async ({ ctx }): Promise<SiteSetting[]> => {
    const tenantId = ctx.principal.tenantId;
    const [sites, projects, agents] = await Promise.all([
      listSiteStates(ctx.deps.db, tenantId),
      listProjectSettings(ctx.deps.db, tenantId),
      liveAgentsBySite(ctx.deps.db, tenantId),
    ]);
    return sites.map((s) => ({
      ...s,
      projects: projects.filter((p) => p.siteId === s.siteId && p.archivedAt === null).length,
      agents: agents.get(s.siteId) ?? 0,
    }));
  }),

  createSite: adminProcedure
    .input(CreateSiteInput)
    .mutation(async ({ ctx, input }) =>
      settled(await createSite(ctx.deps, { principal: ctx.principal, site: input })),
    ),

  renameSite: adminProcedure
    .input(RenameSiteInput)
    .mutation(async ({ ctx, input }) =>
      settled(await renameSiteSettings(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  archiveSite: adminProcedure
    .input(SiteRefInput)
    .mutation(async ({ ctx, input }) =>
      settled(await archiveSiteSettings(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  /** The tenant's people (they appear as they sign in), their role and the projects they approve. */
  people: adminProcedure.query(async ({ ctx }): Promise<PersonSetting[]> => {
    const tenantId = ctx.principal.tenantId;
    const [people, approvers] = await Promise.all([
      listTenantPeople(ctx.deps.db, tenantId),
      approversByProject(ctx.deps.db, tenantId),
    ]);
    return people.map((p) => ({
      ...p,
      approverOf: [...approvers]
        .filter(([, users]) => users.includes(p.userId))
        .map(([projectId]) => projectId),
    }));
  }),

  setRole: adminProcedure
    .input(UserRoleInput)
    .mutation(async ({ ctx, input }) =>
      settled(await changeRole(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  /** Which groups of the tenant's IdP (values of its roles claim) give which role at sign-in. */
  groupRoles: adminProcedure.query(({ ctx }) => listGroupRoles(ctx.deps.db, ctx.principal.tenantId)),

  /** Maps a group to a role, or (role null) removes the mapping; applies at each sign-in and renewal. */
  setGroupRole: adminProcedure
    .input(GroupRoleInput)
    .mutation(async ({ ctx, input }) =>
      settled(await setIdpGroupRole(ctx.deps, { principal: ctx.principal, ...input })),
    ),
});
