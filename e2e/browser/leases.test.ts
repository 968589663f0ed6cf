import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, uniqueVmName } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
import { VM_FIXTURE_TIMEOUT_MS, vmFixture } from "./support/vms.ts";

// Leases in the browser, on a VM of Acme's Data project, which the local stack seeds with a 10-minute
// lease (one extension adds up to 10 minutes, an hour in all): the countdown of its last day, one-click
// extensions within the policy, and past it an approval another admin gives in the queue, pushed live.
describe("a VM's lease", () => {
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let vmId = "";
  const name = uniqueVmName("lease");

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ admin, vmId, acting: page } = await vmFixture(browser, { name, project: "Data" }));
  }, VM_FIXTURE_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });

  const expiresAt = async () =>
    Date.parse((await page.getByTestId("vm-lease").locator("time").getAttribute("datetime")) ?? "");

  it("counts down its last day on My VMs and the VM page", async () => {
    await page.goto("/vms");
    const row = page.locator(`tr[data-vm-id="${vmId}"]`);
    await row
      .locator('[data-testid="lease-countdown"]')
      .getByText(/^in \d+ min/)
      .waitFor();
    await page.goto(`/vms/${vmId}`);
    const lease = page.getByTestId("vm-lease");
    await lease
      .getByTestId("lease-countdown")
      .getByText(/^in \d+ min/)
      .waitFor();
    await expectAccessible(page, "a VM whose lease ends within the day");
  });

  it("extends in one click within the policy, and past it asks an admin, who approves in the queue", async () => {
    await page.goto(`/vms/${vmId}`);
    const extend = page.getByTestId("lease-extend");
    // an hour in all: five extensions of 10 minutes fit, the sixth is past the policy
    for (let i = 0; i < 5; i++) {
      const before = await expiresAt();
      await extend.getByText(/^Extend by 10 min$/).waitFor();
      await extend.click();
      await expect.poll(expiresAt, { timeout: 15_000 }).toBe(before + 600_000);
    }
    await extend.getByText(/^Ask to extend by 10 min$/).waitFor();
    const before = await expiresAt();
    await extend.click();
    await page.getByTestId("lease-pending").waitFor();
    expect(await expiresAt()).toBe(before);

    const queue = await admin.newPage();
    await queue.goto("/admin/approvals");
    const row = queue.locator(`tr[data-extension-vm="${vmId}"]`);
    await row.getByRole("button", { name: "Approve…" }).click();
    await queue.getByRole("button", { name: "Approve the extension" }).click();
    await row.waitFor({ state: "detached" });
    // the owner's open page learns it without a reload
    await page.getByTestId("lease-pending").waitFor({ state: "detached" });
    expect(await expiresAt()).toBe(before + 600_000);
    await queue.close();
  });

  it("keeps the lease as it was when an admin rejects an extension, with a reason of the required length", async () => {
    await page.goto(`/vms/${vmId}`);
    const extend = page.getByTestId("lease-extend");
    await extend.getByText(/^Ask to extend by 10 min$/).waitFor();
    const before = await expiresAt();
    await extend.click();
    await page.getByTestId("lease-pending").waitFor();

    const queue = await admin.newPage();
    await queue.goto("/admin/approvals");
    const row = queue.locator(`tr[data-extension-vm="${vmId}"]`);
    await row.getByRole("button", { name: "Reject…" }).click();
    const dialog = queue.getByRole("alertdialog");
    const reject = dialog.getByRole("button", { name: "Reject", exact: true });
    await dialog.getByLabel(/^Reason/).fill("too short");
    expect(await reject.isDisabled()).toBe(true);
    await dialog.getByLabel(/^Reason/).fill("Not this week: the test window closes on Friday.");
    await reject.click();
    await row.waitFor({ state: "detached" });
    // the owner's open page learns it without a reload, and the lease ends when it did
    await page.getByTestId("lease-pending").waitFor({ state: "detached" });
    expect(await expiresAt()).toBe(before);
    await queue.close();
  });
});
