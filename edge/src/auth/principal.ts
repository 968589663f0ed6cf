import type { Role } from "@gantry/shared/api/session";
import type { TokenScope } from "@gantry/shared/api/tokens";

/** Which personal API token a principal came from, and what it may do now (its owner's role applied). */
export interface TokenGrant {
  id: string;
  name: string;
  scopes: TokenScope[];
}

/** Who is calling, as established by a session cookie, an OIDC access token or a personal API token. */
export interface Principal {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
  name: string;
  via: "session" | "bearer" | "token";
  /** set exactly when `via` is "token" */
  token?: TokenGrant;
}

export const isAdmin = (principal: Principal): boolean => principal.role === "admin";
