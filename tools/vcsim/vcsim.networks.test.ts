import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import type { MoRef, SoapSession } from "./test-support/soap-session.ts";
import { refOf } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { kids, textAt } from "./test-support/xml-tree.ts";

/** Each portgroup of the model's distributed switch: its name, config.uplink and tag keys. */
async function portgroups(session: SoapSession) {
  const dvs = await session.findByPath("/DC0/network/DVS0");
  if (!dvs) throw new Error("no /DC0/network/DVS0 in the model");
  const props = await session.retrieve(dvs, ["portgroup", "config.uplinkPortgroup"]);
  const refs = (name: string) =>
    kids(props.get(name), "ManagedObjectReference").flatMap((node) => refOf(node) ?? []);
  const all = await Promise.all(
    refs("portgroup").map(async (pg: MoRef) => {
      const p = await session.retrieve(pg, ["name", "config.uplink", "tag"]);
      return {
        ref: pg.value,
        name: textAt(p.get("name")) ?? "",
        uplink: textAt(p.get("config.uplink")) ?? null,
        tags: kids(p.get("tag"), "Tag").map((t) => textAt(t, "key")),
      };
    }),
  );
  return { all, uplinkRefs: refs("config.uplinkPortgroup").map((r) => r.value) };
}

describe("vcsim launcher: distributed switch uplinks", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  beforeAll(async () => {
    vcsim = await startTestVcsim();
    session = await loggedIn(vcsim);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("marks the switch's uplink portgroup as vCenter does: config.uplink, its tag, the switch's list", async () => {
    const { all, uplinkRefs } = await portgroups(session);
    const uplinks = all.filter((pg) => pg.name.includes("-DVUplinks"));
    expect(uplinks).toHaveLength(1);
    expect(uplinks[0]).toMatchObject({ uplink: "true", tags: ["SYSTEM/DVS.UPLINKPG"] });
    expect(uplinkRefs).toEqual([uplinks[0]?.ref]);
  });

  it("leaves the portgroups VMs attach to unmarked", async () => {
    const { all } = await portgroups(session);
    const vmPortgroup = all.find((pg) => pg.name === "DC0_DVPG0");
    expect(vmPortgroup).toMatchObject({ tags: [] });
    expect(vmPortgroup?.uplink === null || vmPortgroup?.uplink === "false").toBe(true);
  });
});
