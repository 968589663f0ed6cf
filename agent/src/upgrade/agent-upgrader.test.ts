import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { AgentUpgrader, type UpgradeSettings } from "./agent-upgrader.ts";
import { ReleaseStore } from "./release-store.ts";
import { serveReleases, tempStateDir, testKey, testRelease } from "./test-release.ts";

// The upgrader's own decisions (when to check, what to skip, when to roll back) against releases served
// over HTTP like the edge does; drain and restart are the agent's, recorded here as promises to await.

const key = testKey();
let edge: Awaited<ReturnType<typeof serveReleases>>;
const running: AgentUpgrader[] = [];
beforeAll(async () => {
  edge = await serveReleases();
});
afterAll(() => edge.close());
afterEach(() => {
  for (const u of running.splice(0)) u.stop();
});

function upgraderFor(input: { stateDir: string; ownVersion: string; settings: Partial<UpgradeSettings> }) {
  const drains: number[] = [];
  let restarted: (executable: string) => void = () => {};
  const restart = new Promise<string>((resolve) => {
    restarted = resolve;
  });
  const upgrader = new AgentUpgrader({
    settings: { automatic: false, checkIntervalMs: 60_000, connectDeadlineMs: 60_000, ...input.settings },
    stateDir: input.stateDir,
    edgeUrl: edge.url,
    ownVersion: input.ownVersion,
    ownExec: "/opt/gantry-agent/bin/gantry-agent",
    publicKey: key.publicKey,
    arch: "x64",
    log: createLogger({ level: "error", write: () => {} }),
    drain: async () => {
      drains.push(Date.now());
    },
    restart: (executable) => restarted(executable),
  });
  running.push(upgrader);
  return { upgrader, drains, restart };
}

describe("automatic upgrades", () => {
  it("check the edge on their own, then drain, switch under trial and restart into the new version", async () => {
    edge.publish(testRelease({ version: "2.1.0", key }));
    const stateDir = tempStateDir();
    const { upgrader, drains, restart } = upgraderFor({
      stateDir,
      ownVersion: "2.0.0",
      settings: { automatic: true, checkIntervalMs: 50 },
    });
    upgrader.start();
    const store = new ReleaseStore(stateDir);
    expect(await restart).toBe(store.executable("2.1.0"));
    expect(drains).toHaveLength(1);
    expect(store.current()?.version).toBe("2.1.0");
    expect(store.trial()).toMatchObject({
      version: "2.1.0",
      previousExec: "/opt/gantry-agent/bin/gantry-agent",
    });
  });

  it("skip a version that was rolled back before; asked by hand, it is taken", async () => {
    edge.publish(testRelease({ version: "3.1.0", key }));
    const stateDir = tempStateDir();
    const first = upgraderFor({ stateDir, ownVersion: "3.0.0", settings: {} });
    expect(await first.upgrader.upgrade("manual")).toMatchObject({ status: "started", to: "3.1.0" });
    await first.restart;
    new ReleaseStore(stateDir).rollback();

    const again = upgraderFor({ stateDir, ownVersion: "3.0.0", settings: { automatic: true } });
    expect(await again.upgrader.upgrade("automatic")).toMatchObject({ status: "refused", code: "SKIPPED" });
    expect(again.drains).toHaveLength(0);
    expect(again.upgrader.status()).toMatchObject({ phase: "idle", lastError: null });
    expect(await again.upgrader.upgrade("manual")).toMatchObject({ status: "started", to: "3.1.0" });
  });

  it("take nothing that is not newer, quietly", async () => {
    edge.publish(testRelease({ version: "4.0.0", key }));
    const { upgrader, drains } = upgraderFor({ stateDir: tempStateDir(), ownVersion: "4.0.0", settings: {} });
    expect(await upgrader.upgrade("automatic")).toMatchObject({ status: "refused", code: "UP_TO_DATE" });
    expect(drains).toHaveLength(0);
  });
});

describe("a new version on trial", () => {
  /** A store switched to `version` by a first upgrader (downloaded, verified, on trial for `connectDeadlineMs`). */
  async function onTrial(version: string, connectDeadlineMs: number) {
    edge.publish(testRelease({ version, key }));
    const stateDir = tempStateDir();
    const old = upgraderFor({ stateDir, ownVersion: "5.0.0", settings: { connectDeadlineMs } });
    await old.upgrader.upgrade("manual");
    await old.restart;
    const store = new ReleaseStore(stateDir);
    expect(store.trial()).toMatchObject({ version, previousExec: "/opt/gantry-agent/bin/gantry-agent" });
    return { stateDir, store };
  }

  it("rolls back when it has not connected by the deadline, and restarts the previous executable", async () => {
    const { stateDir, store } = await onTrial("5.1.0", 100);
    const { upgrader, restart } = upgraderFor({ stateDir, ownVersion: "5.1.0", settings: {} });
    upgrader.start();
    expect(await restart).toBe("/opt/gantry-agent/bin/gantry-agent");
    expect(store.current()).toBeNull();
    expect(store.failedVersions()).toEqual(["5.1.0"]);
  });

  it("stands once connected: the trial ends and the deadline no longer applies", async () => {
    const { stateDir, store } = await onTrial("5.2.0", 60_000);
    const { upgrader } = upgraderFor({ stateDir, ownVersion: "5.2.0", settings: {} });
    upgrader.start();
    upgrader.connected();
    expect(store.trial()).toBeNull();
    expect(store.current()?.version).toBe("5.2.0");
    expect(store.failedVersions()).toEqual([]);
  });
});
