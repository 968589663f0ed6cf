import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseVars } from "../src/env.ts";
import { getProject, listProjects } from "../src/tenancy/projects.ts";
import { getSite } from "../src/tenancy/sites.ts";
import { getTenant } from "../src/tenancy/tenants.ts";
import { seedReferenceData } from "./support/seed.ts";

beforeAll(() => seedReferenceData(env.DB));

describe("reference data", () => {
  it("reads a seeded site with its VCSIM placement", async () => {
    expect(await getSite(env.DB, { tenantId: "acme", siteId: "site-acme-vcsim" })).toMatchObject({
      slug: "vcsim",
      networkPath: "/DC0/network/DC0_DVPG0",
      placement: {
        datacenterPath: "/DC0",
        templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
        folderPath: "/DC0/vm",
        poolPath: "/DC0/host/DC0_C0",
        datastorePath: "/DC0/datastore/LocalDS_0",
      },
    });
  });

  it("treats placement that no longer parses as not configured", async () => {
    await env.DB.prepare(
      `INSERT OR REPLACE INTO sites (id, tenant_id, slug, name, placement, network_path, updated_at)
       VALUES ('site-acme-broken', 'acme', 'broken', 'Broken', '{"datacenterPath":"relative"}', NULL, '2026-01-01T00:00:00.000Z')`,
    ).run();
    expect((await getSite(env.DB, { tenantId: "acme", siteId: "site-acme-broken" }))?.placement).toBeNull();
  });

  it("answers a foreign or missing id with null", async () => {
    expect(await getSite(env.DB, { tenantId: "globex", siteId: "site-acme-vcsim" })).toBeNull();
    expect(await getProject(env.DB, { tenantId: "globex", projectId: "proj-acme-web" })).toBeNull();
    expect(await getTenant(env.DB, "initech")).toBeNull();
  });

  it("lists a tenant's projects with their prefixes and sites", async () => {
    expect(await listProjects(env.DB, "acme")).toEqual([
      {
        id: "proj-acme-data",
        tenantId: "acme",
        slug: "data",
        name: "Data",
        vmPrefix: "data",
        siteId: "site-acme-vcsim",
        archivedAt: null,
      },
      {
        id: "proj-acme-web",
        tenantId: "acme",
        slug: "web",
        name: "Web",
        vmPrefix: "web",
        siteId: "site-acme-vcsim",
        archivedAt: null,
      },
    ]);
  });

  it("seeds idempotently", async () => {
    await seedReferenceData(env.DB);
    await seedReferenceData(env.DB);
    const users = await env.DB.prepare(
      "SELECT count(*) AS n FROM users WHERE tenant_id IN ('acme', 'globex')",
    ).first<{ n: number }>();
    // the four demo users, and Sam, Pat and Nora, whom only the browser session, settings and notification
    // tests sign in as
    expect(users?.n).toBe(7);
  });
});

describe("Worker vars", () => {
  it("parses origins and OIDC algorithms as lists", () => {
    const vars = parseVars({
      ALLOWED_ORIGINS: "http://a.test, http://b.test",
      OIDC_ALGORITHMS: "RS256,ES256",
    });
    expect(vars.ALLOWED_ORIGINS).toEqual(["http://a.test", "http://b.test"]);
    expect(vars.OIDC_ALGORITHMS).toEqual(["RS256", "ES256"]);
    expect(vars.DEV_LOGIN).toBe(false);
  });

  it("refuses symmetric or unsigned token algorithms and a short session secret, naming each field", () => {
    expect(() => parseVars({ OIDC_ALGORITHMS: "none,HS256", SESSION_SECRET: "short" })).toThrow(
      /OIDC_ALGORITHMS.*SESSION_SECRET|SESSION_SECRET.*OIDC_ALGORITHMS/,
    );
  });
});
