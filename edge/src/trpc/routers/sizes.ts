import { AddSizeInput, EditSizeInput, SizeRefInput, type SizeSetting } from "@gantry/shared/api/sizes";
import { addSize, editSize, retireSizeSettings } from "../../commands/size-catalogue.ts";
import { sizeUsage } from "../../projections/size-usage.ts";
import { listSizes } from "../../tenancy/vm-sizes.ts";
import { settled } from "../settings-refusals.ts";
import { adminProcedure, router } from "../trpc.ts";

/**
 * The tenant's size catalogue in the settings area (issue 17): tenant admins only, each change an event
 * with who and when. What requests may pick is `catalog.sizes`.
 */
export const sizesRouter = router({
  /** Every size, retired ones too, with how many requests named it (a used size can only be retired). */
  list: adminProcedure.query(async ({ ctx }): Promise<SizeSetting[]> => {
    const tenantId = ctx.principal.tenantId;
    const [sizes, usage] = await Promise.all([
      listSizes(ctx.deps.db, tenantId, { retired: true }),
      sizeUsage(ctx.deps.db, tenantId),
    ]);
    return sizes.map((s) => ({ ...s, requests: usage.get(s.code) ?? 0 }));
  }),

  add: adminProcedure
    .input(AddSizeInput)
    .mutation(async ({ ctx, input }) =>
      settled(await addSize(ctx.deps, { principal: ctx.principal, size: input })),
    ),

  /** New label or resources, only while no request has named the size. */
  edit: adminProcedure
    .input(EditSizeInput)
    .mutation(async ({ ctx, input }) =>
      settled(await editSize(ctx.deps, { principal: ctx.principal, size: input })),
    ),

  retire: adminProcedure
    .input(SizeRefInput)
    .mutation(async ({ ctx, input }) =>
      settled(await retireSizeSettings(ctx.deps, { principal: ctx.principal, ...input })),
    ),
});
