import { readFile } from "node:fs/promises";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, PASSWORD, startTestVcsim, USER } from "./test-support/start.ts";
import { at, textAt } from "./test-support/xml-tree.ts";

const SERVICE_INSTANCE = { type: "ServiceInstance", value: "ServiceInstance" };

describe("vcsim launcher", () => {
  let vcsim: VcsimHandle;
  let ca: string;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    ca = await readFile(vcsim.caFile ?? "", "utf8");
  });
  afterAll(async () => {
    await vcsim?.stop();
  });

  it("reports the ready info", () => {
    expect(vcsim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/sdk$/);
    expect(vcsim.username).toBe(USER);
    expect(vcsim.password).toBe(PASSWORD);
    expect(vcsim.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(vcsim.external).toBe(false);
    expect(vcsim.templatePath).toBe("/DC0/vm/ubuntu-22.04-tmpl");
  });

  it("serves TLS that node verifies against the CA file", async () => {
    const session = new SoapSession(vcsim.url, ca);
    const body = await session.ok("RetrieveServiceContent", SERVICE_INSTANCE);
    expect(textAt(body, "returnval", "about", "apiType")).toBe("VirtualCenter");
    session.close();
  });

  it("is rejected by node's default verification without the CA", async () => {
    const status = new Promise((resolve, reject) => {
      https.get(vcsim.url, { agent: false }, (res) => resolve(res.statusCode)).on("error", reject);
    });
    await expect(status).rejects.toThrow(/self[- ]signed/i);
  });

  it("answers a wrong password with InvalidLogin", async () => {
    const session = new SoapSession(vcsim.url, ca);
    const reply = await session.login(USER, "wrong");
    expect(reply.status).toBe(500);
    expect(reply.fault).toBe("InvalidLogin");
    expect((await session.login(USER, PASSWORD)).fault).toBeUndefined();
    session.close();
  });

  it("prepares the template: powered off, marked as template, 10 GiB disk", async () => {
    const session = await loggedIn(vcsim);
    const template = await session.findByPath(vcsim.templatePath);
    expect(template?.type).toBe("VirtualMachine");
    if (!template) return;
    const props = await session.retrieve(template, [
      "config.template",
      "runtime.powerState",
      "config.hardware.device",
      "config.guestId",
    ]);
    expect(props.get("config.template")?.text).toBe("true");
    expect(props.get("runtime.powerState")?.text).toBe("poweredOff");
    expect(props.get("config.guestId")?.text).toBe("ubuntu64Guest");
    const disk = props.get("config.hardware.device")?.children.find((d) => d.attrs.xsiType === "VirtualDisk");
    expect(textAt(disk, "capacityInKB")).toBe(String(10 * 1024 * 1024));
    expect(textAt(disk, "backing", "fileName")).toBe("[LocalDS_0] ubuntu-22.04-tmpl/ubuntu-22.04-tmpl.vmdk");
    session.close();
  });

  it("counts SOAP calls per method and resets the counts", async () => {
    await vcsim.control.resetCounts();
    const session = await loggedIn(vcsim);
    await session.findByPath("/DC0/vm");
    await session.findByPath("/DC0/host");
    expect(await vcsim.control.counts()).toEqual({ Login: 1, FindByInventoryPath: 2 });
    await vcsim.control.resetCounts();
    expect(await vcsim.control.counts()).toEqual({});
    session.close();
  });

  it("reads and changes settings", async () => {
    expect(await vcsim.control.settings()).toMatchObject({ guestLinkLocalMs: 0 });
    const changed = await vcsim.control.settings({
      guestBootDelayMs: 70,
      guestLinkLocalMs: 40,
      taskDelaysMs: { PowerOnVM_Task: 10 },
    });
    expect(changed).toEqual({
      guestBootDelayMs: 70,
      guestShutdownDelayMs: 300,
      guestLinkLocalMs: 40,
      taskDelaysMs: { PowerOnVM_Task: 10 },
    });
    expect(await vcsim.control.settings({ taskDelaysMs: {}, guestShutdownDelayMs: 20 })).toEqual({
      guestBootDelayMs: 70,
      guestShutdownDelayMs: 20,
      guestLinkLocalMs: 40,
      taskDelaysMs: {},
    });
  });
});

// keep the helper import used when the file grows
void at;
