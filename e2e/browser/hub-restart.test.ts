import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LocalStack, startLocalStack } from "@gantry/dev/local-stack";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { recordStepper, stepperLog, submitRequest, waitForStatus } from "./support/flows.ts";

const STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"] as const;
// a successful run's history, oldest first: each event once
const HISTORY = [
  "Request submitted",
  "Approved",
  "Provisioning started",
  "Cloning the template",
  "Configuring hardware",
  "Powering on",
  "Waiting for the network",
  "VM ready",
];

const VmFacts = z.object({ vmName: z.string(), vmwareId: z.string() }).loose();

// A stack of its own (the shared one must not restart under the other files): VCSIM, the edge serving the
// web build, one agent. The clone takes 4 s, so the restart falls inside it.
let stack: LocalStack;
let stateDir: string;
let browser: Browser;
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "gantry-hub-restart-"));
  stack = await startLocalStack({
    stateDir,
    agents: 1,
    buildWeb: false,
    guestBootDelayMs: 1000,
    echo: process.env.GANTRY_ECHO === "1",
  });
  await stack.vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 4000 } });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("the edge restarts while a member watches their VM being built", () => {
  it("the stepper catches up on its own: every stage done, nothing lost, one VM", async () => {
    const at = { edgeUrl: stack.edgeUrl };
    const member = await signedInPage(browser, USERS.alice, { ...at, at: "/requests/new" });
    const name = uniqueVmName("restart");
    const requestId = await submitRequest(member, { name });
    await waitForStatus(member, "Waiting for approval");
    await recordStepper(member);

    const admin: Page = await signedInPage(browser, USERS.adam, { ...at, at: `/requests/${requestId}` });
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.getByRole("alertdialog").waitFor({ state: "detached" });

    await member.locator('[data-step="CLONING"][data-state="current"]').waitFor({ timeout: 60_000 });
    // every Durable Object (the agents' hub, the request's progress, the tenant's feed) and every socket
    // to them restarts, as a deploy or a crash of the runtime does
    await stack.edge.restart();

    for (const stage of STAGES) {
      await member.locator(`[data-step="${stage}"][data-state="done"]`).waitFor({ timeout: 90_000 });
    }
    await waitForStatus(member, "Ready");
    const history = member.getByRole("list", { name: "Request history" });
    await history.locator('li[data-kind="VM_READY"]').waitFor();
    expect(await history.locator(".timeline__title").allTextContents()).toEqual(HISTORY);
    await screenshot(member, "request-ready-after-hub-restart");
    const { log, sameDocument } = await stepperLog(member);
    // the page that watched is the one loaded before approval: it caught up without a reload
    expect(sameDocument).toBe(true);
    for (const stage of STAGES) expect(log).toContainEqual([stage, "done"]);

    // one clone, one VM: the restart repeated nothing in vCenter
    expect((await stack.vcsim.control.counts()).CloneVM_Task).toBe(1);
    const input = encodeURIComponent(JSON.stringify({ requestId }));
    const detail = z
      .object({ result: z.object({ data: z.object({ request: z.object({ vm: VmFacts }).loose() }) }) })
      .parse(await (await member.context().request.get(`/trpc/requests.get?input=${input}`)).json());
    const vm = await stack.vcsim.control.vm({ name: detail.result.data.request.vm.vmName });
    expect(vm).toMatchObject({ moref: detail.result.data.request.vm.vmwareId, powerState: "poweredOn" });
  });
});
