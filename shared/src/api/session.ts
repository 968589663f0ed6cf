import { z } from "zod";

export const Role = z.enum(["member", "admin"]);
export type Role = z.infer<typeof Role>;

/** Body of `POST /auth/dev-login` (local development only). */
export const DevLoginInput = z.object({ email: z.string().trim().toLowerCase().email().max(320) }).strict();
export type DevLoginInput = z.infer<typeof DevLoginInput>;

/** Body of `POST /auth/session`: trade an OIDC access token for the httpOnly session cookie. */
export const TokenSessionInput = z.object({ accessToken: z.string().min(1).max(8192) }).strict();
export type TokenSessionInput = z.infer<typeof TokenSessionInput>;

/** `session.me` */
export interface SessionUser {
  userId: string;
  tenantId: string;
  tenantName: string | null;
  email: string;
  name: string;
  role: Role;
}
