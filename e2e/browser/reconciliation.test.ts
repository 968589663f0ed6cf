import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { edgeUrl, launchBrowser, signedInPage, USERS } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
import { markerVmBehindGantrysBack } from "./support/vms.ts";

// The reconciliation page against the local stack: its agent (protocol 4) scans the simulator's vCenter
const scanIdOf = (page: Page) => page.getByTestId("last-scan").getAttribute("data-scan-id");

/** A scan of the stack's site by an admin on another device, through the API. */
async function scanAsAnotherAdmin(browser: Browser) {
  const other = await signedInPage(browser, USERS.adam, { at: "/requests" });
  const response = await other.context().request.post("/trpc/reconciliation.scan", {
    data: { siteId: "site-acme-vcsim" },
    headers: { Origin: edgeUrl() },
  });
  expect(response.status()).toBe(200);
  await other.context().close();
}

describe("reconciliation page", () => {
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    // an agent back from another file's restart may take a while under load; its own deadline comes
    // first, so a failure names the agents page's state instead of a bare hook timeout
    await waitForConnectedAgent(browser, 120_000);
    admin = await signedInPage(browser, USERS.adam, { at: "/admin/reconciliation" });
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("scans on demand and shows who ran it, what it found and what it cost; passes axe", async () => {
    await admin.getByRole("heading", { level: 1, name: /Reconciliation/ }).waitFor();
    const scan = admin.getByRole("button", { name: "Scan now" });
    await expect.poll(() => scan.isEnabled()).toBe(true);
    await scan.click();
    await admin.getByText(/^Scanned: \d+ VM\(s\) with Gantry's marker/).waitFor();
    const summary = admin.getByTestId("last-scan");
    await summary.getByText(/started by an admin/).waitFor();
    expect(await summary.textContent()).toMatch(/\d+ vCenter round trips/);
    await admin.getByRole("heading", { name: "Unowned VMs" }).waitFor();
    await admin.getByRole("heading", { name: "Missing VMs" }).waitFor();
    await expectAccessible(admin, "the reconciliation page");
  });

  it("shows a scan another admin ran without a reload (pushed by the tenant feed)", async () => {
    const before = await scanIdOf(admin);
    expect(before).not.toBe("");
    await scanAsAnotherAdmin(browser);
    await expect.poll(() => scanIdOf(admin)).not.toBe(before);
  });

  it("destroys an unowned VM through a dialog that opens on Keep it and wants its name; passes axe", async () => {
    const name = `unowned-${Date.now().toString(36)}`;
    await markerVmBehindGantrysBack(inject("vcsim"), { name, marker: `req_${name}` });
    await admin.getByRole("button", { name: "Scan now" }).click();
    const row = admin.getByTestId("unowned-vm").filter({ hasText: name });
    await row.waitFor();
    await row.getByRole("button", { name: /^Destroy…/ }).click();
    const dialog = admin.getByRole("alertdialog");
    await dialog.waitFor();
    // destructive: a stray Enter keeps the VM
    expect(await admin.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Keep it");
    await expectAccessible(admin, "the destroy dialog");
    // a scan another admin runs meanwhile refreshes the page under the dialog, which stays open on this VM
    const before = await scanIdOf(admin);
    await scanAsAnotherAdmin(browser);
    await expect.poll(() => scanIdOf(admin)).not.toBe(before);
    await dialog.getByText(name).first().waitFor();
    await dialog.getByRole("button", { name: "Destroy for good" }).click();
    await dialog.getByRole("alert").getByText(`Type ${name} exactly`).waitFor();
    await dialog.getByLabel(/to confirm/).fill(name);
    await dialog.getByRole("button", { name: "Destroy for good" }).click();
    // the agent destroys it in the simulator; the outcome, pushed by the tenant feed, takes the row away
    await row.waitFor({ state: "detached", timeout: 60_000 });
  });

  it("adopts an unowned VM into a project for a person through a dialog; passes axe", async () => {
    const name = `adoptee-${Date.now().toString(36)}`;
    await markerVmBehindGantrysBack(inject("vcsim"), { name, marker: `req_${name}` });
    await admin.getByRole("button", { name: "Scan now" }).click();
    const row = admin.getByTestId("unowned-vm").filter({ hasText: name });
    await row.waitFor();
    await row.getByRole("button", { name: /^Adopt…/ }).click();
    const dialog = admin.getByRole("alertdialog");
    await dialog.waitFor();
    await dialog.getByLabel("Project").waitFor();
    await expectAccessible(admin, "the adopt dialog");
    const owner = dialog.getByLabel("Owner");
    const alice = await owner.locator("option", { hasText: USERS.alice }).getAttribute("value");
    await owner.selectOption(alice ?? "");
    await dialog.getByRole("button", { name: "Adopt", exact: true }).click();
    // the agent rewrites the marker in the simulator; the outcome, pushed by the tenant feed, takes the row away
    await row.waitFor({ state: "detached", timeout: 60_000 });
    // and it is alice's VM now
    const mine = await signedInPage(browser, USERS.alice, { at: "/vms" });
    await mine.getByText(name).first().waitFor();
    await mine.context().close();
  });
});
