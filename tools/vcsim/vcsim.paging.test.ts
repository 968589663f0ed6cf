import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { type MoRef, moref, refOf, type SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { at, kids, textAt } from "./test-support/xml-tree.ts";

// vCenter pages RetrievePropertiesEx by options.maxObjects (a token, then ContinueRetrievePropertiesEx);
// the library answers everything at once, so the launcher pages its answer (paged_retrieve.go)
const COLLECTOR: MoRef = { type: "PropertyCollector", value: "propertyCollector" };
const SERVICE_INSTANCE: MoRef = { type: "ServiceInstance", value: "ServiceInstance" };

describe("vcsim launcher: paged property retrieval", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let view: MoRef;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ scale: { vms: 7, markers: 3 } });
    session = await loggedIn(vcsim);
    const content = at(await session.ok("RetrieveServiceContent", SERVICE_INSTANCE), "returnval");
    const root = refOf(at(content, "rootFolder"));
    const viewManager = refOf(at(content, "viewManager"));
    if (!root || !viewManager) throw new Error("no root folder or view manager");
    const created = await session.ok(
      "CreateContainerView",
      viewManager,
      `${moref("container", root)}<type>VirtualMachine</type><recursive>true</recursive>`,
    );
    const ref = refOf(at(created, "returnval"));
    if (!ref) throw new Error("no view");
    view = ref;
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  const spec = () =>
    "<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet>" +
    `<objectSet>${moref("obj", view)}<skip>true</skip><selectSet xsi:type="TraversalSpec">` +
    "<type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet>";
  const names = (result: ReturnType<typeof at>) =>
    kids(result, "objects").map((o) => textAt(kids(o, "propSet")[0], "val") ?? "");

  it("answers pages of maxObjects with a token, the last without one, every VM once", async () => {
    const whole = names(
      at(await session.ok("RetrievePropertiesEx", COLLECTOR, `${spec()}<options/>`), "returnval"),
    );
    expect(whole.length).toBeGreaterThan(7);
    const seen: string[] = [];
    let result = at(
      await session.ok(
        "RetrievePropertiesEx",
        COLLECTOR,
        `${spec()}<options><maxObjects>3</maxObjects></options>`,
      ),
      "returnval",
    );
    let pages = 1;
    for (;;) {
      const page = names(result);
      expect(page.length).toBeLessThanOrEqual(3);
      seen.push(...page);
      const token = textAt(result, "token");
      if (token === undefined) break;
      result = at(
        await session.ok("ContinueRetrievePropertiesEx", COLLECTOR, `<token>${token}</token>`),
        "returnval",
      );
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(whole.length / 3));
    expect(seen.sort()).toEqual([...whole].sort());
  });

  it("creates the -scale vms, the first `markers` of them with Gantry's marker", async () => {
    expect((await vcsim.control.vm({ name: "vm-0002" })).extraConfig["gantry.requestId"]).toBe(
      "unowned-0002",
    );
    expect((await vcsim.control.vm({ name: "vm-0003" })).extraConfig["gantry.requestId"]).toBeUndefined();
  });
});
