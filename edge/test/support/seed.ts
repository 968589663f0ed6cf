import { exports } from "cloudflare:workers";
import seedSql from "../../local/seed.sql?raw";
import demoTenants from "../../local/tenants.json";
import { ISSUER } from "./oidc-issuer.ts";

/** vitest.config.ts binds this OPERATOR_SECRET for the tests' Worker. */
export const TEST_OPERATOR_SECRET = "test-operator-secret-0123456789abcdef";

/** Splits the seed file into statements: it has no `;` inside strings, so line-ending `;` suffices. */
const statements = seedSql
  .split(/;\s*$/m)
  .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
  .filter(Boolean);

/** Onboards a tenant through the operator path of the production Worker; a tenant on record is left as is. */
export async function onboardThroughOperatorPath(body: unknown): Promise<void> {
  const response = await exports.default.fetch(
    new Request("http://127.0.0.1:8787/ops/tenants", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_OPERATOR_SECRET}` },
      body: JSON.stringify(body),
    }),
  );
  if (response.status !== 201 && response.status !== 409)
    throw new Error(`onboarding failed: HTTP ${response.status} ${await response.text()}`);
  await response.body?.cancel();
}

/**
 * The local stack's reference data: the demo tenants onboarded as an operator would (edge/local/tenants.json,
 * bound to the tests' IdP, `ISSUER`), then edge/local/seed.sql's demo sites, projects and people. Safe to
 * repeat.
 */
export async function seedReferenceData(db: D1Database): Promise<void> {
  for (const tenant of demoTenants)
    await onboardThroughOperatorPath({ ...tenant, identity: { ...tenant.identity, issuer: ISSUER } });
  await db.batch(statements.map((s) => db.prepare(s)));
}
