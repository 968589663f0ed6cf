import { LOCAL_OPERATOR_SECRET } from "@gantry/dev/edge-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";
import { TestIdp } from "./support/test-idp.ts";

// Issue 17's "done when": a new tenant goes from nothing to its first approved VM without anyone touching
// SQL. The operator onboards it (POST /ops/tenants), its admin signs in and sets it up through the settings
// API (site, enrollment, project, placement), an agent enrolls, a member signs in through the tenant's IdP
// (and so appears), requests a VM, the admin approves, and VCSIM builds it.

let edge: LinkEdge;
let vcsim: LinkVcsim;
let idp: TestIdp;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  idp = await TestIdp.start();
  [{ edge }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [], vars: idp.vars }),
    LinkVcsim.start({ guestBootDelayMs: 300 }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop(), idp?.stop()]);
});

const Id = <K extends string>(key: K) => z.object({ [key]: z.string() } as Record<K, z.ZodString>);
const Status = z.object({ request: z.object({ status: z.string() }).loose() }).loose();

describe("onboarding a tenant", () => {
  it("takes a new tenant from nothing to its first VM, through the operator path and the settings area", async () => {
    const onboarded = await fetch(`${edge.url}/ops/tenants`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_OPERATOR_SECRET}` },
      body: JSON.stringify({
        slug: "newco",
        name: "NewCo",
        identity: { issuer: idp.issuer, tenantClaim: "tenant", rolesClaim: "roles" },
        admin: { email: "boss@newco.test", name: "Bo Boss", subject: "boss-sub" },
      }),
    });
    expect(onboarded.status).toBe(201);

    const admin = await BrowserSession.signIn(edge.url, "boss@newco.test");
    const { siteId } = Id("siteId").parse(
      await admin.mutation("settings.createSite", { name: "NewCo lab", slug: "lab" }),
    );
    const { token } = Id("token").parse(await admin.mutation("agents.createEnrollmentToken", { siteId }));
    const { projectId } = Id("projectId").parse(
      await admin.mutation("settings.createProject", {
        name: "Apps",
        slug: "apps",
        vmPrefix: "apps",
        siteId,
      }),
    );

    const stateDir = await enrollNewAgent("onboarding", edge.url, token);
    agent = startAgent({ name: "onboarding", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
    // placement picked from what the agent reported (on connect), as the site settings page does
    await expect
      .poll(async () => (await admin.query("sites.inventory", { siteId })) !== null, { timeout: 20_000 })
      .toBe(true);
    await admin.mutation("sites.update", {
      siteId,
      placement: {
        datacenterPath: "/DC0",
        templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
        folderPath: "/DC0/vm",
        poolPath: "/DC0/host/DC0_C0",
      },
      networkPath: "/DC0/network/DC0_DVPG0",
    });

    // the member exists once signed in through the tenant's IdP
    const member = await BrowserSession.fromAccessToken(
      edge.url,
      await idp.accessToken({ sub: "mia-sub", tenant: "newco", email: "mia@newco.test", name: "Mia Member" }),
    );
    const people = z.array(z.object({ email: z.string(), role: z.string() }).loose());
    expect(people.parse(await admin.query("settings.people", undefined))).toEqual([
      expect.objectContaining({ email: "boss@newco.test", role: "admin" }),
      expect.objectContaining({ email: "mia@newco.test", role: "member" }),
    ]);

    const created = z.object({ requestId: z.string(), version: z.number() }).parse(
      await member.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name: "first01",
        size: "S",
        justification: "the new tenant's first VM",
      }),
    );
    await admin.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    await agent.waitForLog("job finished");
    await expect
      .poll(
        async () =>
          Status.parse(await member.query("requests.get", { requestId: created.requestId })).request.status,
        {
          timeout: 15_000,
        },
      )
      .toBe("READY");
    expect(await vcsim.vmsOf(created.requestId)).toEqual([
      expect.objectContaining({ powerState: "poweredOn" }),
    ]);
  });
});
