import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { submitRequest, waitForStatus } from "./support/flows.ts";

describe("deciding on and cancelling requests", () => {
  let browser: Browser;
  let member: Page;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    member = await signedInPage(browser, USERS.alice);
    admin = await signedInPage(browser, USERS.adam);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("rejects with a reason of at least 10 characters, and the member sees it without reloading", async () => {
    const name = uniqueVmName("reject");
    const id = await submitRequest(member, { name });
    await waitForStatus(member, "Waiting for approval");

    await admin.goto(`/requests/${id}`);
    await admin.getByRole("button", { name: "Reject…" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("too short");
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await dialog.getByText("The reason must be at least 10 characters.").waitFor();
    await dialog.getByLabel("Reason").fill("Please use the shared staging VM instead.");
    await screenshot(admin, "reject-dialog");
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitForStatus(admin, "Rejected");

    await waitForStatus(member, "Rejected");
    await member.getByTestId("rejected").getByText("Please use the shared staging VM instead.").waitFor();
    await screenshot(member, "request-rejected");
  });

  it("cancels a pending request after a confirmation", async () => {
    const name = uniqueVmName("cancel");
    await submitRequest(member, { name });
    await member.getByRole("button", { name: "Cancel request…" }).click();
    await member.getByRole("alertdialog").getByText("Cancel this request?").waitFor();
    await member.getByRole("button", { name: "Yes, cancel request" }).click();
    await waitForStatus(member, "Cancelled");
    await member.getByTestId("cancelled").waitFor();
    expect(await member.getByRole("button", { name: "Cancel request…" }).count()).toBe(0);

    await member.goto("/requests?status=CANCELLED");
    await member.getByRole("link", { name }).waitFor();
    await screenshot(member, "requests-filtered-cancelled");
  });

  it("tells an admin acting on a stale view that another admin already processed the request", async () => {
    const name = uniqueVmName("conflict");
    const id = await submitRequest(member, { name });

    // a second admin session that hears nothing pushed, neither changes nor progress (a laptop waking
    // from sleep), so its view of the request stays as it was when the page loaded
    const stale = await signedInPage(browser, USERS.adam, { at: "about:blank" });
    const pushed = new Set(["/trpc/requests.changes", "/trpc/progress.watch"]);
    await stale.route(
      (url) => pushed.has(url.pathname),
      (route) => route.abort(),
    );
    await stale.goto(`/requests/${id}`);
    await stale.getByRole("button", { name: "Reject…" }).waitFor();

    await admin.goto(`/requests/${id}`);
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.locator("h1 .badge", { hasText: /Approved|Provisioning|Ready/ }).waitFor();

    await stale.getByRole("button", { name: "Reject…" }).click();
    await stale.getByRole("dialog").getByLabel("Reason").fill("Rejecting from a stale view on purpose.");
    await stale.getByRole("dialog").getByRole("button", { name: "Reject request" }).click();
    await stale.getByTestId("conflict").getByText("already processed by another admin").waitFor();
    // the refused decision reloads the request: the page now shows the other admin's decision
    await stale.locator("h1 .badge", { hasText: /Approved|Provisioning|Ready/ }).waitFor();
    await screenshot(stale, "approval-conflict");
    await stale.context().close();
  });
});
