import { CreateTokenInput, ListTokensInput, RevokeTokenInput } from "@gantry/shared/api/tokens";
import { TRPCError } from "@trpc/server";
import { listApiTokens, toApiToken } from "../../auth/api-tokens.ts";
import { isAdmin } from "../../auth/principal.ts";
import { createApiToken, revokeApiToken } from "../../commands/api-tokens.ts";
import { authedProcedure, router } from "../trpc.ts";

const CONCURRENT = "changed at the same moment; try again";

/** Personal API tokens (signed-in people only: token-scopes.ts keeps tokens out of this router). */
export const tokensRouter = router({
  /** Own tokens, newest first; an admin may ask for every token of the tenant. */
  list: authedProcedure.input(ListTokensInput).query(async ({ ctx, input }) => {
    if (input.everyone && !isAdmin(ctx.principal))
      throw new TRPCError({ code: "FORBIDDEN", message: "admins only" });
    const tokens = await listApiTokens(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      ...(input.everyone ? {} : { ownerId: ctx.principal.userId }),
    });
    return tokens.map(toApiToken);
  }),

  /** Makes a token; the answer holds its secret, which is never shown again. */
  create: authedProcedure.input(CreateTokenInput).mutation(async ({ ctx, input }) => {
    const created = await createApiToken(ctx.deps, { actor: ctx.principal, token: input });
    if (created.ok) return created.value;
    if (created.error.code === "SCOPE_ABOVE_ROLE")
      throw new TRPCError({ code: "FORBIDDEN", message: "only a tenant admin can grant the admin scope" });
    throw new TRPCError({ code: "CONFLICT", message: CONCURRENT });
  }),

  /** Revokes one of the caller's tokens (an admin: any of the tenant's); it stops working at once. */
  revoke: authedProcedure.input(RevokeTokenInput).mutation(async ({ ctx, input }) => {
    const revoked = await revokeApiToken(ctx.deps, { actor: ctx.principal, tokenId: input.tokenId });
    if (revoked.ok) return revoked.value;
    if (revoked.error.code === "TOKEN_NOT_FOUND")
      throw new TRPCError({ code: "NOT_FOUND", message: "token not found" });
    throw new TRPCError({ code: "CONFLICT", message: CONCURRENT });
  }),
});
