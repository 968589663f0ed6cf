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
  via: "session" | "bearer" | "token" | "policy";
  /** set exactly when `via` is "token" */
  token?: TokenGrant;
  /** set exactly when `via` is "policy": the approval policy's rule acting, and why */
  rule?: PolicyRule;
}

/** The rule of an approval policy that decided, and the sentence that says why. */
export interface PolicyRule {
  ruleId: string;
  explanation: string;
}

/**
 * The approval policy acting in a tenant (issue 18): it approves through the same use cases a person's
 * approval uses, so every check there (visibility, state, quotas) holds for it too. Never built from a
 * request: only the commands that evaluate a policy make one. Its events name it as actor kind "policy".
 */
export const policyPrincipal = (tenantId: string, rule: PolicyRule): Principal => ({
  userId: `policy:${rule.ruleId}`,
  tenantId,
  role: "admin",
  email: "",
  name: "Approval policy",
  via: "policy",
  rule,
});

export const isAdmin = (principal: Principal): boolean => principal.role === "admin";
