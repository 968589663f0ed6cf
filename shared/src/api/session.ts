import { z } from "zod";

export const Role = z.enum(["member", "admin"]);
export type Role = z.infer<typeof Role>;

/** Body of `POST /auth/dev-login` (local development only). */
export const DevLoginInput = z.object({ email: z.string().trim().toLowerCase().email().max(320) }).strict();
export type DevLoginInput = z.infer<typeof DevLoginInput>;

/**
 * Body of `POST /auth/session`: trade an OIDC access token for the httpOnly session cookie. The refresh
 * token, when the IdP gave one, stays with the edge (encrypted), which renews the session with it; the
 * browser keeps neither.
 */
export const TokenSessionInput = z
  .object({
    accessToken: z.string().min(1).max(8192),
    refreshToken: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type TokenSessionInput = z.infer<typeof TokenSessionInput>;

/** Body of `POST /auth/logout`: this session, or (`everywhere`) every session of the person. */
export const LogoutInput = z.object({ everywhere: z.boolean().default(false) }).strict();
export type LogoutInput = z.input<typeof LogoutInput>;

/** `session.me` */
export interface SessionUser {
  userId: string;
  tenantId: string;
  tenantName: string | null;
  email: string;
  name: string;
  role: Role;
  /** the projects whose requests this person approves as a project approver (admins approve all) */
  approverOf?: string[];
}
