import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS } from "./support/browser.ts";
import { InventoryAgent, scaledUp } from "./support/inventory-agent.ts";

const SITE_ID = "site-acme-vcsim";
const SCALE = { folders: 5000, pools: 1000, networks: 500, templates: 500 };

describe("site settings with a vCenter of ordinary size", () => {
  let browser: Browser;
  let admin: Page;
  let probe: InventoryAgent | null = null;

  beforeAll(async () => {
    browser = await launchBrowser();
    await waitForConnectedAgent(browser);
    admin = await signedInPage(browser, USERS.adam, { at: "/admin/site" });
    probe = await InventoryAgent.connect(admin, SITE_ID);
    // a superset of what the real agent reported, so the rest of the suite finds what it expects
    await probe.report(scaledUp(probe.original, SCALE));
  }, 150_000);
  afterAll(async () => {
    await probe?.restore();
    await browser?.close();
  });

  it("keeps each picker quick: at most 200 choices at once, and a filter that finds any of 5,000", async () => {
    await admin.reload();
    const folder = admin.getByLabel("Folder", { exact: true });
    const filter = admin.getByLabel("Filter folder choices");
    await filter.waitFor();
    expect(await admin.getByTestId("site-folderPath-count").textContent()).toMatch(
      /^Showing 200 of 5,0\d\d;/,
    );
    expect(await folder.locator("option").count()).toBeLessThanOrEqual(202);

    await filter.fill("folder-04999");
    await expect.poll(() => folder.locator("option").count()).toBeLessThanOrEqual(3);
    await folder.selectOption("/DC0/vm/scale-49/folder-04999");
    expect(await folder.inputValue()).toBe("/DC0/vm/scale-49/folder-04999");
    // the choice stays while the filter changes
    await filter.fill("no such folder anywhere");
    expect(await admin.getByTestId("site-folderPath-count").textContent()).toBe(
      "Nothing matches; try part of a name or path.",
    );
    expect(await folder.inputValue()).toBe("/DC0/vm/scale-49/folder-04999");

    // the other long lists filter the same way
    const pool = admin.getByLabel("Filter cluster or resource pool choices");
    await pool.fill("scale-pool-0999");
    const pools = admin.getByLabel("Cluster or resource pool", { exact: true });
    await expect.poll(() => pools.locator("option").count()).toBeLessThanOrEqual(3);
    expect(await pools.locator("option").allTextContents()).toContainEqual(
      expect.stringContaining("scale-pool-0999"),
    );
    await screenshot(admin, "site-settings-large-inventory");
    // nothing is saved: the stack's placement stays as the other tests expect it
  });
});
