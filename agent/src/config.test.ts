import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

const dir = mkdtempSync(path.join(tmpdir(), "gantry-config-"));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("loadConfig", () => {
  it("applies defaults to an empty file", () => {
    const loaded = loadConfig({ file: file("empty.json", "{}"), env: {} });
    expect(loaded).toMatchObject({
      ok: true,
      value: {
        config: { concurrency: 2, gracePeriodMs: 300_000, reconnect: { baseMs: 1000, capMs: 30_000 } },
      },
    });
  });

  it("lets the environment override the file", () => {
    const loaded = loadConfig({
      file: file("c.json", JSON.stringify({ concurrency: 3 })),
      env: { GANTRY_CONCURRENCY: "5", GANTRY_HEALTH_PORT: "0" },
    });
    expect(loaded).toMatchObject({ ok: true, value: { config: { concurrency: 5, health: { port: 0 } } } });
  });

  it("lists every bad field at once", () => {
    const loaded = loadConfig({
      file: file("bad.json", JSON.stringify({ concurrency: 0, logLevel: "loud", edgeUrl: "nope" })),
      env: {},
    });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.map((e) => e.split(":")[0])).toEqual(
        expect.arrayContaining(["concurrency", "logLevel", "edgeUrl"]),
      );
    }
  });

  it("reads the vCenter password from systemd's credentials directory", () => {
    const creds = mkdtempSync(path.join(tmpdir(), "gantry-creds-"));
    writeFileSync(path.join(creds, "vcenter-password"), "s3cret\n");
    const cfg = file("vc.json", JSON.stringify({ vcenter: { url: "https://vc.local", username: "svc" } }));
    expect(loadConfig({ file: cfg, env: { CREDENTIALS_DIRECTORY: creds } })).toMatchObject({
      ok: true,
      value: { vcenterPassword: "s3cret" },
    });
  });

  it("fails when vCenter is configured without a password source", () => {
    const cfg = file("nopw.json", JSON.stringify({ vcenter: { url: "https://vc.local", username: "svc" } }));
    expect(loadConfig({ file: cfg, env: {} })).toMatchObject({ ok: false });
  });

  it("fails on a missing explicit file and on invalid JSON", () => {
    expect(loadConfig({ file: path.join(dir, "missing.json"), env: {} }).ok).toBe(false);
    expect(loadConfig({ file: file("broken.json", "{"), env: {} }).ok).toBe(false);
  });
});
