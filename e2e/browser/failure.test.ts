import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
import { submitRequest, waitForStatus } from "./support/flows.ts";
import { injectVcsimFault, vcsimVm } from "./support/vcsim-control.ts";

describe("a failed provisioning", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("is told plainly, with what happens next, without a reload", async () => {
    await waitForConnectedAgent(browser);
    const name = uniqueVmName("full");
    await injectVcsimFault(inject("vcsim"), {
      method: "CloneVM_Task",
      match: name,
      fault: "InsufficientResourcesFault",
    });
    const member = await signedInPage(browser, USERS.alice);
    const id = await submitRequest(member, { name });

    const admin = await signedInPage(browser, USERS.adam, { at: `/requests/${id}` });
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();

    const failure = member.getByTestId("failure");
    await failure.getByText("The VM could not be created.").waitFor({ timeout: 90_000 });
    await failure.getByText("Nothing was left behind in vCenter.").waitFor();
    await member.locator('[data-step="CLONING"][data-state="failed"]').waitFor();
    await waitForStatus(member, "Failed");
    await expectAccessible(member, "a failed request");
    await screenshot(member, "request-failed");
    // the admin sees the failure, without the requester's way to ask again
    await admin.getByTestId("failure").getByText("The VM could not be created.").waitFor();
    expect(await admin.getByTestId("failure").getByRole("link", { name: "Request again" }).count()).toBe(0);
    // the requester asks again from the failed request: the form starts as it was, the name free again
    await failure.getByRole("link", { name: "Request again" }).click();
    await member.getByRole("heading", { name: "New request" }).waitFor();
    await expect.poll(() => member.getByLabel("VM name").inputValue()).toBe(name);
    await member.getByTestId("name-available").waitFor();
  });

  it("leaves admins a notice of a VM its cleanup could not remove, until one of them clears it", async () => {
    await waitForConnectedAgent(browser);
    const name = uniqueVmName("stuck");
    // the VM exists when power-on fails, and vCenter then refuses to destroy it
    for (const method of ["PowerOnVM_Task", "Destroy_Task"]) {
      await injectVcsimFault(inject("vcsim"), { method, match: name, fault: "NoPermission" });
    }
    const member = await signedInPage(browser, USERS.alice);
    const id = await submitRequest(member, { name });
    const admin = await signedInPage(browser, USERS.adam, { at: `/requests/${id}` });
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.getByRole("link", { name: "Approvals" }).click();

    // pushed to the admin's open page when the failure is recorded: no reload
    const item = admin.getByTestId("leftover").filter({ hasText: name });
    await item.waitFor({ timeout: 90_000 });
    await item.getByRole("link", { name: "open the request" }).waitFor();
    await member.getByTestId("failure").getByText("Part of the VM was left in vCenter").waitFor();
    await expectAccessible(admin, "the leftover VMs notice");
    await screenshot(admin, "admin-leftovers");

    await item.getByRole("button", { name: "Mark as removed…" }).click();
    await admin.getByRole("button", { name: "It is removed" }).click();
    await item.waitFor({ state: "detached" });
    await member.reload();
    await member.getByText("Half-built VM removed from vCenter by an admin").waitFor();
  });

  it("lets an admin stop a provisioning mid-way; the agent removes what it built", async () => {
    await waitForConnectedAgent(browser);
    const name = uniqueVmName("stop");
    const member = await signedInPage(browser, USERS.alice);
    const id = await submitRequest(member, { name, project: "Data" });
    const admin = await signedInPage(browser, USERS.adam, { at: `/requests/${id}` });
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    // the local stack's clone takes a few seconds: stop while it runs
    await admin.locator('[data-step="CLONING"][data-state="current"]').waitFor({ timeout: 60_000 });

    await admin.getByRole("button", { name: "Stop provisioning…" }).click();
    await admin.getByLabel("Reason").fill("approved for the wrong project");
    await admin.getByRole("button", { name: "Stop provisioning", exact: true }).click();

    const failure = member.getByTestId("failure");
    await failure.getByText("The request was stopped before the VM was ready.").waitFor({ timeout: 60_000 });
    await failure.getByText("Nothing was left behind in vCenter.").waitFor();
    await member.getByText("approved for the wrong project").waitFor();
    await waitForStatus(admin, "Failed");
    expect(await admin.getByRole("button", { name: "Stop provisioning…" }).count()).toBe(0);
    // vCenter holds no VM of the request
    await expect(vcsimVm(inject("vcsim"), `data-${name}`)).rejects.toThrow(/answered 4\d\d/);
    await screenshot(member, "request-stopped");
  });
});
