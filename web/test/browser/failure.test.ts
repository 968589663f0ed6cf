import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { submitRequest, waitForStatus } from "./support/flows.ts";
import { injectVcsimFault } from "./support/vcsim-control.ts";

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
    await failure.getByRole("link", { name: "Start a new request" }).waitFor();
    await member.locator('[data-step="CLONING"][data-state="failed"]').waitFor();
    await waitForStatus(member, "Failed");
    await screenshot(member, "request-failed");
  });
});
