import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { sampleJob } from "@gantry/agent/jobs/sample-job";
import type { ManagedProcess } from "@gantry/dev/processes";
import { publishToLocalEdge } from "@gantry/release/publish";
import { readTestBuilds } from "@gantry/release/test-builds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// the very commands the Agents page shows (a pure function of the web app; nothing else of it is loaded)
import { EXAMPLE_AGENT_NAME, installCommands } from "../../web/src/lib/enroll-command.ts";
import { DebianRoot } from "./support/debian-root.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";
import { readUnitStart, startScript } from "./support/unit-start.ts";

// "On a fresh Debian host without Node, an operator goes from the Agents page to a connected, hardened
// agent service in at most three commands", executed: a fresh Debian bookworm root (mmdebstrap from
// Debian's mirror, started at once beside the edge and VCSIM), the edge serving the release build's
// .deb and tarball, and inside the root the Agents page's three commands as they are shown, with two
// honest departures: configure gets VCSIM's URL, user and CA in place of the placeholders, and, with
// no systemd running in a chroot, the third (`systemctl enable --now`) is `systemd-analyze verify` of
// the installed unit and then its ExecStart= run the way systemd would (support/unit-start.ts says what
// that covers). Then the package's removal: `dpkg -r` keeps the state, `dpkg -P` purges it.

const builds = readTestBuilds();
const tenantId = "acme";
const siteId = "site-fresh-host";
const UNIT = "/usr/lib/systemd/system/gantry-agent.service";
let root: DebianRoot | undefined;
let linkEdge: LinkEdge | undefined;
let tokens: string[] = [];
let linkVcsim: LinkVcsim | undefined;
let service: ManagedProcess | undefined;

const started = <T>(part: T | undefined, name: string): T => {
  if (!part) throw new Error(`${name} did not start`);
  return part;
};
const host = () => started(root, "the Debian root");
const inHost = (inside: string) => host().path(inside);
const mode = (inside: string) => (statSync(inHost(inside)).mode & 0o777).toString(8);
const rootShell = (script: string, args: string[] = []) => host().sh(script, args);
/** user:group of a path inside the host, read there (the host has its own /etc/passwd) */
const owner = async (inside: string) => (await rootShell('stat -c "%U:%G" "$1"', [inside])).output.trim();

// the root is the slow part (mmdebstrap downloads and unpacks ~100 packages; minutes on a loaded
// machine): it starts with everything else, and each part is kept as it comes, so afterAll stops
// whatever started even when another part failed
beforeAll(async () => {
  const parts = await Promise.allSettled([
    DebianRoot.obtain().then((r) => {
      root = r;
    }),
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [{ tenantId, siteId }] }).then(
      (e) => {
        linkEdge = e.edge;
        tokens = e.tokens;
      },
    ),
    LinkVcsim.start({ guestBootDelayMs: 300 }).then((v) => {
      linkVcsim = v;
    }),
  ]);
  for (const p of parts) if (p.status === "rejected") throw p.reason;
  // what install.sh downloads: the packages of the release (the executables are inside them)
  await publishToLocalEdge(started(linkEdge, "the edge").url, builds.previous.dir, {
    only: (f) => f.kind === "deb" || f.kind === "tarball",
  });
}, 600_000);
afterAll(async () => {
  await service?.stop(30_000);
  await Promise.all([linkEdge?.stop(), linkVcsim?.stop()]);
  root?.remove();
});

