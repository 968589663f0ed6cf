import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { HANDED_OVER_ENV, MAX_TRIAL_STARTS, planHandover } from "./handover.ts";
import { ReleaseStore } from "./release-store.ts";
import { tempStateDir } from "./test-release.ts";

const quiet = createLogger({ level: "error", write: () => {} });

function storeWith(...versions: string[]) {
  const store = new ReleaseStore(tempStateDir());
  for (const v of versions) {
    mkdirSync(path.join(store.dir, v), { recursive: true });
    writeFileSync(store.executable(v), v);
    writeFileSync(`${store.executable(v)}.sig`, "");
  }
  return store;
}

const handover = (store: ReleaseStore, now: number, env: NodeJS.ProcessEnv = {}) =>
  planHandover({
    store,
    ownVersion: "1.0.0",
    ownExec: "/opt/gantry-agent/bin/gantry-agent",
    publicKey: null,
    env,
    now,
    log: quiet,
  });

describe("ReleaseStore: switch, confirm, roll back", () => {
  it("switches under trial and keeps only the confirmed version", () => {
    const store = storeWith("1.1.0", "1.2.0");
    store.point("1.1.0");
    store.switchTo("1.2.0", { previousExec: "/x", deadline: 1000 });
    expect(store.current()?.version).toBe("1.2.0");
    expect(store.trial()).toMatchObject({ version: "1.2.0", previous: "1.1.0", starts: 0 });
    expect(store.confirm("1.1.0")).toBe(false);
    expect(store.confirm("1.2.0")).toBe(true);
    expect(store.trial()).toBeNull();
    expect(store.has("1.1.0")).toBe(false);
    expect(store.has("1.2.0")).toBe(true);
  });

  it("rolls back to what ran before and remembers the failed version", () => {
    const store = storeWith("1.2.0");
    store.switchTo("1.2.0", { previousExec: "/opt/gantry-agent/bin/gantry-agent", deadline: 1000 });
    expect(store.rollback()).toMatchObject({ version: "1.2.0", previous: null });
    expect(store.current()).toBeNull();
    expect(store.failedVersions()).toEqual(["1.2.0"]);
  });
});

describe("planHandover: the installed executable's start", () => {
  it("rolls back a trial whose deadline passed before the new version connected", async () => {
    const store = storeWith("1.2.0");
    store.switchTo("1.2.0", { previousExec: "/x", deadline: 1000 });
    expect(await handover(store, 2000)).toBeNull();
    expect(store.current()).toBeNull();
    expect(store.failedVersions()).toEqual(["1.2.0"]);
  });

  it(`rolls back a new version that crashed ${MAX_TRIAL_STARTS} times before connecting`, async () => {
    const store = storeWith("1.2.0");
    store.switchTo("1.2.0", { previousExec: "/x", deadline: 10_000 });
    for (let i = 1; i <= MAX_TRIAL_STARTS; i++) {
      await handover(store, 0);
      expect(store.trial()?.starts).toBe(i);
    }
    await handover(store, 0);
    expect(store.trial()).toBeNull();
    expect(store.current()).toBeNull();
  });

  it("does not count the start of a process it handed over to, and never runs an unverifiable release", async () => {
    const store = storeWith("1.2.0");
    store.switchTo("1.2.0", { previousExec: "/x", deadline: 10_000 });
    // publicKey null: no verification possible, so the installed executable keeps running
    expect(await handover(store, 0, { [HANDED_OVER_ENV]: "1" })).toBeNull();
    expect(store.trial()?.starts).toBe(0);
  });
});
