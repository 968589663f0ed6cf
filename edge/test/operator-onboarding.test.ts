import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { TEST_OPERATOR_SECRET } from "./support/seed.ts";

// POST /ops/tenants: the operator's onboarding of a tenant, guarded by OPERATOR_SECRET (vitest.config.ts
// binds a test value), against the production Worker.

const OPERATOR_SECRET = TEST_OPERATOR_SECRET;

const onboard = (body: unknown, authorization: string | null = `Bearer ${OPERATOR_SECRET}`) =>
  exports.default.fetch(
    new Request("http://127.0.0.1:8787/ops/tenants", {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    }),
  );

const freshSlug = () => `op${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const tenantBody = (slug: string) => ({
  slug,
  name: `Tenant ${slug}`,
  identity: { issuer: "https://idp.example.test/realms/gantry", tenantClaim: "org", rolesClaim: "groups" },
  admin: { email: `Boss@${slug}.test`, name: "Boss", subject: `sub-${slug}` },
});

const countRows = async (slug: string) =>
  env.DB.prepare(
    `SELECT (SELECT count(*) FROM tenants WHERE id = ?1) AS tenants,
       (SELECT count(*) FROM tenant_identity WHERE tenant_id = ?1) AS bindings,
       (SELECT count(*) FROM users WHERE tenant_id = ?1) AS users`,
  )
    .bind(slug)
    .first<{ tenants: number; bindings: number; users: number }>();

describe("POST /ops/tenants", () => {
  it("onboards a tenant: its row, its IdP binding and its first admin, audited as the operator", async () => {
    const slug = freshSlug();
    const response = await onboard(tenantBody(slug));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ tenantId: slug, adminUserId: `sub-${slug}` });

    const binding = await env.DB.prepare(
      "SELECT issuer, tenant_claim, tenant_claim_value, roles_claim FROM tenant_identity WHERE tenant_id = ?",
    )
      .bind(slug)
      .first();
    expect(binding).toEqual({
      issuer: "https://idp.example.test/realms/gantry",
      tenant_claim: "org",
      tenant_claim_value: slug,
      roles_claim: "groups",
    });
    const admin = await env.DB.prepare("SELECT id, email, role FROM users WHERE tenant_id = ?")
      .bind(slug)
      .first();
    expect(admin).toEqual({ id: `sub-${slug}`, email: `boss@${slug}.test`, role: "admin" });

    // the first admin signs in and finds the onboarding in the tenant's audit trail, by the operator
    const principal = {
      userId: `sub-${slug}`,
      tenantId: slug,
      role: "admin" as const,
      email: `boss@${slug}.test`,
      name: "Boss",
      via: "session" as const,
    };
    const audit = await createCallerFactory(appRouter)(createContextInner({ env, principal })).audit.list({});
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: "TENANT_ONBOARDED",
        actor: { kind: "system", id: "operator", name: "Gantry operator", tokenId: null },
        subject: { kind: "tenant", id: slug },
      }),
    ]);
  });

  it.each([
    ["a missing secret", null],
    ["a wrong secret", `Bearer ${"x".repeat(OPERATOR_SECRET.length)}`],
    ["the secret in another scheme", `Basic ${OPERATOR_SECRET}`],
  ])("refuses %s with 401 and writes nothing", async (_case, authorization) => {
    const slug = freshSlug();
    const response = await onboard(tenantBody(slug), authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "UNAUTHORIZED" });
    expect(await countRows(slug)).toEqual({ tenants: 0, bindings: 0, users: 0 });
  });

  it("refuses a tenant that exists, a binding another tenant holds and a taken admin e-mail, with 409", async () => {
    const slug = freshSlug();
    expect((await onboard(tenantBody(slug))).status).toBe(201);

    const again = await onboard({
      ...tenantBody(slug),
      admin: { email: `other@${slug}.test`, name: "Other" },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "TENANT_EXISTS" });

    const other = freshSlug();
    const sameClaim = await onboard({
      ...tenantBody(other),
      identity: { ...tenantBody(other).identity, tenantClaimValue: slug },
    });
    expect(await sameClaim.json()).toMatchObject({ error: "IDENTITY_BOUND" });

    const sameAdmin = await onboard({ ...tenantBody(other), admin: tenantBody(slug).admin });
    expect(sameAdmin.status).toBe(409);
    expect(await sameAdmin.json()).toMatchObject({ error: "ADMIN_EMAIL_TAKEN" });
    expect(await countRows(other)).toEqual({ tenants: 0, bindings: 0, users: 0 });
    expect(await countRows(slug)).toEqual({ tenants: 1, bindings: 1, users: 1 });
  });

  it("names every bad field with 400", async () => {
    const response = await onboard({
      slug: "Not_A_Slug",
      name: "",
      identity: { issuer: "not a url" },
      admin: { email: "nope", name: "A" },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { fields: { path: string }[] };
    expect(body.fields.map((f) => f.path).sort()).toEqual(["admin.email", "identity.issuer", "name", "slug"]);
  });
});
