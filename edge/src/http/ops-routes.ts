import { OnboardTenantInput } from "@gantry/shared/api/onboarding";
import { Hono } from "hono";
import { onboardTenant } from "../commands/onboard-tenant.ts";
import { workerDeps } from "../deps.ts";
import { type EdgeEnv, parseVars } from "../env.ts";
import { bearerIsSecret } from "./operator-secret.ts";
import { clientIp, rateLimited } from "./rate-limit.ts";

const CONFLICTS = {
  TENANT_EXISTS: "a tenant with this slug already exists",
  IDENTITY_BOUND: "another tenant is already bound to this issuer and tenant claim value",
  ADMIN_EMAIL_TAKEN: "this e-mail already belongs to a person of Gantry",
  CONCURRENT_MODIFICATION: "the tenant was being onboarded at the same moment; try again",
} as const;

/**
 * The operator's paths of the hosted service, guarded by their own secret (`OPERATOR_SECRET`), never by a
 * tenant's sign-in. Without the secret configured they answer 404, as if they did not exist.
 *
 * `POST /ops/tenants`: onboards a tenant (its IdP binding and first admin); 201 with its id, 400 naming
 * each bad field, 401 without the right secret, 409 when the tenant, binding or admin exists.
 */
export const opsRoutes = new Hono<EdgeEnv>().post("/tenants", async (c) => {
  const secret = parseVars(c.env).OPERATOR_SECRET;
  if (!secret) return c.notFound();
  const limited = await rateLimited(c, "operator", [`ip:${clientIp(c)}`]);
  if (limited) return limited;
  if (!(await bearerIsSecret(c, secret)))
    return c.json({ error: "UNAUTHORIZED", message: "the operator secret is missing or wrong" }, 401);
  const body = OnboardTenantInput.safeParse(await c.req.json().catch(() => null));
  if (!body.success) {
    const fields = body.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
    return c.json({ error: "INVALID_REQUEST", fields }, 400);
  }
  const onboarded = await onboardTenant(workerDeps(c.env), body.data);
  if (!onboarded.ok)
    return c.json({ error: onboarded.error.code, message: CONFLICTS[onboarded.error.code] }, 409);
  return c.json(onboarded.value, 201);
});
