import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import type { SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";

const SEARCH_INDEX = { type: "SearchIndex", value: "SearchIndex" };
const find = (session: SoapSession) =>
  session.call("FindByInventoryPath", SEARCH_INDEX, "<inventoryPath>/DC0</inventoryPath>");

describe("sessions dropped on request", () => {
  let vcsim: VcsimHandle;

  // no short idle timeout here: a loaded runner must not expire a session the test still counts on
  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("drops every session on request; clients get NotAuthenticated and can log in again", async () => {
    const a = await loggedIn(vcsim);
    const b = await loggedIn(vcsim);
    expect(await vcsim.control.dropSessions()).toBeGreaterThanOrEqual(2);
    expect((await find(a)).fault).toBe("NotAuthenticated");
    expect((await find(b)).fault).toBe("NotAuthenticated");
    // methods the launcher answers itself check the session too
    const clone = await b.call("CloneVM_Task", { type: "VirtualMachine", value: "vm-1" }, "<name>x</name>");
    expect(clone.fault).toBe("NotAuthenticated");
    expect((await a.login(vcsim.username, vcsim.password)).fault).toBeUndefined();
    expect((await find(a)).fault).toBeUndefined();
    a.close();
    b.close();
  });
});

describe("idle sessions", () => {
  const IDLE_MS = 1000;
  let vcsim: VcsimHandle;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ sessionIdleTimeoutMs: IDLE_MS, guestBootDelayMs: 50 });
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("expires a session left idle longer than the idle timeout", async () => {
    const session = await loggedIn(vcsim);
    expect((await find(session)).fault).toBeUndefined();
    // the library checks idleness once per timeout period, so expiry lands within two periods
    await sleep(2 * IDLE_MS + 300);
    expect((await find(session)).fault).toBe("NotAuthenticated");
    session.close();
  });

  it("keeps a session that stays active", async () => {
    const session = await loggedIn(vcsim);
    // calls a third of the timeout apart: room for a slow call on a loaded runner
    for (let i = 0; i < 5; i++) {
      await sleep(IDLE_MS / 3);
      expect((await find(session)).fault).toBeUndefined();
    }
    session.close();
  });
});
