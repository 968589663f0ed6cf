import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { recordStepper, stepperLog, waitForStatus } from "./support/flows.ts";
import { vcsimVm } from "./support/vcsim-control.ts";

const STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"] as const;

describe("requesting a VM end to end", () => {
  let browser: Browser;
  let member: Page;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    member = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    admin = await signedInPage(browser, USERS.adam, { at: "/admin/approvals" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const name = uniqueVmName("e2e");
  let vcenterName = "";

  it("validates the name as you type with the server's rules", async () => {
    const field = member.getByLabel("VM name");
    await field.fill("Web_01");
    await member.getByText("The name may contain only lowercase letters, digits and hyphens.").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    await field.fill("web--01");
    await member.getByText("The name must not contain two hyphens in a row.").waitFor();
    await field.fill(name);
    await member.locator("#vm-name-error").filter({ hasText: /^$/ }).waitFor({ state: "attached" });
    expect(await field.getAttribute("aria-invalid")).toBe("false");
  });

  it("submits once even when the button is double-clicked", async () => {
    await member.getByRole("radio", { name: /^L\b/ }).check();
    // the networks come from the inventory the site's agent reported; pick one that is not the default
    await member.getByLabel("Network").selectOption({ label: "VM Network" });
    vcenterName = (await member.locator("#vm-name-hint .mono").textContent()) ?? "";
    expect(vcenterName).toMatch(new RegExp(`^[a-z]+-${name}$`));
    await member.getByLabel("Justification").fill("Staging copy of the web shop for the browser tests.");
    await screenshot(member, "new-request");
    await member.getByRole("button", { name: "Submit request" }).dblclick();
    await member.waitForURL(/\/requests\/(?!new)[^/]+$/);
    await waitForStatus(member, "Waiting for approval");
    await member.getByText("Waiting for an admin to approve.").waitFor();
    await screenshot(member, "request-pending");

    await member.goto("/requests");
    await member.getByRole("link", { name }).first().waitFor();
    expect(await member.getByRole("link", { name }).count()).toBe(1);
    await screenshot(member, "my-requests");
    await member.getByRole("link", { name }).click();
    await waitForStatus(member, "Waiting for approval");
    await recordStepper(member);
  });

  it("shows the admin the request oldest-first with the requester and their recent requests", async () => {
    await admin.reload();
    await admin.getByRole("heading", { name: "Approval queue" }).waitFor();
    await admin.getByRole("link", { name }).waitFor();
    await screenshot(admin, "approval-queue");
    await admin.getByRole("link", { name }).click();
    await admin.getByTestId("requester").getByText(USERS.alice).waitFor();
    await screenshot(admin, "admin-request-detail");
  });

  it("approves after a confirmation", async () => {
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("alertdialog").getByText("Approve this request?").waitFor();
    await screenshot(admin, "approve-confirm");
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.getByRole("alertdialog").waitFor({ state: "detached" });
    await admin.locator("h1 .badge", { hasText: /Approved|Provisioning|Ready/ }).waitFor();
  });

  it("lets the member watch every stage complete live, then shows the IP and VM status", async () => {
    await waitForConnectedAgent(browser);
    // the simulator's clone takes a few seconds and reports its progress
    await member
      .locator('[data-step="CLONING"][data-state="current"]')
      .getByText(/\d+% copied/)
      .waitFor({ timeout: 60_000 });
    await screenshot(member, "request-cloning");
    for (const stage of STAGES) {
      await member.locator(`[data-step="${stage}"][data-state="done"]`).waitFor({ timeout: 90_000 });
    }
    await waitForStatus(member, "Ready");
    const ip = member.getByTestId("vm-ip");
    await ip.filter({ hasText: /\d+\.\d+\.\d+\.\d+/ }).waitFor();
    await member.getByTestId("vm-hostname").filter({ hasText: name }).waitFor();
    await member
      .getByTestId("vm-power")
      .filter({ hasText: /Running|Powered off|Suspended|Unknown/ })
      .waitFor();
    await member.getByRole("button", { name: "Refresh status" }).click();
    await member.getByRole("button", { name: "Refresh status" }).waitFor();
    await screenshot(member, "request-ready");
    // the VM vCenter built sits on the network the member picked
    const vm = await vcsimVm(inject("vcsim"), vcenterName);
    expect(vm.nics.map((n) => n.network)).toEqual([expect.stringContaining("VM Network")]);

    const { log, sameDocument, layoutShift } = await stepperLog(member);
    // the page that watched was loaded before approval: every stage turned done in front of the member
    expect(sameDocument).toBe(true);
    // live updates filled reserved space: nothing on the page moved
    expect(layoutShift).toBeLessThan(0.01);
    for (const stage of STAGES) expect(log).toContainEqual([stage, "done"]);
    expect(log).toContainEqual(["CLONING", "pending"]);

    // and the finished page still fits a phone
    await member.setViewportSize({ width: 360, height: 740 });
    expect(
      await member.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await screenshot(member, "request-ready-360");
    await member.setViewportSize({ width: 1280, height: 900 });
  });
});
