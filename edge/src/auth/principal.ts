import type { Role } from "@gantry/shared/api/session";

/** Who is calling, as established by a session cookie or an OIDC access token. */
export interface Principal {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
  name: string;
  via: "session" | "bearer";
}

export const isAdmin = (principal: Principal): boolean => principal.role === "admin";
