import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareUpgrade } from "./prepare-upgrade.ts";
import { ReleaseStore } from "./release-store.ts";
import { serveReleases, tempStateDir, testKey, testRelease } from "./test-release.ts";

const key = testKey();
let edge: Awaited<ReturnType<typeof serveReleases>>;
beforeAll(async () => {
  edge = await serveReleases();
});
afterAll(() => edge.close());

const prepare = (store: ReleaseStore, ownVersion = "1.0.0", publicKey: string | null = key.publicKey) =>
  prepareUpgrade({ edgeUrl: edge.url, store, ownVersion, arch: "x64", publicKey });

describe("prepareUpgrade: nothing unverified reaches the store", () => {
  it("downloads, verifies and keeps a newer signed release", async () => {
    edge.publish(testRelease({ version: "1.1.0", key }));
    const store = new ReleaseStore(tempStateDir());
    const prepared = await prepare(store);
    expect(prepared).toEqual({
      ok: true,
      value: { version: "1.1.0", executable: store.executable("1.1.0") },
    });
    expect(readFileSync(store.executable("1.1.0"), "utf8")).toContain("echo 1.1.0");
    expect(store.current()).toBeNull();
  });

  it("refuses a download whose bytes were changed after signing, even with a matching checksum", async () => {
    edge.publish(testRelease({ version: "1.2.0", key, tamper: "bytes-and-checksum" }));
    const store = new ReleaseStore(tempStateDir());
    const prepared = await prepare(store);
    expect(prepared).toMatchObject({ ok: false, error: { code: "BAD_SIGNATURE" } });
    expect(store.has("1.2.0")).toBe(false);
  });

  it("refuses a download that does not match the manifest's checksum", async () => {
    edge.publish(testRelease({ version: "1.3.0", key, tamper: "bytes-only" }));
    const prepared = await prepare(new ReleaseStore(tempStateDir()));
    expect(prepared).toMatchObject({ ok: false, error: { code: "DOWNLOAD_FAILED" } });
    expect(prepared.ok || prepared.error.message).toMatch(/more than the|checksum mismatch/);
  });

  it("refuses a release signed with another key", async () => {
    edge.publish(testRelease({ version: "1.4.0", key: testKey() }));
    expect(await prepare(new ReleaseStore(tempStateDir()))).toMatchObject({
      ok: false,
      error: { code: "BAD_SIGNATURE" },
    });
  });

  it("takes nothing that is not newer, and nothing at all without a compiled-in key", async () => {
    edge.publish(testRelease({ version: "1.1.0", key }));
    const store = new ReleaseStore(tempStateDir());
    expect(await prepare(store, "1.1.0")).toMatchObject({ ok: false, error: { code: "UP_TO_DATE" } });
    expect(await prepare(store, "2.0.0")).toMatchObject({ ok: false, error: { code: "UP_TO_DATE" } });
    expect(await prepare(store, "1.0.0", null)).toMatchObject({
      ok: false,
      error: { code: "UNSIGNED_BUILD" },
    });
  });
});
