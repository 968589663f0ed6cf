import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import type { SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { watchTask } from "./test-support/waits.ts";

describe("vcsim launcher with -stock", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let inv: Inventory;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ stock: true });
    session = await loggedIn(vcsim);
    inv = await inventory(session, vcsim.templatePath);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("keeps the library's clone: powerOn and CPU are ignored", async () => {
    const trace = await watchTask(
      session,
      await startClone(session, inv, { name: "plain", numCPUs: 4, powerOn: true }),
    );
    expect(trace.state).toBe("success");
    if (!trace.result) return;
    const props = await session.retrieve(trace.result, ["runtime.powerState", "config.hardware.numCPU"]);
    expect(props.get("runtime.powerState")?.text).toBe("poweredOff");
    expect(props.get("config.hardware.numCPU")?.text).toBe("2");
  });

  it("still counts calls and injects faults", async () => {
    await vcsim.control.resetCounts();
    await vcsim.control.injectFault({ method: "FindByInventoryPath", fault: "http500" });
    expect(
      (
        await session.call(
          "FindByInventoryPath",
          { type: "SearchIndex", value: "SearchIndex" },
          "<inventoryPath>/DC0</inventoryPath>",
        )
      ).status,
    ).toBe(500);
    expect(await vcsim.control.counts()).toEqual({ FindByInventoryPath: 1 });
  });
});
