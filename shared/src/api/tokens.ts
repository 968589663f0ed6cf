import { z } from "zod";

/**
 * What a personal access token may do. Every token reads what its owner may read; `request` adds
 * submitting and cancelling requests and acting on the owner's VMs, `approve` the approval queue's
 * decisions, `admin` the tenant's administration. A token never exceeds its owner's current role.
 */
export const TokenScope = z.enum(["read", "request", "approve", "admin"]);
export type TokenScope = z.infer<typeof TokenScope>;
export const TOKEN_SCOPES = TokenScope.options;

/** The longest a token may live; an expiry is always required. */
export const MAX_TOKEN_DAYS = 365;

export const TokenId = z.string().regex(/^tok_[0-9a-z]{1,64}$/, "not a token id");

export const CreateTokenInput = z
  .object({
    name: z.string().trim().min(1, "is required").max(80),
    scopes: z
      .array(TokenScope)
      .min(1, "must include at least one")
      .max(TOKEN_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, "must not list a scope twice"),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS, `at most ${MAX_TOKEN_DAYS} days`),
  })
  .strict();
export type CreateTokenInput = z.infer<typeof CreateTokenInput>;

/** Own tokens; an admin may ask for every token of the tenant (`everyone`). */
export const ListTokensInput = z
  .object({ everyone: z.boolean().default(false) })
  .strict()
  .prefault({});
export type ListTokensInput = z.input<typeof ListTokensInput>;

export const RevokeTokenInput = z.object({ tokenId: TokenId }).strict();
export type RevokeTokenInput = z.infer<typeof RevokeTokenInput>;

/** A token as its list shows it (never its secret). Times are ISO strings. */
export interface ApiToken {
  tokenId: string;
  name: string;
  scopes: TokenScope[];
  owner: { id: string; name: string };
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `tokens.create`: the secret is in this answer and nowhere else, ever. */
export interface CreatedToken {
  token: ApiToken;
  secret: string;
}
