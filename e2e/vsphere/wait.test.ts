import { resultRef, waitForTask } from "@gantry/agent/vsphere/task";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { inventory, startClone } from "@gantry/vcsim/test-support/inventory";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, memoryLogger, startTestVcsim } from "./fixture.ts";

describe("PropertyWaiter against vcsim", () => {
  let vcsim: VcsimHandle;

  beforeAll(async () => {
    vcsim = await startTestVcsim();
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("reads a silent watch's objects again, so an update the long poll never delivers cannot leave it waiting", async () => {
    const { log, lines } = memoryLogger();
    // long polls of 30 s that, here, are never answered: only the re-read can see the clone end
    const client = clientFor(vcsim, { log, quietMs: 500, waitMaxSeconds: 30, callTimeoutMs: 60_000 });
    try {
      const session = await loggedIn(vcsim);
      const task = await startClone(session, await inventory(session, vcsim.templatePath), {
        name: `silent-${Date.now().toString(36)}`,
      });
      await vcsim.control.resetCounts();
      await vcsim.control.injectFault({ method: "WaitForUpdatesEx", fault: "hang", count: 1 });
      const result = await waitForTask(client.waiter, { type: "Task", value: task.value });
      expect(resultRef(result)?.type).toBe("VirtualMachine");
      const counts = await vcsim.control.counts();
      // the one long poll is still hanging: the answer came from the re-read
      expect(counts.WaitForUpdatesEx).toBe(1);
      expect(counts.RetrievePropertiesEx ?? 0).toBeGreaterThanOrEqual(1);
      expect(lines.some((l) => l.includes("watch heard nothing; reading its objects again"))).toBe(true);
    } finally {
      await vcsim.control.clearFaults();
      await client.close();
    }
  }, 30_000);

  it("fails a watch that passes its deadline with a WaitTimeout naming what it waited for", async () => {
    const client = clientFor(vcsim, { quietMs: 0 });
    try {
      await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 3000 } });
      const session = await loggedIn(vcsim);
      const task = await startClone(session, await inventory(session, vcsim.templatePath), {
        name: `late-${Date.now().toString(36)}`,
      });
      await expect(
        waitForTask(
          client.waiter,
          { type: "Task", value: task.value },
          { deadline: { ms: 300, what: "the clone" } },
        ),
      ).rejects.toMatchObject({
        name: "WaitTimeout",
        retryable: false,
        message: "vCenter did not finish the clone within 1 min",
      });
    } finally {
      await vcsim.control.settings({ taskDelaysMs: {} });
      await client.close();
    }
  });
});
