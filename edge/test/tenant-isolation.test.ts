import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { enroll, helloAgent } from "./agent-support.ts";
import { type Caller, callerFor, freshKey, requestInput } from "./support/callers.ts";
import { devLogin } from "./support/http.ts";
import { frame, provisionToReady, record, stageAt } from "./support/job-updates.ts";
import { ACME_WEB, adam, alice, GLOBEX_SHOP, gary, gina } from "./support/principals.ts";
import { seedReferenceData } from "./support/seed.ts";
import { emptyReport } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";

const w = testWorkflow();
let acmeRequest = { requestId: "", version: 0 };
const ACME_SITE = "site-acme-vcsim";
let acmeAgentId = "";
/** a READY VM of alice's, with a resize waiting for approval */
let acmeVm = "";
let acmeApproval = "";
/** a live API token of alice's */
let acmeToken = "";
/** and a lease extension past the policy waiting for approval */
let acmeExtension = "";

const placement = {
  datacenterPath: "/DC0",
  templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
  folderPath: "/DC0/vm",
  poolPath: "/DC0/host/DC0_C0",
};

// holds every path of `placement`, so a leaked sites.update would succeed rather than fail differently
const acmeInventory = {
  ...emptyReport(),
  templates: [{ path: placement.templatePath, name: "ubuntu", cpu: 2, memoryMb: 2048, diskGb: 20 }],
  networks: [{ path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" as const }],
  folders: [{ path: placement.folderPath, name: "vm" }],
  pools: [{ path: placement.poolPath, name: "DC0_C0", kind: "cluster" as const }],
};

beforeAll(async () => {
  await seedReferenceData(env.DB);
  acmeRequest = await callerFor(alice, w).requests.create(requestInput(ACME_WEB));
  await callerFor(gina, w).requests.create(requestInput(GLOBEX_SHOP));
  const vmRequest = await callerFor(alice, w).requests.create(requestInput(ACME_WEB));
  await callerFor(adam, w).approvals.approve({
    requestId: vmRequest.requestId,
    expectedVersion: vmRequest.version,
  });
  await provisionToReady(w, { requestId: vmRequest.requestId, tenantId: "acme", start: new Date() });
  acmeVm = vmRequest.requestId;
  const resize = await callerFor(alice, w).vms.resize({
    vmId: acmeVm,
    idempotencyKey: freshKey(),
    size: "XL",
  });
  acmeApproval = resize.approvalId ?? "";
  const made = await callerFor(alice, w).tokens.create({ name: "ci", scopes: ["read"], expiresInDays: 30 });
  acmeToken = made.token.tokenId;
  const extension = await callerFor(alice, w).leases.extend({
    vmId: acmeVm,
    idempotencyKey: freshKey(),
    seconds: 31 * 86_400,
  });
  acmeExtension = extension.approvalId ?? "";
  await callerFor(adam, w).sizes.add(ACME_SIZE);
  // acme's site has a connected agent with an inventory, so a leak past the tenant check would show
  const token = await callerFor(adam, w).agents.createEnrollmentToken({ siteId: ACME_SITE });
  const enrolled = await (await enroll(token.token, "acme-lab")).json<{
    agentId: string;
    credential: string;
  }>();
  acmeAgentId = enrolled.agentId;
  const { agent } = await helloAgent(enrolled.credential);
  agent.send({ type: "inventory.report", seq: 1, report: acmeInventory });
  await agent.next("ack");
});

// what the caller gets back: the tRPC code and message, which must not tell "foreign" from "missing"
async function outcome(call: Promise<unknown>) {
  try {
    await call;
    return "resolved";
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
}

type Kind = "request" | "project" | "site" | "agent" | "vm" | "person" | "token" | "size";

/** a custom size of acme's catalogue */
const ACME_SIZE = { code: "acme-only", label: "Acme only", cpu: 3, memoryGb: 6, diskGb: 60 };

/** An id of each kind that exists in acme, and one that exists nowhere. */
const ids = (kind: Kind) =>
  ({
    request: { foreign: acmeRequest.requestId, missing: "req_00000000000000000000000000000000" },
    project: { foreign: ACME_WEB, missing: "proj-none" },
    site: { foreign: ACME_SITE, missing: "site-none" },
    agent: { foreign: acmeAgentId, missing: "agent-none" },
    vm: { foreign: acmeVm, missing: "req_00000000000000000000000000000000" },
    person: { foreign: alice.userId, missing: "user-none" },
    token: { foreign: acmeToken, missing: "tok_00000000000000000000000000000000" },
    size: { foreign: ACME_SIZE.code, missing: "size-none" },
  })[kind];

/** Valid settings.createProject / updateProject values in globex, the intruders' tenant. */
const globexProject = (siteId = "site-globex-vcsim") => ({
  name: "Intruder",
  slug: `intruder-${crypto.randomUUID().slice(0, 8)}`,
  vmPrefix: `in${crypto.randomUUID().slice(0, 8)}`,
  siteId,
});

/** A subscription answers its first frame or its error once iterated. */
async function firstFrame(stream: Promise<AsyncIterable<unknown>>) {
  for await (const frame of await stream) return frame;
  return null;
}

// every procedure that takes an id of something a tenant owns (grep the routers for `Id:` when adding one)
const procedures: [string, Kind, (api: Caller, id: string) => Promise<unknown>][] = [
  ["requests.create", "project", (api, id) => api.requests.create(requestInput(id))],
  [
    "requests.create with a network",
    "project",
    (api, id) => api.requests.create(requestInput(id, { networkPath: "/DC0/network/VM Network" })),
  ],
  ["requests.get", "request", (api, id) => api.requests.get({ requestId: id })],
  ["requests.cancel", "request", (api, id) => api.requests.cancel({ requestId: id })],
  ["requests.waiting", "request", (api, id) => api.requests.waiting({ requestId: id })],
  ["approvals.approve", "request", (api, id) => api.approvals.approve({ requestId: id, expectedVersion: 1 })],
  [
    "approvals.reject",
    "request",
    (api, id) => api.approvals.reject({ requestId: id, expectedVersion: 1, reason: "not for you at all" }),
  ],
  [
    "approvals.stopProvisioning",
    "request",
    (api, id) => api.approvals.stopProvisioning({ requestId: id, reason: "stopped by someone else" }),
  ],
  ["vms.status", "request", (api, id) => api.vms.status({ requestId: id })],
  ["vms.clearLeftover", "request", (api, id) => api.vms.clearLeftover({ requestId: id })],
  ["progress.watch", "request", (api, id) => firstFrame(api.progress.watch({ requestId: id }))],
  ["catalog.networks", "project", (api, id) => api.catalog.networks({ projectId: id })],
  ["catalog.templates", "project", (api, id) => api.catalog.templates({ projectId: id })],
  ["sites.refreshInventory", "site", (api, id) => api.sites.refreshInventory({ siteId: id })],
  ["sites.get", "site", (api, id) => api.sites.get({ siteId: id })],
  [
    "sites.update",
    "site",
    (api, id) => api.sites.update({ siteId: id, placement, networkPath: "/DC0/network/VM Network" }),
  ],
  ["sites.inventory", "site", (api, id) => api.sites.inventory({ siteId: id })],
  ["sites.testConnection", "site", (api, id) => api.sites.testConnection({ siteId: id })],
  ["agents.createEnrollmentToken", "site", (api, id) => api.agents.createEnrollmentToken({ siteId: id })],
  ["agents.queue", "site", (api, id) => api.agents.queue({ siteId: id })],
  ["agents.revoke", "agent", (api, id) => api.agents.revoke({ agentId: id })],
  // the settings area (issue 17)
  ["settings.createProject", "site", (api, id) => api.settings.createProject(globexProject(id))],
  [
    "settings.updateProject",
    "project",
    (api, id) => api.settings.updateProject({ projectId: id, ...globexProject() }),
  ],
  ["settings.archiveProject", "project", (api, id) => api.settings.archiveProject({ projectId: id })],
  [
    "settings.setApprover of a project",
    "project",
    (api, id) => api.settings.setApprover({ projectId: id, userId: gina.userId, approver: true }),
  ],
  [
    "settings.setApprover naming a person",
    "person",
    (api, id) => api.settings.setApprover({ projectId: GLOBEX_SHOP, userId: id, approver: true }),
  ],
  ["settings.renameSite", "site", (api, id) => api.settings.renameSite({ siteId: id, name: "Mine now" })],
  ["settings.archiveSite", "site", (api, id) => api.settings.archiveSite({ siteId: id })],
  ["settings.setRole", "person", (api, id) => api.settings.setRole({ userId: id, role: "admin" })],
  ["sizes.edit", "size", (api, id) => api.sizes.edit({ ...ACME_SIZE, code: id, label: "Mine now" })],
  ["sizes.retire", "size", (api, id) => api.sizes.retire({ code: id })],
  ["reconciliation.get", "site", (api, id) => api.reconciliation.get({ siteId: id })],
  ["reconciliation.scan", "site", (api, id) => api.reconciliation.scan({ siteId: id })],
  [
    "reconciliation.destroy",
    "site",
    (api, id) =>
      api.reconciliation.destroy({
        siteId: id,
        vmwareId: "vm-1",
        markerRequestId: "req_left_behind",
        confirmName: "old-test-01",
      }),
  ],
  [
    "reconciliation.adopt",
    "site",
    (api, id) =>
      api.reconciliation.adopt({
        siteId: id,
        vmwareId: "vm-1",
        markerRequestId: "req_left_behind",
        projectId: GLOBEX_SHOP,
        ownerId: gina.userId,
      }),
  ],
  // the VM after READY: every procedure that names a VM
  ["vms.get", "vm", (api, id) => api.vms.get({ vmId: id })],
  ["vms.powerOn", "vm", (api, id) => api.vms.powerOn({ vmId: id, idempotencyKey: freshKey() })],
  ["vms.powerOff", "vm", (api, id) => api.vms.powerOff({ vmId: id, idempotencyKey: freshKey() })],
  ["vms.shutdownGuest", "vm", (api, id) => api.vms.shutdownGuest({ vmId: id, idempotencyKey: freshKey() })],
  ["vms.restart", "vm", (api, id) => api.vms.restart({ vmId: id, idempotencyKey: freshKey() })],
  [
    "vms.delete",
    "vm",
    (api, id) => api.vms.delete({ vmId: id, idempotencyKey: freshKey(), confirmName: "web-api-01" }),
  ],
  ["vms.resize", "vm", (api, id) => api.vms.resize({ vmId: id, idempotencyKey: freshKey(), size: "L" })],
  ["vms.withdrawResize", "vm", (api, id) => api.vms.withdrawResize({ vmId: id, approvalId: acmeApproval })],
  [
    "vms.createSnapshot",
    "vm",
    (api, id) => api.vms.createSnapshot({ vmId: id, idempotencyKey: freshKey(), name: "intruder" }),
  ],
  [
    "vms.revertSnapshot",
    "vm",
    (api, id) => api.vms.revertSnapshot({ vmId: id, idempotencyKey: freshKey(), snapshotId: "snapshot-1" }),
  ],
  [
    "vms.deleteSnapshot",
    "vm",
    (api, id) => api.vms.deleteSnapshot({ vmId: id, idempotencyKey: freshKey(), snapshotId: "snapshot-1" }),
  ],
  [
    "approvals.approveResize",
    "vm",
    (api, id) => api.approvals.approveResize({ vmId: id, approvalId: acmeApproval }),
  ],
  [
    "approvals.rejectResize",
    "vm",
    (api, id) =>
      api.approvals.rejectResize({ vmId: id, approvalId: acmeApproval, reason: "not yours to decide" }),
  ],
  ["tokens.revoke", "token", (api, id) => api.tokens.revoke({ tokenId: id })],
  // leases
  [
    "leases.extend",
    "vm",
    (api, id) => api.leases.extend({ vmId: id, idempotencyKey: freshKey(), seconds: 60 }),
  ],
  [
    "leases.approveExtension",
    "vm",
    (api, id) => api.leases.approveExtension({ vmId: id, approvalId: acmeExtension }),
  ],
  [
    "leases.rejectExtension",
    "vm",
    (api, id) =>
      api.leases.rejectExtension({ vmId: id, approvalId: acmeExtension, reason: "not yours to decide" }),
  ],
  [
    "leases.withdrawExtension",
    "vm",
    (api, id) => api.leases.withdrawExtension({ vmId: id, approvalId: acmeExtension }),
  ],
  [
    "leases.rescue",
    "vm",
    (api, id) => api.leases.rescue({ mode: "exempt", vmId: id, idempotencyKey: freshKey() }),
  ],
  [
    "leases.setPolicy",
    "project",
    (api, id) =>
      api.leases.setPolicy({
        projectId: id,
        policy: {
          initialTermSeconds: 60,
          maxExtensionSeconds: 60,
          maxTotalSeconds: 60,
          graceSeconds: 0,
          enforcement: "hard",
          warningsSeconds: [],
        },
      }),
  ],
  // quotas (issue 18)
  ["quotas.left", "project", (api, id) => api.quotas.left({ projectId: id })],
  [
    "quotas.set",
    "project",
    (api, id) => api.quotas.set({ projectId: id, limits: { vcpu: 0, memoryGb: 0, diskGb: 0, vms: 0 } }),
  ],
  [
    "approvalPolicies.set",
    "project",
    (api, id) =>
      api.approvalPolicies.set({
        projectId: id,
        policy: {
          rules: [{ id: "all", when: {}, outcome: { kind: "auto-approve" }, pendingDeadline: null }],
        },
      }),
  ],
  [
    "approvalPolicies.set (clear)",
    "project",
    (api, id) => api.approvalPolicies.set({ projectId: id, policy: null }),
  ],
];

describe("cross-tenant sweep", () => {
  it.each(procedures)(
    "%s answers another tenant's %s id exactly like a missing one",
    async (_name, kind, call) => {
      const { foreign, missing } = ids(kind);
      expect(foreign).not.toBe("");
      // a member meets FORBIDDEN on admin procedures first, equally for foreign and missing ids
      for (const intruder of [gina, gary]) {
        const api = callerFor(intruder, w);
        const answers = [await outcome(call(api, foreign)), await outcome(call(api, missing))];
        expect(answers[0]).toBe(answers[1]);
        if (intruder === gary) expect(answers[0]).toMatch(/^NOT_FOUND: /);
      }
    },
  );

  it("leaves the foreign request, site and agent untouched after every attempt", async () => {
    const detail = await callerFor(alice, w).requests.get({ requestId: acmeRequest.requestId });
    expect(detail.request).toMatchObject({ status: "PENDING", version: 1 });
    const site = await callerFor(adam, w).sites.get({ siteId: ACME_SITE });
    expect(site).toMatchObject({
      updatedAt: "2026-01-01T00:00:00.000Z",
      networkPath: "/DC0/network/DC0_DVPG0",
    });
    const agents = await callerFor(adam, w).agents.list();
    expect(agents.find((a) => a.agentId === acmeAgentId)).toMatchObject({ revoked: false, connected: true });
    const vm = await callerFor(alice, w).vms.get({ vmId: acmeVm });
    expect(vm.vm).toMatchObject({ status: "READY", action: null, snapshotCount: 0 });
    expect(vm.pendingResize).toMatchObject({ approvalId: acmeApproval });
    expect(vm.timeline.map((e) => e.kind)).toEqual(["PROVISIONED", "LEASE", "RESIZE_REQUESTED", "LEASE"]);
    expect(vm.vm.lease).toMatchObject({ phase: "active", pendingExtension: { approvalId: acmeExtension } });
    const policies = await callerFor(adam, w).leases.policies();
    expect(policies.projects.find((p) => p.projectId === ACME_WEB)?.source).toBe("default");
    const quotas = await callerFor(adam, w).quotas.list();
    expect(quotas.projects.find((p) => p.projectId === ACME_WEB)?.limits).toEqual({
      vcpu: null,
      memoryGb: null,
      diskGb: null,
      vms: null,
    });
    const approvalPolicies = await callerFor(adam, w).approvalPolicies.list();
    expect(approvalPolicies.projects.find((p) => p.projectId === ACME_WEB)?.source).toBe("none");
    const settings = callerFor(adam, w).settings;
    expect((await settings.projects()).find((p) => p.projectId === ACME_WEB)).toMatchObject({
      name: "Web",
      slug: "web",
      archivedAt: null,
      approverIds: [],
    });
    expect((await settings.sites()).find((x) => x.siteId === ACME_SITE)).toMatchObject({ archivedAt: null });
    expect((await settings.people()).find((p) => p.userId === alice.userId)).toMatchObject({
      role: "member",
    });
  });

  it("shows lists, queues, VMs, audit and catalogue of the caller's tenant only", async () => {
    const globex = callerFor(gary, w);
    const acmeId = acmeRequest.requestId;
    expect((await callerFor(gina, w).requests.list({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.approvals.pending({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.vms.list({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.vms.list({ status: "DELETED" })).items).toEqual([]);
    expect((await globex.vms.list({})).items.map((v) => v.vmId)).not.toContain(acmeVm);
    expect((await globex.approvals.resizes({})).items.map((r) => r.vmId)).not.toContain(acmeVm);
    expect((await callerFor(adam, w).approvals.resizes({})).items.map((r) => r.vmId)).toContain(acmeVm);
    expect((await globex.leases.pendingExtensions({})).items.map((r) => r.vmId)).not.toContain(acmeVm);
    expect((await callerFor(adam, w).leases.pendingExtensions({})).items.map((r) => r.vmId)).toContain(
      acmeVm,
    );
    expect((await globex.leases.policies()).projects.map((p) => p.projectId)).not.toContain(ACME_WEB);
    expect((await globex.quotas.list()).projects.map((p) => p.projectId)).not.toContain(ACME_WEB);
    expect((await globex.approvalPolicies.list()).projects.map((p) => p.projectId)).not.toContain(ACME_WEB);
    expect((await globex.audit.list({})).items.map((e) => e.requestId)).not.toContain(acmeId);
    expect((await globex.catalog.projects()).map((p) => p.projectId)).toEqual([
      "proj-globex-analytics",
      "proj-globex-shop",
    ]);
    expect((await callerFor(adam, w).approvals.pending({})).items.map((r) => r.requestId)).toContain(acmeId);
    // the settings area lists the caller's tenant's projects, sites and people only
    expect((await globex.settings.projects()).map((p) => p.projectId).sort()).not.toContain(ACME_WEB);
    expect((await globex.settings.sites()).map((x) => x.siteId)).not.toContain(ACME_SITE);
    expect((await globex.settings.people()).map((p) => p.userId)).not.toContain(alice.userId);
    // sizes: acme's own size is neither listed nor offered nor accepted in globex, and stays as it was
    expect((await globex.sizes.list()).map((x) => x.code)).not.toContain(ACME_SIZE.code);
    expect((await callerFor(gina, w).catalog.sizes()).map((x) => x.size)).not.toContain(ACME_SIZE.code);
    const asForeign = await outcome(
      callerFor(gina, w).requests.create(requestInput(GLOBEX_SHOP, { size: ACME_SIZE.code })),
    );
    const asMissing = await outcome(
      callerFor(gina, w).requests.create(requestInput(GLOBEX_SHOP, { size: "size-none" })),
    );
    expect(asForeign.replace(ACME_SIZE.code, "?")).toBe(asMissing.replace("size-none", "?"));
    expect((await callerFor(adam, w).sizes.list()).find((x) => x.code === ACME_SIZE.code)).toMatchObject({
      label: "Acme only",
      retiredAt: null,
    });
  });

  it("filters the approval queue by another tenant's project like by a missing one: nothing", async () => {
    const byProject = (principal: typeof gary, projectId: string) =>
      callerFor(principal, w).approvals.pending({ projectId });
    const foreign = await byProject(gary, ACME_WEB);
    expect(foreign).toEqual(await byProject(gary, "proj-none"));
    expect(foreign.items).toEqual([]);
    // the same filter finds the request for its own tenant's admin, so the emptiness above is the scoping
    expect((await byProject(adam, ACME_WEB)).items.map((r) => r.requestId)).toContain(acmeRequest.requestId);
  });

  it("filters the audit log and its CSV by another tenant's project or person like by a missing one", async () => {
    const globex = callerFor(gary, w);
    const filters = [
      [{ projectId: ACME_WEB }, { projectId: "proj-none" }],
      [{ actorId: alice.userId }, { actorId: "user-none" }],
    ];
    for (const [foreign, missing] of filters) {
      const answer = await globex.audit.list({ filter: foreign });
      expect(answer).toEqual(await globex.audit.list({ filter: missing }));
      expect(answer.items).toEqual([]);
      const csv = async (filter: Record<string, string>) =>
        (
          await exports.default.fetch(
            new Request(`http://127.0.0.1:8787/exports/audit.csv?${new URLSearchParams(filter)}`, {
              headers: { cookie: await devLogin(gary.email) },
            }),
          )
        ).text();
      const text = await csv(foreign ?? {});
      expect(text).toBe(await csv(missing ?? {}));
      expect(text.trim().split("\r\n")).toHaveLength(1);
    }
    // the same filter finds alice's entries for her own tenant's admin, so the emptiness above is the scoping
    expect((await callerFor(adam, w).audit.list({ filter: { actorId: alice.userId } })).items).not.toEqual(
      [],
    );
    // and gary's own export holds none of acme's history
    const own = await exports.default.fetch(
      new Request("http://127.0.0.1:8787/exports/audit.csv", {
        headers: { cookie: await devLogin(gary.email) },
      }),
    );
    expect(own.status).toBe(200);
    const text = await own.text();
    expect(text).not.toContain(alice.userId);
    expect(text).not.toContain(acmeRequest.requestId);
  });

  it("refuses an agent report that names another tenant", async () => {
    const { requestId, version } = await callerFor(alice, w).requests.create(requestInput(ACME_WEB));
    await callerFor(adam, w).approvals.approve({ requestId, expectedVersion: version });
    const result = await record(w, frame(requestId, stageAt("CLONING", new Date()), { tenantId: "globex" }));
    expect(result.ok ? "recorded" : result.error.code).toBe("REQUEST_NOT_FOUND");
  });
});
