import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sampleJob } from "@gantry/agent/jobs/sample-job";
import { ReleaseStore } from "@gantry/agent/upgrade/release-store";
import { spawnManaged } from "@gantry/dev/processes";
import { publishToLocalEdge, readRelease } from "@gantry/release/publish";
import { builtFile, readTestBuilds } from "@gantry/release/test-builds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, newStateDir, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";
import { TcpProxy } from "./support/tcp-proxy.ts";

// The agent as operators get it: the release build's single executable (no TypeScript, no tsx), enrolled
// and run against a real edge and VCSIM, then upgraded to a newer build that the edge serves from its
// release bucket, while a job runs. The clone takes 12 s so the upgrade starts in the middle of it.
// Each of the last two tests moves a 100 MB executable into the local R2 bucket and out again, which
// miniflare does at about 10 MB/s on a loaded machine: they get minutes, not the default minute.
// deadlines, not speed goals: on a loaded CI machine a 110 MB download, its verification, a drain and two
// starts of the executable took ~180 s once, which the upgrade command's own 180 s wait then cut short
const MOVES_AN_EXECUTABLE = { timeout: 420_000 };

const builds = readTestBuilds();
const tenantId = "acme";
const siteId = "site-release";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let agent: AgentProcess;
let stateDir: string;
let configFile: string;
let installed: string;
let proxy: TcpProxy | undefined;

/** Installs the previous build the way the package does: the executable and its signature beside it. */
function install(): string {
  const dir = path.join(newStateDir("install"), "opt/gantry-agent/bin");
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, "gantry-agent");
  const built = builtFile(builds.previous, "executable");
  copyFileSync(built, target);
  copyFileSync(`${built}.sig`, `${target}.sig`);
  return target;
}

/** Runs a command of the installed executable (as an operator's shell would) to its end. */
async function cli(args: string[]) {
  const proc = spawnManaged({ name: `gantry-agent ${args[0]}`, command: installed, args });
  const code = await proc.exited;
  return { code, output: proc.tail() };
}

const hubAgents = async () =>
  (
    (await (await fetch(`${edge.url}/agent/dev/sites/${siteId}/status`)).json()) as {
      agents: { version: string; connected: boolean }[];
    }
  ).agents;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 30_000,
      renewIntervalMs: 1000,
      tokens: [
        { tenantId, siteId },
        { tenantId, siteId },
      ],
    }),
    LinkVcsim.start({ guestBootDelayMs: 300, taskDelaysMs: { CloneVM_Task: 12_000 } }),
  ]);
  installed = install();
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop(), proxy?.stop()]);
});

