import { LOCAL_OPERATOR_SECRET } from "@gantry/dev/edge-server";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { z } from "zod";
import { BenchAgent } from "./bench-agent.ts";
import { sleep } from "./concurrency.ts";
import { AUTO_APPROVE_M, EdgeClient } from "./edge-client.ts";

/** One site of the scale fleet: its tenant's admin, the project whose requests it runs, its agents. */
export interface ScaleSite {
  tenant: string;
  siteId: string;
  projectId: string;
  /** the tenant's admin, who submits (size M: approved by the project's policy) and watches */
  client: EdgeClient;
  agents: BenchAgent[];
}

/** The demo tenants the local stack onboards; further ones are onboarded by the scenario. */
const DEMO_ADMINS = [
  { tenant: "acme", email: "adam@acme.test" },
  { tenant: "globex", email: "gary@globex.test" },
];
// a bench agent takes at most this many jobs at once: ~6 frames each per 12 s stays well under the hub's
// 50 frames/s per connection, and few agents keep enrollment under its limit (30 a minute per address)
export const SCALE_AGENT_CAPACITY = 50;
const ENROLL_RETRIES = 12;

const SiteCreated = z.object({ siteId: z.string() });
const ProjectCreated = z.object({ projectId: z.string() });

// VCSIM's default inventory, as the real agent reports it: the paths the seeded acme site places VMs in
const PLACEMENT = {
  datacenterPath: "/DC0",
  templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
  folderPath: "/DC0/vm",
  poolPath: "/DC0/host/DC0_C0",
  datastorePath: "/DC0/datastore/LocalDS_0",
};
const NETWORK = "/DC0/network/DC0_DVPG0";
const inventory = (): InventoryReport => ({
  collectedAt: new Date().toISOString(),
  vcenter: { apiVersion: "8.0", fullName: "bench inventory (VCSIM paths)" },
  datacenters: [{ path: PLACEMENT.datacenterPath, name: "DC0" }],
  templates: [
    { path: PLACEMENT.templatePath, name: "ubuntu-22.04-tmpl", cpu: 1, memoryMb: 1024, diskGb: 10 },
  ],
  networks: [{ path: NETWORK, name: "DC0_DVPG0", kind: "distributed" }],
  folders: [{ path: PLACEMENT.folderPath, name: "vm" }],
  datastores: [{ path: PLACEMENT.datastorePath, name: "LocalDS_0", capacityGb: 1000, freeGb: 900 }],
  pools: [{ path: PLACEMENT.poolPath, name: "DC0_C0", kind: "cluster" }],
});

/** Onboards tenant `slug` through the operator path, as an operator would; an existing one is kept. */
async function onboardTenant(edgeUrl: string, slug: string, adminEmail: string): Promise<void> {
  const response = await fetch(`${edgeUrl}/ops/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_OPERATOR_SECRET}` },
    body: JSON.stringify({
      slug,
      name: `Scale tenant ${slug}`,
      identity: { issuer: "http://127.0.0.1/local-idp" },
      admin: { email: adminEmail, name: `Admin of ${slug}` },
    }),
  });
  if (response.status !== 201 && response.status !== 409)
    throw new Error(`onboarding ${slug}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
}

/** Enrolls a bench agent, waiting out the enrollment rate limit (30 a minute per address). */
async function enrollPatiently(input: Parameters<typeof BenchAgent.enroll>[0]): Promise<BenchAgent> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await BenchAgent.enroll(input);
    } catch (error) {
      if (attempt >= ENROLL_RETRIES || !String(error).includes("HTTP 429")) throw error;
      await sleep(5000);
    }
  }
}

/**
 * Builds the fleet through the product's own routes: `tenants` tenants (the demo ones, then onboarded
 * through `POST /ops/tenants`), `sites` new sites spread over them round-robin, each with a project
 * auto-approving size M, `agentsPerSite` enrolled bench agents, an inventory reported by the first and
 * the placement its admin set against it.
 */
export async function buildScaleFleet(
  edgeUrl: string,
  input: { tenants: number; sites: number; agentsPerSite: number; note: (msg: string) => void },
): Promise<ScaleSite[]> {
  const admins = Array.from(
    { length: input.tenants },
    (_, i) => DEMO_ADMINS[i] ?? { tenant: `scale-t${i + 1}`, email: `admin@scale-t${i + 1}.test` },
  );
  const clients: EdgeClient[] = [];
  for (const admin of admins) {
    if (!DEMO_ADMINS.includes(admin)) await onboardTenant(edgeUrl, admin.tenant, admin.email);
    clients.push(await EdgeClient.signInAs(edgeUrl, { member: admin.email, admin: admin.email }));
  }
  const fleet: ScaleSite[] = [];
  for (let i = 0; i < input.sites; i++) {
    const t = i % admins.length;
    const admin = admins[t];
    const client = clients[t];
    if (!admin || !client) throw new Error("no tenant for a site");
    const slug = `scale-${i + 1}`;
    const { siteId } = await client.adminMutation(
      "settings.createSite",
      { name: `Scale site ${i + 1}`, slug },
      SiteCreated,
    );
    const { projectId } = await client.adminMutation(
      "settings.createProject",
      { name: `Scale ${i + 1}`, slug, vmPrefix: `s${i + 1}`, siteId },
      ProjectCreated,
    );
    await client.setApprovalPolicy(AUTO_APPROVE_M, projectId);
    const agents: BenchAgent[] = [];
    for (let a = 0; a < input.agentsPerSite; a++) {
      agents.push(
        await enrollPatiently({
          edgeUrl,
          name: `bench-${slug}-${a + 1}`,
          capacity: 1,
          site: { adminEmail: admin.email, siteId },
        }),
      );
    }
    const [first] = agents;
    if (!first) throw new Error(`site ${slug} has no agent`);
    await first.start(() => undefined);
    await first.reportInventory(inventory());
    first.stop();
    await client.adminMutation(
      "sites.update",
      { siteId, placement: PLACEMENT, networkPath: NETWORK },
      z.unknown(),
    );
    fleet.push({ tenant: admin.tenant, siteId, projectId, client, agents });
    input.note(`scale fleet: site ${i + 1}/${input.sites} (${admin.tenant}) ready, ${agents.length} agents`);
  }
  return fleet;
}
