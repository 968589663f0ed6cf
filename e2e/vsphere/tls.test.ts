import { createVsphereClient } from "@gantry/agent/vsphere/client";
import { VsphereFault } from "@gantry/agent/vsphere/faults";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger, startTestVcsim } from "./fixture.ts";

describe("vCenter TLS trust", () => {
  let vcsim: VcsimHandle;

  beforeAll(async () => {
    vcsim = await startTestVcsim();
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  const base = () => ({ url: vcsim.url, username: vcsim.username, password: vcsim.password });

  it("connects when the certificate matches the pinned SHA-256 thumbprint", async () => {
    const client = createVsphereClient(
      { ...base(), thumbprintSha256: vcsim.sha256 ?? "" },
      { log: memoryLogger().log },
    );
    await expect(client.connect()).resolves.toMatchObject({ about: { apiType: "VirtualCenter" } });
    await client.close();
  });

  it("refuses a certificate that does not match the pin and never logs in", async () => {
    const client = createVsphereClient(
      { ...base(), thumbprintSha256: "00".repeat(32) },
      { log: memoryLogger().log },
    );
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VsphereFault);
    expect(err).toMatchObject({ name: "TlsError", retryable: false });
    expect(client.roundTrips.byMethod.get("Login")).toBeUndefined();
    await client.close();
  });

  it("refuses an untrusted certificate when neither a CA file nor a pin is configured", async () => {
    const client = createVsphereClient(base(), { log: memoryLogger().log });
    await expect(client.connect()).rejects.toMatchObject({ name: "TlsError", retryable: false });
    await client.close();
  });

  it("skips verification only with insecure: true, and says so loudly", async () => {
    const { log, lines } = memoryLogger();
    const client = createVsphereClient({ ...base(), insecure: true }, { log });
    await expect(client.connect()).resolves.toBeDefined();
    expect(lines.some((l) => l.includes('"level":"warn"') && l.includes("DISABLED"))).toBe(true);
    await client.close();
  });
});
