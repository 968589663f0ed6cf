import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { markDocument, sameDocument, waitForLive } from "./support/flows.ts";
import { actionStatus, setGuest, VM_FIXTURE_TIMEOUT_MS, vmDetail, vmFixture } from "./support/vms.ts";

// My VMs and the VM page's power actions and delete, on one VM built for this file (project Web):
// every action asked for on one page shows its steps and outcome live on a second open page.
describe("My VMs and the VM page", () => {
  let browser: Browser;
  let memberContext: BrowserContext;
  let adminContext: BrowserContext;
  /** the member's page that acts */
  let acting: Page;
  /** a second open page of the same VM, which only watches */
  let watching: Page;
  const name = uniqueVmName("life");
  let vmId = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    ({
      member: memberContext,
      admin: adminContext,
      vmId,
      acting,
      watching,
    } = await vmFixture(browser, { name, project: "Web" }));
  }, VM_FIXTURE_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });

  it("lists a member's own VMs with their facts, and only theirs", async () => {
    await acting.goto("/vms");
    await acting.getByRole("heading", { name: "My VMs" }).waitFor();
    const row = acting.locator(`tr[data-vm-id="${vmId}"]`);
    await row.getByRole("link", { name }).waitFor();
    await expect(row.locator('td[data-label="Project"]').textContent()).resolves.toBe("Web");
    await expect(row.locator('td[data-label="Size"]').textContent()).resolves.toBe("S");
    await row.getByText("Running").waitFor();
    expect(await row.locator('td[data-label="IP address"]').textContent()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await row.locator('td[data-label="Hostname"]').textContent()).not.toBe("—");
    // project Web follows Gantry's default lease (30 days): a date, no countdown yet
    await row.locator('td[data-label="Expires"] [data-testid="lease-expiry"] time').waitFor();
    expect(await row.locator('[data-testid="lease-countdown"]').count()).toBe(0);
    // a member's list has no owner column: it only ever holds their own VMs
    expect(await acting.getByRole("columnheader", { name: "Owner" }).count()).toBe(0);
    // axe at 1280 and 360 px, nothing scrolls sideways on a phone, and the README's pictures
    await capturePage(acting, "my-vms");

    // another tenant's member sees neither the VM in their list nor its page
    const other = await signedInPage(browser, USERS.gina, { at: "/vms" });
    await other.getByRole("heading", { name: "My VMs" }).waitFor();
    await other.getByText("You have no VMs yet").waitFor();
    await other.goto(`/vms/${vmId}`);
    await other.getByRole("heading", { name: "VM not found" }).waitFor();
    await expectAccessible(other, "a VM of another tenant");
    await other.context().close();
  });

  it("lets an admin filter the tenant's VMs by project, owner and power through the URL", async () => {
    const admin = await adminContext.newPage();
    await admin.goto("/vms");
    await admin.getByRole("heading", { name: "VMs" }).waitFor();
    const row = admin.locator(`tr[data-vm-id="${vmId}"]`);
    await row.waitFor();
    await row.locator('td[data-label="Owner"]').getByText("Alice", { exact: false }).waitFor();

    await admin.getByLabel("Project").selectOption({ label: "Data" });
    await admin.waitForURL((url) => url.searchParams.has("project"));
    await row.waitFor({ state: "detached" });
    await admin.getByLabel("Project").selectOption({ label: "Web" });
    await row.waitFor();
    expect(new Set(await admin.locator('tr[data-vm-id] td[data-label="Project"]').allTextContents())).toEqual(
      new Set(["Web"]),
    );

    // the owner's name filters to their VMs; the URL keeps it across a reload
    await row.locator('td[data-label="Owner"] a').click();
    await admin.waitForURL((url) => url.searchParams.has("owner"));
    await admin.getByTestId("owner-filter").getByText("Alice", { exact: false }).waitFor();
    await admin.reload();
    await row.waitFor();
    await admin.getByTestId("owner-filter").waitFor();

    await admin.getByLabel("Power").selectOption({ label: "Powered off" });
    await admin.waitForURL((url) => url.searchParams.get("power") === "poweredOff");
    await row.waitFor({ state: "detached" });
    await admin.getByLabel("Power").selectOption({ label: "Running" });
    await row.waitFor();
    await expectAccessible(admin, "the tenant's VMs, filtered");
    await screenshot(admin, "vms-admin-filtered");
    await admin.close();
  });

  it("shows the VM's facts, links to its request and back, and carries a power off and on live to a second page", async () => {
    await acting.goto(`/vms/${vmId}`);
    await acting.getByRole("heading", { name }).waitFor();
    await acting.getByTestId("vm-power").getByText("Running").waitFor();
    await acting.getByRole("button", { name: "Copy IP address" }).waitFor();
    await acting.getByRole("button", { name: "Copy hostname" }).waitFor();
    await acting.getByRole("link", { name: "The request that built it" }).click();
    await acting.waitForURL(`**/requests/${vmId}`);
    await acting.getByRole("link", { name: "Open the VM" }).click();
    await acting.waitForURL(`**/vms/${vmId}`);
    // arriving by a link, the heading takes focus and names the tab
    await expect.poll(() => acting.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await acting.title()).toBe(`${name} · Gantry`);
    await capturePage(acting, "vm-page");

    await watching.goto(`/vms/${vmId}`);
    await waitForLive(watching);
    await markDocument(watching);
    const list = await adminContext.newPage();
    await list.goto("/vms");
    await waitForLive(list);
    const listRow = list.locator(`tr[data-vm-id="${vmId}"]`);
    await listRow.getByText("Running").waitFor();

    await acting.getByRole("button", { name: "Power off" }).click();
    const dialog = acting.getByRole("alertdialog");
    // a destructive dialog opens on the safe button: one stray Enter does nothing
    await expect
      .poll(() => acting.evaluate(() => document.activeElement?.textContent))
      .toBe("Keep it as it is");
    await expectAccessible(acting, "the power off dialog");
    await dialog.getByLabel(/Why/).fill("Browser test: power off");
    await dialog.getByRole("button", { name: "Power off" }).click();
    await dialog.waitFor({ state: "detached" });
    await acting
      .getByTestId("toast")
      .getByText(/^Powering off /)
      .waitFor();

    await actionStatus(watching).getByText("Power off: done").waitFor({ timeout: 30_000 });
    // the outcome is confirmed with a toast on every open page, too
    await watching.getByTestId("toast").getByText(`${name} — Power off: done.`).waitFor();
    await watching.getByTestId("vm-power").getByText("Powered off").waitFor();
    await listRow.getByText("Powered off").waitFor();
    expect(await sameDocument(watching)).toBe(true);
    await watching.getByRole("listitem").filter({ hasText: "Browser test: power off" }).first().waitFor();

    await acting.getByRole("button", { name: "Power on" }).click();
    await actionStatus(watching).getByText("Power on: done").waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-power").getByText("Running").waitFor();
    await listRow.getByText("Running").waitFor();
    await list.close();
  });

  it("restarts the guest, and tells every page when a shutdown falls back to a power off", async () => {
    await acting.getByRole("button", { name: "Restart" }).click();
    let dialog = acting.getByRole("alertdialog");
    await expectAccessible(acting, "the restart dialog");
    await dialog.getByRole("button", { name: "Restart" }).click();
    await dialog.waitFor({ state: "detached" });
    await actionStatus(watching).getByText("Restart: done").waitFor({ timeout: 30_000 });

    // the guest ignores the shutdown: after the wait the user chose, Gantry powers it off and says so
    const { vmName } = (await vmDetail(memberContext, vmId)).vm;
    await setGuest(inject("vcsim"), { name: vmName, ignoresShutdown: true });
    await acting.getByRole("button", { name: "Shut down" }).click();
    dialog = acting.getByRole("alertdialog");
    await dialog.getByLabel("Seconds to wait for the guest").fill("10");
    await dialog.getByText("If it has not stopped after 10 s, Gantry powers it off.").waitFor();
    await expectAccessible(acting, "the shut down dialog");
    await dialog.getByRole("button", { name: "Shut down" }).click();
    await dialog.waitFor({ state: "detached" });
    await actionStatus(watching).getByText("powering off if it has not stopped after 10 s").waitFor();
    // while it runs, no second action can be asked for, and the page says why
    expect(await watching.getByRole("button", { name: "Restart" }).isDisabled()).toBe(true);
    await watching
      .getByText(/^Shut down guest is still running on this VM/)
      .first()
      .waitFor();
    await screenshot(watching, "vm-page-action-running");
    // the fallback step itself lasts a moment; the outcome and the history say what happened
    await actionStatus(watching)
      .getByText("Shut down guest: done — powered off after the guest did not shut down within 10 s")
      .waitFor({ timeout: 30_000 });
    await watching
      .getByRole("list", { name: "VM history" })
      .getByText("The guest did not shut down after 10 s: powering off")
      .waitFor();
    await watching.getByTestId("vm-power").getByText("Powered off").waitFor();
    await expectAccessible(watching, "the VM page after a fallback");
    await setGuest(inject("vcsim"), { name: vmName });
  });

  it("deletes the VM only when its name is typed: it leaves the list and its history stays", async () => {
    await acting.getByRole("button", { name: "Delete VM…" }).click();
    const dialog = acting.getByRole("alertdialog");
    await expect
      .poll(() => acting.evaluate(() => document.activeElement?.textContent))
      .toBe("Keep it as it is");
    const confirm = dialog.getByRole("button", { name: "Delete for good" });
    await dialog.getByLabel(/to confirm/).fill(`${name}-typo`);
    await dialog.getByText("That is not this VM's name.").waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await expectAccessible(acting, "the delete dialog with a wrong name");
    await screenshot(acting, "vm-delete-dialog");
    await dialog.getByLabel(/to confirm/).fill(name);
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await dialog.waitFor({ state: "detached" });

    await watching.getByTestId("vm-status").getByText("Deleted").waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-state-notice").getByText("Its history stays below").waitFor();
    const history = watching.getByRole("list", { name: "VM history" });
    await history.getByText("Delete: done").waitFor();
    await history.getByText("Power off: done").waitFor();
    await acting.goto("/vms");
    await acting.getByRole("heading", { name: "My VMs" }).waitFor();
    expect(await acting.locator(`tr[data-vm-id="${vmId}"]`).count()).toBe(0);
    await acting.goto("/vms?status=DELETED");
    await acting.locator(`tr[data-vm-id="${vmId}"]`).getByText("Deleted").waitFor();
  });
});
