import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot, uniqueVmName } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
import { waitForLive } from "./support/flows.ts";
import {
  actionStatus,
  behindGantrysBack,
  VM_FIXTURE_TIMEOUT_MS,
  vmDetail,
  vmFixture,
} from "./support/vms.ts";

// Snapshots, resize and drift on one VM built for this file (size M): the member acts on one page, a
// second open page shows each change as it is pushed.
describe("changing a VM: snapshots, resize, drift", () => {
  let browser: Browser;
  let memberContext: BrowserContext;
  let adminContext: BrowserContext;
  let acting: Page;
  let watching: Page;
  const name = uniqueVmName("change");
  let vmId = "";

  /** Takes a snapshot through the dialog and waits until the second page lists it. */
  async function takeSnapshot(snapshot: string, withMemory = false, check = false) {
    await acting.getByRole("button", { name: "Take snapshot…" }).click();
    const dialog = acting.getByRole("alertdialog");
    await dialog.getByLabel("Name").fill(snapshot);
    if (withMemory) await dialog.getByLabel(/Include the guest's memory/).check();
    if (check) await expectAccessible(acting, "the snapshot dialog");
    await dialog.getByRole("button", { name: "Take snapshot" }).click();
    await dialog.waitFor({ state: "detached" });
    await watching.locator(`li[data-snapshot="${snapshot}"]`).waitFor({ timeout: 30_000 });
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ({
      member: memberContext,
      admin: adminContext,
      vmId,
      acting,
      watching,
    } = await vmFixture(browser, { name, size: "M" }));
    await acting.goto(`/vms/${vmId}`);
    await watching.goto(`/vms/${vmId}`);
    await waitForLive(watching);
  }, VM_FIXTURE_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });

  it("takes snapshots up to the cap, reverts to one and deletes one, each seen live", async () => {
    await acting.getByTestId("snapshot-cap").getByText("0 of 3").waitFor();
    await takeSnapshot("before-upgrade", true, true);
    await watching.locator('li[data-snapshot="before-upgrade"]').getByText("with memory").waitFor();
    await watching
      .locator('li[data-snapshot="before-upgrade"]')
      .getByText(/old · by Alice/)
      .waitFor();
    await takeSnapshot("second");
    await takeSnapshot("third");
    await watching.getByTestId("snapshot-cap").getByText("3 of 3").waitFor();
    // at the cap, taking another is refused up front, saying why
    const take = watching.getByRole("button", { name: "Take snapshot…" });
    expect(await take.isDisabled()).toBe(true);
    const why = await take.getAttribute("aria-describedby");
    expect(why).toBeTruthy();
    expect(await watching.locator(`#${why}`).textContent()).toMatch(/3/);
    await expectAccessible(watching, "the VM page with snapshots at the cap");
    await screenshot(watching, "vm-snapshots-at-cap");

    const first = acting.locator('li[data-snapshot="before-upgrade"]');
    await first.getByRole("button", { name: "Revert" }).click();
    let dialog = acting.getByRole("alertdialog");
    await dialog.getByText("The guest resumes running as it was.").waitFor();
    await expectAccessible(acting, "the revert dialog");
    await dialog.getByRole("button", { name: "Revert" }).click();
    await dialog.waitFor({ state: "detached" });
    await actionStatus(watching).getByText("Revert to snapshot: done").waitFor({ timeout: 30_000 });

    await acting.locator('li[data-snapshot="second"]').getByRole("button", { name: "Delete" }).click();
    dialog = acting.getByRole("alertdialog");
    await expectAccessible(acting, "the delete snapshot dialog");
    await dialog.getByRole("button", { name: "Delete snapshot" }).click();
    await dialog.waitFor({ state: "detached" });
    await watching.locator('li[data-snapshot="second"]').waitFor({ state: "detached", timeout: 30_000 });
    await watching.getByTestId("snapshot-cap").getByText("2 of 3").waitFor();
    expect(await take.isDisabled()).toBe(false);
    const snapshots = (await vmDetail(memberContext, vmId)).snapshots.map((s) => s.name);
    expect(snapshots.sort()).toEqual(["before-upgrade", "third"]);
  });

  it("resizes down only with consent to a power cycle, keeping the disk", async () => {
    await acting.getByRole("button", { name: "Resize…" }).click();
    let dialog = acting.getByRole("alertdialog");
    await dialog.getByRole("radio", { name: /^S\b/ }).check();
    await dialog.getByText(/Disks never shrink: the VM keeps its \d+ GB disk/).waitFor();
    await dialog.getByRole("button", { name: "Resize" }).click();
    await dialog.waitFor({ state: "detached" });
    // without consent the running VM is left as it is, and the reason is plain
    await actionStatus(watching)
      .getByText(/^Resize failed — The VM is running .*: resizing needs a power cycle/)
      .waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-size").getByText(/^M/).waitFor();

    await acting.getByRole("button", { name: "Resize…" }).click();
    dialog = acting.getByRole("alertdialog");
    await dialog.getByRole("radio", { name: /^S\b/ }).check();
    await dialog.getByLabel(/Power-cycle the VM/).check();
    await expectAccessible(acting, "the resize dialog");
    await screenshot(acting, "vm-resize-dialog");
    await dialog.getByRole("button", { name: "Resize" }).click();
    await dialog.waitFor({ state: "detached" });
    await actionStatus(watching).getByText("Resize: done").waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-size").getByText(/^S/).waitFor();
    expect((await vmDetail(memberContext, vmId)).vm.size).toBe("S");
  });

  it("shows a resize up as pending until an admin approves it in the queue", async () => {
    await acting.getByRole("button", { name: "Resize…" }).click();
    const dialog = acting.getByRole("alertdialog");
    await dialog.getByRole("radio", { name: /^M\b/ }).check();
    await dialog.getByText("A bigger size needs an admin's approval").waitFor();
    await dialog.getByLabel(/Power-cycle the VM/).check();
    await dialog.getByRole("button", { name: "Ask for approval" }).click();
    await dialog.waitFor({ state: "detached" });
    await watching.getByTestId("pending-resize").getByText("waits for an admin's approval").waitFor();

    const admin = await adminContext.newPage();
    await admin.goto("/admin/approvals");
    const row = admin.locator(`tr[data-resize-vm="${vmId}"]`);
    await row.getByText("S → M").waitFor();
    await expectAccessible(admin, "the approvals queue with a resize");
    await screenshot(admin, "approvals-with-resize");
    await row.getByRole("button", { name: "Approve…" }).click();
    await expectAccessible(admin, "the resize approval dialog");
    await admin.getByRole("alertdialog").getByRole("button", { name: "Approve and resize" }).click();
    await row.waitFor({ state: "detached" });
    await watching.getByTestId("pending-resize").waitFor({ state: "detached" });
    await actionStatus(watching).getByText("Resize: done").waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-size").getByText(/^M/).waitFor();
    await admin.close();
  });

  it("shows a power off made straight in vCenter on the open page as a change outside Gantry", async () => {
    await watching.getByTestId("vm-power").getByText("Running").waitFor();
    const { vmwareId } = (await vmDetail(memberContext, vmId)).vm;
    await behindGantrysBack(inject("vcsim"), "PowerOffVM_Task", vmwareId);
    await watching
      .getByTestId("vm-drift")
      .getByText("Changed outside Gantry: power")
      .waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-power").getByText("Powered off").waitFor();
    await watching.getByRole("list", { name: "VM history" }).getByText("Changed outside Gantry").waitFor();
    await expectAccessible(watching, "the VM page with drift");
    await screenshot(watching, "vm-page-drift");
  });

  it("marks a VM destroyed in vCenter as gone, and clears it from the list once deleted here", async () => {
    const { vmwareId } = (await vmDetail(memberContext, vmId)).vm;
    await behindGantrysBack(inject("vcsim"), "Destroy_Task", vmwareId);
    await watching.getByTestId("vm-status").getByText("Gone").waitFor({ timeout: 30_000 });
    await watching.getByTestId("vm-state-notice").getByText("deleted outside Gantry").waitFor();
    // nothing is left to power or resize; only the delete that clears it is offered
    expect(await watching.getByRole("button", { name: "Power on" }).count()).toBe(0);
    await expectAccessible(watching, "a gone VM");
    await screenshot(watching, "vm-page-gone");
    await acting.getByRole("button", { name: "Delete VM…" }).click();
    const dialog = acting.getByRole("alertdialog");
    await dialog.getByLabel(/to confirm/).fill(name);
    await dialog.getByRole("button", { name: "Delete for good" }).click();
    await dialog.waitFor({ state: "detached" });
    await watching.getByTestId("vm-status").getByText("Deleted").waitFor({ timeout: 30_000 });
    await watching.getByRole("list", { name: "VM history" }).getByText("Deleted outside Gantry").waitFor();
  });
});