describe("the single executable against a real edge and VCSIM", () => {
  it("enrolls, connects and runs a job to READY", async () => {
    stateDir = newStateDir("release");
    const enrolled = await cli([
      "enroll",
      "--edge",
      edge.url,
      "--token",
      tokens[0] ?? "",
      "--name",
      "rel",
      "--state-dir",
      stateDir,
    ]);
    expect(enrolled.code, enrolled.output).toBe(0);
    agent = startAgent({
      name: "release-agent",
      stateDir,
      executable: installed,
      concurrency: 1,
      vcenter: vcsim.agentConfig(stateDir),
    });
    configFile = path.join(stateDir, "config.json");
    const started = await agent.waitForLog("agent started", 30_000);
    expect(started.version).toBe(builds.previous.version);
    await agent.waitForLog("connected to edge", 30_000);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("rel-1") });
    const done = await waitForJob(edge, siteId, "rel-1", (s) => s.state === "done", 60_000);
    expect(done).toMatchObject({ outcome: "succeeded", stages: ALL_STAGES });
    expect(await vcsim.vmsOf("req-rel-1")).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
  });

  it("refuses a tampered download and keeps running the version it has", MOVES_AN_EXECUTABLE, async () => {
    const dir = builds.next.dir;
    const release = readRelease(dir);
    const exe = release.files.find((f) => f.kind === "executable");
    if (!exe) throw new Error("the next build has no executable");
    const bytes = readFileSync(path.join(dir, exe.name));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    const { createHash } = await import("node:crypto");
    // the manifest's checksum matches the tampered bytes: only the signature can tell
    const tampered = { ...exe, sha256: createHash("sha256").update(bytes).digest("hex") };
    await publishToLocalEdge(edge.url, dir, {
      only: (f) => f.kind === "executable" || f.kind === "signature",
      replace: new Map([[exe.name, bytes]]),
      manifest: { ...release, files: release.files.map((f) => (f.name === exe.name ? tampered : f)) },
    });
    const upgrade = await cli(["upgrade", "--config", configFile]);
    expect(upgrade.code, upgrade.output).toBe(1);
    expect(upgrade.output).toContain("signature does not verify");
    expect(await hubAgents()).toEqual([
      expect.objectContaining({ version: builds.previous.version, connected: true }),
    ]);
  });

  it(
    "upgrades while a job runs: the job ends READY, the new version connects, no second VM",
    MOVES_AN_EXECUTABLE,
    async () => {
      await publishToLocalEdge(edge.url, builds.next.dir, {
        only: (f) => f.kind === "executable" || f.kind === "signature",
      });
      const clones = await vcsim.calls("CloneVM_Task");
      await edge.enqueue({ tenantId, siteId, job: sampleJob("rel-2") });
      await agent.waitForLog(/"msg":"clone started".*"rel-2"|"jobId":"rel-2".*"msg":"clone started"/, 30_000);
      const upgrade = await cli(["upgrade", "--config", configFile, "--timeout", "360"]);
      expect(upgrade.code, upgrade.output).toBe(0);
      expect(upgrade.output).toContain(`upgrading ${builds.previous.version} → ${builds.next.version}`);
      expect(upgrade.output).toContain(`upgraded to ${builds.next.version}; connected to the edge`);
      await agent.waitForLog("upgrade confirmed: connected to the edge", 30_000);
      const done = await waitForJob(edge, siteId, "rel-2", (s) => s.state === "done", 60_000);
      expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, attempt: 1, stages: ALL_STAGES });
      expect(await vcsim.vmsOf("req-rel-2")).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
      expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
      expect(await hubAgents()).toEqual([
        expect.objectContaining({ version: builds.next.version, connected: true }),
      ]);
    },
  );

  it(
    "rolls back a new version that cannot reach the edge in time, after the running job ended READY",
    MOVES_AN_EXECUTABLE,
    async () => {
      // the edge still serves the next build the previous test published; a second agent starts from the
      // previous build and reaches the edge through a proxy that will refuse the new version's connection
      await agent.stop();
      proxy = await TcpProxy.start({ host: "127.0.0.1", port: Number(new URL(edge.url).port) });
      const dir = newStateDir("rollback");
      const enrolled = await cli([
        "enroll",
        "--edge",
        edge.url,
        "--token",
        tokens[1] ?? "",
        "--state-dir",
        dir,
      ]);
      expect(enrolled.code, enrolled.output).toBe(0);
      agent = startAgent({
        name: "rollback-agent",
        stateDir: dir,
        executable: installed,
        concurrency: 1,
        edgeUrl: proxy.url,
        connectDeadlineMs: 5000,
        vcenter: vcsim.agentConfig(dir),
      });
      await agent.waitForLog("connected to edge", 30_000);
      await edge.enqueue({ tenantId, siteId, job: sampleJob("rel-3") });
      await agent.waitForLog(/"msg":"clone started".*"rel-3"|"jobId":"rel-3".*"msg":"clone started"/, 30_000);
      const upgrade = cli(["upgrade", "--config", path.join(dir, "config.json"), "--timeout", "360"]);
      // downloaded and verified; the 12 s clone holds the drain, so the switch cannot happen before this
      await agent.waitForLog("upgrading: release verified, draining before the switch", 180_000);
      proxy.refuseNew();
      // waiting starts now: everything below may happen while the job is still being awaited
      const startedAs = (version: string) =>
        agent.waitForLog(
          new RegExp(`^(?=.*"msg":"agent started")(?=.*"version":"${version.replace(/\./g, "\\.")}")`),
          120_000,
        );
      const nextStarted = startedAs(builds.next.version);
      const rolledBack = agent.waitForLog(
        "upgrade rolled back: this version did not connect in time",
        120_000,
      );
      const previousStarted = startedAs(builds.previous.version);
      const done = await waitForJob(edge, siteId, "rel-3", (s) => s.state === "done", 60_000);
      expect(done).toMatchObject({ outcome: "succeeded", stages: ALL_STAGES });
      await nextStarted;
      await rolledBack;
      await previousStarted;
      const reconnected = agent.waitForLog("connected to edge", 60_000);
      proxy.restore();
      await reconnected;
      const followed = await upgrade;
      expect(followed.code).toBe(1);
      expect(followed.output).toContain(
        `the upgrade to ${builds.next.version} was rolled back; ${builds.previous.version} is connected again`,
      );
      const store = new ReleaseStore(dir);
      expect(store.current()).toBeNull();
      // automatic upgrades skip it from now on
      expect(store.failedVersions()).toEqual([builds.next.version]);
      expect(await vcsim.vmsOf("req-rel-3")).toHaveLength(1);
      await expect
        .poll(async () => (await hubAgents()).filter((a) => a.connected).map((a) => a.version), {
          timeout: 30_000,
        })
        .toEqual([builds.previous.version]);
    },
  );
});
