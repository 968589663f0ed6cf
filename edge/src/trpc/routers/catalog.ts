import type {
  ProjectNetworks,
  ProjectOption,
  ProjectTemplates,
  SizeOption,
} from "@gantry/shared/api/catalog";
import { ProjectId } from "@gantry/shared/api/ids";
import { DEFAULT_VM_SIZE } from "@gantry/shared/domain/vm-size";
import { z } from "zod";
import { readSiteInventory } from "../../deps.ts";
import { projectNetworks } from "../../tenancy/project-networks.ts";
import { projectTemplates } from "../../tenancy/project-templates.ts";
import { listProjects } from "../../tenancy/projects.ts";
import { listSizes } from "../../tenancy/vm-sizes.ts";
import { toTRPCError } from "../errors.ts";
import { authedProcedure, router } from "../trpc.ts";

const ProjectRef = z.object({ projectId: ProjectId }).strict();

export const catalogRouter = router({
  /** The sizes the caller's tenant offers (retired ones are not), for the request form and resizes. */
  sizes: authedProcedure.query(async ({ ctx }): Promise<SizeOption[]> => {
    const sizes = await listSizes(ctx.deps.db, ctx.principal.tenantId, { retired: false });
    // M when the tenant still offers it, else its first size
    const fallback = sizes.some((s) => s.code === DEFAULT_VM_SIZE) ? DEFAULT_VM_SIZE : sizes[0]?.code;
    return sizes.map(({ code, label, spec }) => ({
      size: code,
      label,
      ...spec,
      isDefault: code === fallback,
    }));
  }),
  /** The caller's tenant's projects, for the request form. */
  projects: authedProcedure.query(async ({ ctx }): Promise<ProjectOption[]> => {
    const projects = await listProjects(ctx.deps.db, ctx.principal.tenantId);
    return projects.map((p) => ({ projectId: p.id, slug: p.slug, name: p.name, vmPrefix: p.vmPrefix }));
  }),
  /** Networks for the request form, from the inventory the project's site agent last reported. */
  networks: authedProcedure.input(ProjectRef).query(async ({ ctx, input }): Promise<ProjectNetworks> => {
    const networks = await projectNetworks(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      projectId: input.projectId,
      inventoryOf: readSiteInventory(ctx.env),
    });
    if (!networks) throw toTRPCError({ code: "PROJECT_NOT_FOUND", projectId: input.projectId });
    return networks;
  }),
  /** Templates of the project's site, from the same cached inventory; another tenant's project is missing. */
  templates: authedProcedure.input(ProjectRef).query(async ({ ctx, input }): Promise<ProjectTemplates> => {
    const templates = await projectTemplates(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      projectId: input.projectId,
      inventoryOf: readSiteInventory(ctx.env),
    });
    if (!templates) throw toTRPCError({ code: "PROJECT_NOT_FOUND", projectId: input.projectId });
    return templates;
  }),
});
