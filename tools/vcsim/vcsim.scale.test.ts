import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import type { SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";

describe("vcsim launcher with -scale", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ scale: { folders: 150, pools: 7, networks: 5, templates: 3 } });
    session = await loggedIn(vcsim);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("adds VM folders in groups of a hundred, pools, portgroups and templates", async () => {
    const found = async (path: string) => (await session.findByPath(path)) !== undefined;
    expect(await found("/DC0/vm/scale-00/folder-00000")).toBe(true);
    expect(await found("/DC0/vm/scale-01/folder-00149")).toBe(true);
    expect(await found("/DC0/vm/scale-01/folder-00150")).toBe(false);
    expect(await found("/DC0/host/DC0_C0/Resources/DC0_C0_RP7")).toBe(true);
    expect(await found("/DC0/network/DC0_DVPG4")).toBe(true);
    const template = await session.findByPath("/DC0/vm/scale-templates/tmpl-0002");
    expect(template?.type).toBe("VirtualMachine");
    if (!template) return;
    expect((await session.retrieve(template, ["config.template"])).get("config.template")?.text).toBe("true");
    // the model's own template is still there
    expect(await found(vcsim.templatePath)).toBe(true);
  });
});
