import { isFault, VsphereFault } from "@gantry/agent/vsphere/faults";
import { currentTime } from "@gantry/agent/vsphere/methods/current-time";
import { findByInventoryPath } from "@gantry/agent/vsphere/methods/find-by-inventory-path";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, memoryLogger, PASSWORD, startTestVcsim } from "./fixture.ts";

describe("vSphere session against vcsim", () => {
  let vcsim: VcsimHandle;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ sessionIdleTimeoutMs: 1500 });
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("logs in lazily, reads the service content and logs out", async () => {
    const client = clientFor(vcsim);
    const content = await client.connect();
    expect(content.about.apiVersion).toMatch(/^\d+\.\d+/);
    expect(content.searchIndex.type).toBe("SearchIndex");
    expect(await findByInventoryPath(client.scope(), vcsim.templatePath)).toMatchObject({
      type: "VirtualMachine",
    });
    expect(client.roundTrips.snapshot().byMethod).toMatchObject({ RetrieveServiceContent: 1, Login: 1 });
    await client.close();
    expect(client.roundTrips.byMethod.get("Logout")).toBe(1);
  });

  it("rejects a wrong password with a non-retryable InvalidLogin and never logs the password", async () => {
    const { log, lines } = memoryLogger();
    const client = clientFor(vcsim, { log, config: { password: "wrong-password" } });
    const err = await client.connect().catch((e: unknown) => e);
    expect(isFault(err, "InvalidLogin")).toBe(true);
    expect(err instanceof VsphereFault && err.retryable).toBe(false);
    expect(lines.join("\n")).not.toContain("wrong-password");
    await client.close();
  });

  it("answers an unknown inventory path with undefined", async () => {
    const client = clientFor(vcsim);
    expect(await findByInventoryPath(client.scope(), "/DC0/vm/no-such-vm")).toBeUndefined();
    await client.close();
  });

  it("logs in again exactly once after vCenter dropped every session", async () => {
    const client = clientFor(vcsim);
    await client.connect();
    expect(await vcsim.control.dropSessions()).toBeGreaterThan(0);
    expect(await findByInventoryPath(client.scope(), vcsim.templatePath)).toBeDefined();
    expect(client.roundTrips.byMethod.get("Login")).toBe(2);
    expect(client.session.generation).toBe(2);
    await client.close();
  });

  it("does not loop when the re-login itself is refused", async () => {
    const client = clientFor(vcsim);
    await client.connect();
    await vcsim.control.dropSessions();
    await vcsim.control.injectFault({ method: "Login", fault: "InvalidLogin", count: 1 });
    const err = await findByInventoryPath(client.scope(), vcsim.templatePath).catch((e: unknown) => e);
    expect(isFault(err, "InvalidLogin")).toBe(true);
    expect(client.roundTrips.byMethod.get("Login")).toBe(2);
    expect(client.roundTrips.byMethod.get("FindByInventoryPath")).toBe(1);
    await client.close();
  });

  it("keeps an idle session alive with CurrentTime before the idle timeout", async () => {
    const client = clientFor(vcsim, { keepAliveIdleMs: 400 });
    await client.connect();
    await new Promise((r) => setTimeout(r, 2500)); // longer than the simulator's 1.5 s idle timeout
    await currentTime(client.scope());
    expect(client.roundTrips.byMethod.get("Login")).toBe(1);
    expect(client.roundTrips.byMethod.get("CurrentTime")).toBeGreaterThan(1);
    await client.close();
  });

  it("logs in again exactly once after the session idled out", async () => {
    const { log, lines } = memoryLogger();
    const client = clientFor(vcsim, { log, keepAliveIdleMs: 60_000 });
    await client.connect();
    await new Promise((r) => setTimeout(r, 2500));
    const now = await currentTime(client.scope());
    expect(now.getTime()).not.toBeNaN();
    expect(client.roundTrips.byMethod.get("Login")).toBe(2);
    expect(lines.some((l) => l.includes("session lost"))).toBe(true);
    expect(lines.join("\n")).not.toContain(PASSWORD);
    await client.close();
  });
});
