import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import {
  createCancelledRequests,
  createRequestViaApi,
  submitRequest,
  waitForStatus,
} from "./support/flows.ts";

const requestIdsOn = (page: Page) =>
  page
    .locator("tr[data-request-id]")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-request-id") ?? ""));

/** "Page 1 of 2 · 13 in total" → { page: 1, pages: 2, total: 13 } */
async function pagerOf(page: Page, label: string): Promise<{ page: number; pages: number; total: number }> {
  const text = (await page.getByRole("navigation", { name: label }).locator(".muted").textContent()) ?? "";
  const match = /^Page (\d+) of (\d+) · (\d+) in total$/.exec(text);
  if (!match) throw new Error(`unexpected pager text: ${text}`);
  return { page: Number(match[1]), pages: Number(match[2]), total: Number(match[3]) };
}

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

  // two requests for the Web project, one after the other: the older is cancelled, the newer rejected
  const older = uniqueVmName("older");
  const newer = uniqueVmName("newer");
  let olderId = "";
  let newerId = "";

  it("queues requests oldest first and shows the deciding admin the requester's recent requests", async () => {
    olderId = await submitRequest(member, { name: older, project: "Web" });
    newerId = await submitRequest(member, { name: newer, project: "Web" });

    await admin.goto("/admin/approvals");
    const project = admin.getByLabel("Project");
    const web = await project.locator("option", { hasText: "Web" }).getAttribute("value");
    await project.selectOption({ label: "Web" });
    await admin.waitForURL(
      (url) => url.pathname === "/admin/approvals" && url.searchParams.get("project") === web,
    );
    await admin.getByRole("link", { name: newer }).waitFor();
    // only the Web project's requests (the form defaults to Data), oldest first
    const cell = admin.locator('td[data-label="Project"]', { hasText: /^Web$/ });
    await admin
      .locator("tr[data-request-id]")
      .filter({ hasNot: cell })
      .first()
      .waitFor({ state: "detached" });
    const projects = await admin.locator('tr[data-request-id] td[data-label="Project"]').allTextContents();
    expect(new Set(projects)).toEqual(new Set(["Web"]));
    const ids = await requestIdsOn(admin);
    expect(ids.indexOf(olderId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(olderId)).toBeLessThan(ids.indexOf(newerId));
    const created = await admin
      .locator("tr[data-request-id]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-created-at") ?? ""));
    expect(created).toEqual([...created].sort());

    // and the queue fits a phone
    await admin.setViewportSize({ width: 360, height: 740 });
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(admin, "approval-queue-360");
    await admin.setViewportSize({ width: 1280, height: 900 });

    await admin.getByRole("link", { name: newer }).click();
    const requester = admin.getByTestId("requester");
    await requester.getByText(USERS.alice).waitFor();
    await requester.getByText("Alice Member").waitFor();
    const recent = requester.getByRole("list", { name: "Recent requests by Alice Member" });
    const olderItem = recent.getByRole("listitem").filter({ has: admin.getByRole("link", { name: older }) });
    await olderItem.getByText("Waiting for approval").waitFor();
    expect(await olderItem.getByRole("link").getAttribute("href")).toBe(`/requests/${olderId}`);
    // the request on screen is not among "their other requests"
    expect(await recent.getByRole("link", { name: newer }).count()).toBe(0);
    await screenshot(admin, "admin-request-requester");
  });

  it("rejects with a reason of 10–500 characters, and the member sees it without reloading", async () => {
    // the member still has the newer request open from submitting it
    await waitForStatus(member, "Waiting for approval");
    expect(new URL(member.url()).pathname).toBe(`/requests/${newerId}`);
    const sent: string[] = [];
    admin.on("request", (request) => {
      if (request.url().includes("approvals.reject")) sent.push(request.url());
    });

    await admin.getByRole("button", { name: "Reject…" }).click();
    const dialog = admin.getByRole("dialog");
    const reason = dialog.getByLabel("Reason");
    await reason.fill(`Too long: ${"this explains far more than anyone needs to read. ".repeat(10)}`);
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await dialog
      .locator("#reject-reason-error")
      .getByText("The reason must be at most 500 characters.")
      .waitFor();
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    await reason.fill("too short");
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await dialog.getByText("The reason must be at least 10 characters.").waitFor();
    // both were refused at the field: nothing went to the edge
    expect(sent).toEqual([]);

    await reason.fill("Please use the shared staging VM instead.");
    await expectAccessible(admin, "the reject dialog");
    await screenshot(admin, "reject-dialog");
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitForStatus(admin, "Rejected");
    expect(sent).toHaveLength(1);
    await admin.getByTestId("toast").getByText(`Rejected ${newer}. Alice Member sees your reason.`).waitFor();
    // the deciding admin goes on with the next request waiting, without going back to the queue
    const next = admin.getByTestId("next-in-queue");
    await next.getByText("Next in queue:").waitFor();
    const nextHref = await next.getByRole("link", { name: "Open next request" }).getAttribute("href");
    expect(nextHref).toMatch(/^\/requests\/req_/);
    expect(nextHref).not.toBe(`/requests/${newerId}`);
    await capturePage(admin, "request-decided");

    await waitForStatus(member, "Rejected");
    await member.getByTestId("rejected").getByText("Please use the shared staging VM instead.").waitFor();
    await member.getByTestId("decided-by").getByText("Adam Admin").waitFor();
    // nothing ran: the summary and history stand side by side, no empty column before them
    const firstColumn = member.locator(".two-columns > div").first();
    await firstColumn.getByRole("heading", { name: "Summary" }).waitFor();
    await screenshot(member, "request-rejected");
    await capturePage(member, "request-rejected");

    // "Request again" starts the form from this request, for the member to change and send
    await member.getByTestId("rejected").getByRole("link", { name: "Request again" }).click();
    await member.getByRole("heading", { name: "New request" }).waitFor();
    await expect.poll(() => member.getByLabel("VM name").inputValue()).toBe(newer);
    expect(await member.getByLabel("Project").locator("option:checked").textContent()).toBe("Web");
    expect(await member.getByLabel("Justification").inputValue()).toBe(
      "Needed for the browser tests of Gantry.",
    );
    await expectAccessible(member, "the form filled in from a rejected request");
  });

  it("cancels a pending request after a confirmation, as the requester's own doing", async () => {
    await member.goto(`/requests/${olderId}`);
    await member.getByRole("button", { name: "Cancel request…" }).click();
    await member.getByRole("alertdialog").getByText("Cancel this request?").waitFor();
    await expectAccessible(member, "the cancel confirmation");
    await member.getByRole("button", { name: "Yes, cancel request" }).click();
    await waitForStatus(member, "Cancelled");
    await member.getByTestId("cancelled").waitFor();
    await member.getByTestId("toast").getByText(`Cancelled ${older}. Nothing will be built.`).waitFor();
    expect(await member.getByRole("button", { name: "Cancel request…" }).count()).toBe(0);
    // withdrawn by the requester, not decided by anyone
    expect(await member.getByText("Decided by").count()).toBe(0);
    expect(await member.getByTestId("decided-by").textContent()).toMatch(/^You · /);
    await admin.goto(`/requests/${olderId}`);
    await admin.getByText("Cancelled by").waitFor();
    await admin.getByTestId("decided-by").getByText("Alice Member").waitFor();
  });

  it("approves and rejects from the queue, with the same confirmations", async () => {
    const toApprove = uniqueVmName("queue-ok");
    const toReject = uniqueVmName("queue-no");
    await createRequestViaApi(member.context(), { name: toApprove, project: "Data" });
    await createRequestViaApi(member.context(), { name: toReject, project: "Data" });
    await admin.goto("/admin/approvals");
    const row = (name: string) => admin.locator("tr[data-request-id]").filter({ hasText: name });
    await row(toReject).waitFor();
    // every list starts with the same page size
    expect(await admin.getByLabel("Per page").inputValue()).toBe("25");
    expect(await row(toApprove).locator('td[data-label="Network"]').textContent()).toBe(
      "DC0_DVPG0 (site default)",
    );
    await capturePage(admin, "approval-queue");

    await row(toApprove)
      .getByRole("button", { name: `Approve… ${toApprove}` })
      .click();
    const confirm = admin.getByRole("alertdialog");
    await confirm.getByText("Approve this request?").waitFor();
    await confirm.getByRole("button", { name: "Approve and provision" }).click();
    await admin
      .getByTestId("toast")
      .getByText(`Approved ${toApprove}. The agent starts building it now.`)
      .waitFor();
    await row(toApprove).waitFor({ state: "detached" });

    await row(toReject)
      .getByRole("button", { name: `Reject… ${toReject}` })
      .click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("One test VM is enough for this project.");
    await dialog.getByRole("button", { name: "Reject request" }).click();
    await admin.getByTestId("toast").getByText(`Rejected ${toReject}.`).waitFor();
    await row(toReject).waitFor({ state: "detached" });
    await expectAccessible(admin, "the queue after deciding");
  });

  it("narrows my requests with the status filter and pages through them, both kept in the URL", async () => {
    const pager = member.getByRole("navigation", { name: "My requests pages" });
    await member.goto("/requests");
    await member.getByRole("link", { name: newer }).waitFor();
    const all = await pagerOf(member, "My requests pages");

    await member.getByLabel("Status").selectOption({ label: "Cancelled" });
    await member.waitForURL((url) => url.pathname === "/requests" && url.search === "?status=CANCELLED");
    // the list narrows: the rejected request goes, every row left is cancelled
    await member.getByRole("link", { name: newer }).waitFor({ state: "detached" });
    await member.getByRole("link", { name: older }).waitFor();
    expect(new Set(await member.locator("tr[data-request-id] .badge").allTextContents())).toEqual(
      new Set(["Cancelled"]),
    );
    expect((await pagerOf(member, "My requests pages")).total).toBeLessThan(all.total);
    await screenshot(member, "requests-filtered-cancelled");

    // more cancelled requests than a page of 10 holds, all newer than `older`
    expect(await member.getByLabel("Per page").inputValue()).toBe("25");
    await createCancelledRequests(member.context(), 11);
    await member.reload();
    await member.locator("tr[data-request-id]").first().waitFor();
    await member.getByLabel("Per page").selectOption("10");
    await member.waitForURL((url) => url.search === "?status=CANCELLED&size=10");
    await member.locator("tr[data-request-id]").nth(10).waitFor({ state: "detached" });
    const first = await pagerOf(member, "My requests pages");
    expect(first.page).toBe(1);
    expect(first.total).toBeGreaterThanOrEqual(12);
    expect(first.pages).toBe(Math.ceil(first.total / 10));
    const firstPage = await requestIdsOn(member);
    expect(firstPage).toHaveLength(10);
    expect(firstPage).not.toContain(olderId);

    await pager.getByRole("link", { name: "Next" }).click();
    await member.waitForURL(
      (url) =>
        url.searchParams.get("status") === "CANCELLED" &&
        url.searchParams.get("size") === "10" &&
        url.searchParams.get("page") === "2",
    );
    await member.getByRole("link", { name: older }).waitFor();
    expect((await pagerOf(member, "My requests pages")).page).toBe(2);
    const secondPage = await requestIdsOn(member);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(new Set(await member.locator("tr[data-request-id] .badge").allTextContents())).toEqual(
      new Set(["Cancelled"]),
    );
    // both live in the URL: a reload keeps the filter and the page
    await member.reload();
    await member.getByRole("link", { name: older }).waitFor();
    expect(await member.getByLabel("Status").inputValue()).toBe("CANCELLED");
    await pager.getByRole("link", { name: "Previous" }).click();
    await member.waitForURL((url) => url.search === "?status=CANCELLED&size=10");
    await member.getByRole("link", { name: older }).waitFor({ state: "detached" });
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
