import { afterEach, describe, expect, it, vi } from "vitest";
import { startVcsim } from "./vcsim.ts";

describe("startVcsim with VCSIM_URL", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("returns a handle to the external simulator with credentials from the URL", async () => {
    vi.stubEnv("VCSIM_URL", "https://alice:p%40ss@vcsim.test:8989");
    const vcsim = await startVcsim();
    expect(vcsim).toMatchObject({
      url: "https://vcsim.test:8989/sdk",
      username: "alice",
      password: "p@ss",
      external: true,
      templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
    });
    await expect(vcsim.control.counts()).rejects.toThrow(/not available on an external simulator/);
    await vcsim.stop();
  });

  it("takes credentials from VCSIM_USERNAME/VCSIM_PASSWORD when the URL has none", async () => {
    vi.stubEnv("VCSIM_URL", "http://127.0.0.1:9/sdk");
    vi.stubEnv("VCSIM_USERNAME", "bob");
    vi.stubEnv("VCSIM_PASSWORD", "pw");
    const vcsim = await startVcsim();
    expect([vcsim.username, vcsim.password, vcsim.caFile]).toEqual(["bob", "pw", undefined]);
  });

  it("starts our launcher anyway when the caller requires the control API", async () => {
    vi.stubEnv("VCSIM_URL", "https://vcsim.test:8989/sdk");
    const vcsim = await startVcsim({ requireControl: true, templatePath: "" });
    try {
      expect(vcsim.external).toBe(false);
      expect(await vcsim.control.counts()).toEqual({});
    } finally {
      await vcsim.stop();
    }
  });
});
