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

  it("prefers systemd's credential over a passwordFile the service user may not read", () => {
    const creds = mkdtempSync(path.join(tmpdir(), "gantry-creds-"));
    writeFileSync(path.join(creds, "vcenter-password"), "from-systemd\n");
    // the root-only file LoadCredential= reads for us: unreadable to the agent (here: it does not exist)
    const cfg = file(
      "both.json",
      JSON.stringify({
        vcenter: {
          url: "https://vc.local",
          username: "svc",
          passwordFile: path.join(dir, "root-only-password"),
        },
      }),
    );
    expect(loadConfig({ file: cfg, env: { CREDENTIALS_DIRECTORY: creds } })).toMatchObject({
      ok: true,
      value: { vcenterPassword: "from-systemd" },
    });
    // outside systemd the file is what there is
    writeFileSync(path.join(dir, "root-only-password"), "from-file\n");
    expect(loadConfig({ file: cfg, env: {} })).toMatchObject({
      ok: true,
      value: { vcenterPassword: "from-file" },
    });
  });

  it("reads allowInsecureEdge from the file or GANTRY_ALLOW_INSECURE_EDGE, off by default", () => {
    const plain = file("insecure-default.json", "{}");
    expect(loadConfig({ file: plain, env: {} })).toMatchObject({
      ok: true,
      value: { config: { allowInsecureEdge: false } },
    });
    expect(loadConfig({ file: plain, env: { GANTRY_ALLOW_INSECURE_EDGE: "true" } })).toMatchObject({
      ok: true,
      value: { config: { allowInsecureEdge: true } },
    });
    const on = file("insecure-on.json", JSON.stringify({ allowInsecureEdge: true }));
    expect(loadConfig({ file: on, env: {} })).toMatchObject({
      ok: true,
      value: { config: { allowInsecureEdge: true } },
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

  it("defaults to no allowlist and the spec's retry policy", () => {
    const loaded = loadConfig({ file: file("defaults.json", "{}"), env: {} });
    expect(loaded.ok && loaded.value.config.allowlist).toBeUndefined();
    expect(loaded).toMatchObject({
      ok: true,
      value: { config: { retry: { attempts: 5, baseMs: 10_000, capMs: 120_000 } } },
    });
  });

  it("reads a placement allowlist and a millisecond retry policy", () => {
    const allowlist = {
      templates: ["/DC0/vm/templates"],
      folders: ["/DC0/vm/gantry/"],
      networks: [],
    };
    const cfg = file(
      "pinned.json",
      JSON.stringify({ allowlist, retry: { attempts: 2, baseMs: 5, capMs: 20 } }),
    );
    expect(loadConfig({ file: cfg, env: {} })).toMatchObject({
      ok: true,
      value: { config: { allowlist, retry: { attempts: 2, baseMs: 5, capMs: 20 } } },
    });
  });

  it("gives every wait on vCenter a deadline: a generous clone, the others proportionate, all configurable", () => {
    expect(loadConfig({ file: file("waits-default.json", "{}"), env: {} })).toMatchObject({
      ok: true,
      value: {
        config: {
          waits: {
            cloneMs: 3_600_000,
            reconfigureMs: 600_000,
            powerOnMs: 600_000,
            networkMs: 120_000,
            cleanupMs: 120_000,
            quietMs: 60_000,
          },
        },
      },
    });
    const loaded = loadConfig({
      file: file("waits.json", JSON.stringify({ waits: { cloneMs: 7_200_000 } })),
      env: { GANTRY_WAIT_QUIET_MS: "5000" },
    });
    expect(loaded).toMatchObject({
      ok: true,
      value: { config: { waits: { cloneMs: 7_200_000, quietMs: 5000 } } },
    });
  });

  it("lets the environment set the retry policy", () => {
    const loaded = loadConfig({
      file: file("retry-env.json", JSON.stringify({ retry: { attempts: 3 } })),
      env: { GANTRY_RETRY_ATTEMPTS: "4", GANTRY_RETRY_BASE_MS: "50" },
    });
    expect(loaded).toMatchObject({
      ok: true,
      value: { config: { retry: { attempts: 4, baseMs: 50, capMs: 120_000 } } },
    });
  });

  it("refuses an allowlist with a misspelt kind or a path that could never match", () => {
    const errorsOf = (name: string, allowlist: unknown) => {
      const loaded = loadConfig({ file: file(name, JSON.stringify({ allowlist })), env: {} });
      return loaded.ok ? [] : loaded.error;
    };
    // a misspelt kind would otherwise leave templates unrestricted
    expect(errorsOf("kind.json", { template: ["/DC0/vm"] })).toEqual([
      expect.stringMatching(/^allowlist: .*template/),
    ]);
    expect(errorsOf("relative.json", { folders: ["DC0/vm"] })).toEqual([
      expect.stringMatching(/^allowlist\.folders\.0: must be an inventory path/),
    ]);
    expect(errorsOf("dots.json", { pools: ["/DC0/host/../vm"] })).toEqual([
      expect.stringMatching(/^allowlist\.pools\.0: /),
    ]);
    expect(errorsOf("not-a-list.json", { networks: "/DC0/network" })).toEqual([
      expect.stringMatching(/^allowlist\.networks: /),
    ]);
  });

  it("refuses a retry policy out of bounds", () => {
    const errorsOf = (name: string, retry: unknown) => {
      const loaded = loadConfig({ file: file(name, JSON.stringify({ retry })), env: {} });
      return loaded.ok ? [] : loaded.error.map((e) => e.split(":")[0]);
    };
    expect(errorsOf("r0.json", { attempts: 0 })).toEqual(["retry.attempts"]);
    expect(errorsOf("r21.json", { attempts: 21 })).toEqual(["retry.attempts"]);
    expect(errorsOf("rbase.json", { baseMs: 0 })).toEqual(["retry.baseMs"]);
    expect(errorsOf("rcap.json", { capMs: 600_001 })).toEqual(["retry.capMs"]);
    expect(errorsOf("rorder.json", { baseMs: 500, capMs: 100 })).toEqual(["retry.capMs"]);
  });
});
