import { env, exports } from "cloudflare:workers";
import type { AgentRelease } from "@gantry/shared/releases/agent-release";
import { describe, expect, it } from "vitest";
import { offerRelease, storeReleaseFile } from "../src/releases/release-bucket.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { enroll, enrolledAgent, freshSite, helloAgent, hubOf, testJob } from "./agent-support.ts";
import { createTestTenant } from "./support/test-tenant.ts";

const ORIGIN = "http://edge.test";
const get = (path: string) => exports.default.fetch(`${ORIGIN}${path}`);
const caller = createCallerFactory(appRouter);

async function sha256(data: Uint8Array) {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Stores the files of a small release in the bucket and offers it, as publishing does. */
async function publish(version: string): Promise<{ release: AgentRelease; exe: Uint8Array }> {
  const exe = new TextEncoder().encode(`executable ${version}`);
  const deb = new TextEncoder().encode(`deb ${version}`);
  const tar = new TextEncoder().encode(`tar ${version}`);
  const files = [
    { name: `gantry-agent-${version}-linux-x64`, kind: "executable" as const, data: exe },
    { name: `gantry-agent_${version}_amd64.deb`, kind: "deb" as const, data: deb },
    { name: `gantry-agent-${version}-linux-x64.tar.gz`, kind: "tarball" as const, data: tar },
  ];
  const entries = [];
  for (const f of files) {
    const digest = await sha256(f.data);
    await storeReleaseFile(env.AGENT_RELEASES, {
      version,
      name: f.name,
      body: f.data.slice().buffer,
      sha256: digest,
    });
    entries.push({ name: f.name, kind: f.kind, arch: "x64" as const, size: f.data.length, sha256: digest });
  }
  const release: AgentRelease = { version, publishedAt: new Date().toISOString(), files: entries };
  expect(await offerRelease(env.AGENT_RELEASES, release)).toEqual([]);
  return { release, exe };
}

describe("the edge serves agent releases from R2", () => {
  it("says plainly when no release is published", async () => {
    expect((await get("/agent/releases/current")).status).toBe(404);
    const script = await get("/agent/install.sh");
    expect(script.status).toBe(404);
    expect(await script.text()).toContain("no Gantry agent release has been published");
  });

  it("refuses to offer a release whose files are not all stored", async () => {
    const missing = await offerRelease(env.AGENT_RELEASES, {
      version: "0.0.9",
      publishedAt: new Date().toISOString(),
      files: [
        {
          name: "gantry-agent-0.0.9-linux-x64",
          kind: "executable",
          arch: "x64",
          size: 1,
          sha256: "0".repeat(64),
        },
      ],
    });
    expect(missing).toEqual(["gantry-agent-0.0.9-linux-x64"]);
  });

  it("serves the current manifest, the files byte for byte, and nothing outside a release", async () => {
    const { release, exe } = await publish("0.2.0");
    expect(await (await get("/agent/releases/current")).json()).toEqual(release);
    const file = await get("/agent/releases/0.2.0/gantry-agent-0.2.0-linux-x64");
    expect(file.status).toBe(200);
    expect(file.headers.get("cache-control")).toContain("immutable");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(exe);
    for (const path of [
      "/agent/releases/0.2.0/nope",
      "/agent/releases/..%2Fcurrent.json/x",
      "/agent/releases/0.2.0/..%2F..%2Fcurrent.json",
    ])
      expect((await get(path)).status, path).toBe(404);
  });

  it("renders the install script with this edge, the version and each package's checksum", async () => {
    const { release } = await publish("0.2.1");
    const script = await (await get("/agent/install.sh")).text();
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain(`edge='${ORIGIN}'`);
    expect(script).toContain("version='0.2.1'");
    for (const f of release.files.filter((x) => x.kind !== "executable")) {
      expect(script).toContain(`file='${f.name}'; sum=${f.sha256}`);
    }
    expect(script).toContain("sha256sum -c --quiet -");
    expect(script).toContain('gantry-agent "$@"');
    // then the other two of the three commands: vCenter, start
    expect(script).toMatch(
      /sudo gantry-agent configure --vcenter [^\n]*\n\s*sudo systemctl enable --now gantry-agent/,
    );
  });

  it("lists each agent's version and whether the current release is an upgrade for it", async () => {
    await publish("0.3.0");
    const t = await createTestTenant(env.DB);
    const admin = caller(createContextInner({ env, principal: t.admin }));
    const token = await admin.agents.createEnrollmentToken({ siteId: t.siteId });
    const { credential } = await (await enroll(token.token, "old")).json<{ credential: string }>();
    await helloAgent(credential);
    expect(await admin.agents.release()).toMatchObject({ version: "0.3.0" });
    expect(await admin.agents.list()).toEqual([
      expect.objectContaining({ name: "old", version: "0.1.0-test", upgradeTo: "0.3.0" }),
    ]);
  });
});

describe("an agent that drains for an upgrade", () => {
  it("is never offered a job; an agent that does not drain is", async () => {
    const siteId = freshSite("draining");
    const draining = await helloAgent((await enrolledAgent(siteId, "upgrading")).credential);
    draining.agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: true });
    await draining.agent.next("lease.renewed");
    await hubOf(siteId).enqueueJob({ tenantId: "acme", siteId, job: testJob("drain-1") });
    expect(await hubOf(siteId).jobStatus("drain-1")).toMatchObject({
      state: "queued",
      waiting: { code: "AGENTS_DRAINING" },
    });
    const fresh = await helloAgent((await enrolledAgent(siteId, "fresh")).credential);
    expect(await fresh.agent.next("job.offer")).toMatchObject({ jobId: "drain-1" });
    expect(draining.agent.received.filter((f) => f.type === "job.offer")).toEqual([]);
  });
});