describe("a fresh Debian host without Node", () => {
  it("goes from the Agents page's three commands to a connected agent service that runs a job to READY", async () => {
    const edge = started(linkEdge, "the edge");
    const vcsim = started(linkVcsim, "VCSIM");
    expect((await rootShell("command -v node || command -v nodejs || command -v npm")).code).not.toBe(0);
    const [install, configure, start] = installCommands({
      origin: edge.url,
      token: tokens[0] ?? "",
      name: EXAMPLE_AGENT_NAME,
      release: { version: builds.previous.version },
    });

    // 1. curl … | sudo sh -s -- --token … --name …: downloads the .deb, checks it, installs it, enrolls
    const installed = await rootShell(install ?? "");
    expect(installed.code, installed.output).toBe(0);
    expect(installed.output).toContain("Enrolled.");
    expect((await rootShell("getent passwd gantry-agent")).output).toMatch(
      /^gantry-agent:x:\d{3}:\d{3}::\/var\/lib\/gantry-agent:\/usr\/sbin\/nologin$/m,
    );
    expect([mode("/etc/gantry-agent"), await owner("/etc/gantry-agent")]).toEqual([
      "750",
      "root:gantry-agent",
    ]);
    expect([mode("/etc/gantry-agent/config.json"), await owner("/etc/gantry-agent/config.json")]).toEqual([
      "640",
      "root:gantry-agent",
    ]);
    expect([mode("/var/lib/gantry-agent"), await owner("/var/lib/gantry-agent")]).toEqual([
      "700",
      "gantry-agent:gantry-agent",
    ]);
    // the credential enrollment saved belongs to the service user, who alone can read it
    const stateFiles = readdirSync(inHost("/var/lib/gantry-agent"));
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const f of stateFiles)
      expect(await owner(`/var/lib/gantry-agent/${f}`)).toBe("gantry-agent:gantry-agent");

    // 2. configure: logs in to vCenter (VCSIM) before writing; the password comes on stdin
    const caFile = vcsim.handle.caFile;
    if (!caFile) throw new Error("the link VCSIM has no CA file");
    // where an operator keeps vCenter's CA: beside the config, readable by the service (a CA is public)
    copyFileSync(caFile, inHost("/etc/gantry-agent/vcenter-ca.pem"));
    chmodSync(inHost("/etc/gantry-agent/vcenter-ca.pem"), 0o644);
    const configureLine = (configure ?? "")
      .replace("https://<your vCenter>", vcsim.handle.url)
      .replace("<service account>", vcsim.handle.username);
    const configured = await rootShell(
      `printf '%s\\n' "$1" | ${configureLine} --ca-file /etc/gantry-agent/vcenter-ca.pem`,
      [vcsim.handle.password],
    );
    expect(configured.code, configured.output).toBe(0);
    expect([
      mode("/etc/gantry-agent/vcenter-password"),
      await owner("/etc/gantry-agent/vcenter-password"),
    ]).toEqual(["600", "root:root"]);
    expect(readFileSync(inHost("/etc/gantry-agent/vcenter-password"), "utf8").trim()).toBe(
      vcsim.handle.password,
    );
    expect(JSON.parse(readFileSync(inHost("/etc/gantry-agent/config.json"), "utf8")).vcenter).toEqual({
      url: expect.stringContaining(new URL(vcsim.handle.url).host),
      username: vcsim.handle.username,
      passwordFile: "/etc/gantry-agent/vcenter-password",
      caFile: "/etc/gantry-agent/vcenter-ca.pem",
    });

    // 3. instead of `systemctl enable --now gantry-agent`: verify the installed unit, then start it as systemd would
    expect(start).toBe("sudo systemctl enable --now gantry-agent");
    const verified = await rootShell(`systemd-analyze verify ${UNIT}`);
    expect(verified.code, verified.output).toBe(0);
    const unit = readUnitStart(readFileSync(inHost(UNIT), "utf8"));
    expect(unit).toMatchObject({
      user: "gantry-agent",
      execStart: ["/opt/gantry-agent/bin/gantry-agent", "run", "--config", "/etc/gantry-agent/config.json"],
    });
    service = host().spawn("gantry-agent.service", startScript(unit), [
      "gantry-agent.service",
      ...unit.execStart,
    ]);
    await service.waitFor(/connected to edge/, 60_000);

    await edge.enqueue({ tenantId, siteId, job: sampleJob("fresh-1") });
    const done = await waitForJob(edge, siteId, "fresh-1", (s) => s.state === "done", 60_000);
    expect(done).toMatchObject({ outcome: "succeeded", stages: ALL_STAGES });
    expect(await vcsim.vmsOf("req-fresh-1")).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
  });

  it("dpkg -r removes the agent and keeps its state; dpkg -P purges the state", async () => {
    await service?.stop(30_000);
    const removed = await rootShell("dpkg -r gantry-agent");
    expect(removed.code, removed.output).toBe(0);
    expect(existsSync(inHost("/opt/gantry-agent/bin/gantry-agent"))).toBe(false);
    expect(existsSync(inHost(UNIT))).toBe(false);
    expect(readdirSync(inHost("/var/lib/gantry-agent")).length).toBeGreaterThan(0);
    expect(readFileSync(inHost("/etc/gantry-agent/config.json"), "utf8")).toContain('"vcenter"');

    const purged = await rootShell("dpkg -P gantry-agent");
    expect(purged.code, purged.output).toBe(0);
    expect(existsSync(inHost("/var/lib/gantry-agent"))).toBe(false);
    expect(existsSync(inHost("/etc/gantry-agent"))).toBe(false);
    expect((await rootShell("dpkg -s gantry-agent")).code).not.toBe(0);
  });

  it("gets the package of its architecture from install.sh: on aarch64 the arm64 one", async () => {
    const edge = started(linkEdge, "the edge");
    const arm64Deb = builds.previous.manifest.files.find((f) => f.kind === "deb" && f.arch === "arm64");
    if (!arm64Deb) throw new Error("the test build has no arm64 package");
    // this host is x86_64: an `uname` that says aarch64 first on the PATH; the download and its
    // checksum are real, and dpkg then refuses an arm64 package on an amd64 system
    const picked = await rootShell(
      `install -d /tmp/arm && printf '#!/bin/sh\\necho aarch64\\n' > /tmp/arm/uname && chmod +x /tmp/arm/uname
curl -fsSL "$1/agent/install.sh" | PATH=/tmp/arm:$PATH sh -s -- --token unused`,
      [edge.url],
    );
    expect(picked.output).toContain(`Downloading ${arm64Deb.name}`);
    expect(picked.output).toMatch(/package architecture \(arm64\) does not match system \(amd64\)/);
    expect(picked.code).not.toBe(0);
  });
});
