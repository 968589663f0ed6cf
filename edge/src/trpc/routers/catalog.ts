import type { ProjectOption, SizeOption } from "@gantry/shared/api/catalog";
import { DEFAULT_VM_SIZE, VM_SIZE_CODES, VM_SIZES } from "@gantry/shared/domain/vm-size";
import { listProjects } from "../../provisioning/reference-data.ts";
import { authedProcedure, router } from "../trpc.ts";

export const catalogRouter = router({
  sizes: authedProcedure.query((): SizeOption[] =>
    VM_SIZE_CODES.map((size) => ({ size, ...VM_SIZES[size], isDefault: size === DEFAULT_VM_SIZE })),
  ),
  /** The caller's tenant's projects, for the request form. */
  projects: authedProcedure.query(async ({ ctx }): Promise<ProjectOption[]> => {
    const projects = await listProjects(ctx.deps.db, ctx.principal.tenantId);
    return projects.map((p) => ({ projectId: p.id, slug: p.slug, name: p.name, vmPrefix: p.vmPrefix }));
  }),
});
