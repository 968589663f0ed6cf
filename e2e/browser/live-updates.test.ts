import type { Browser, Page, Request, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import {
  countReads,
  markDocument,
  sameDocument,
  stampWhenShown,
  submitRequest,
  waitForLive,
  waitForStatus,
} from "./support/flows.ts";

// Globex has no agent in the local stack, so an approved request stays APPROVED: every refetch counted
// here is caused by exactly one pushed change. The old pages polled every 3–10 s; QUIET_MS outlasts that.
const QUIET_MS = 6000;

/** The wall-clock time the edge's answer to the page's next `path` mutation arrived (NaN until then). */
function answeredAt(page: Page, path: string): () => number {
  let at = Number.NaN;
  const listener = (response: Response) => {
    if (!response.url().includes(path)) return;
    at = Date.now();
    page.off("response", listener);
  };
  page.on("response", listener);
  return () => at;
}

/** Approves through the admin's detail page; resolves with the wall-clock time the edge answered. */
async function approveOn(admin: Page): Promise<number> {
  await admin.getByRole("button", { name: "Approve…" }).click();
  const approvedAt = answeredAt(admin, "approvals.approve");
  const answered = admin.waitForResponse((r) => r.url().includes("approvals.approve"));
  await admin.getByRole("button", { name: "Approve and provision" }).click();
  expect((await answered).ok()).toBe(true);
  return approvedAt();
}

describe("pushed changes instead of polling", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a member's open list an admin's approval without a reload, with one refetch and no timer", async () => {
    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    const id = await submitRequest(member, { name: uniqueVmName("pushed") });
    const lists = countReads(member, "requests.list");
    await member.goto("/requests");
    const row = `tr[data-request-id="${id}"]`;
    await member.locator(row).getByText("Waiting for approval").waitFor();
    await waitForLive(member);
    // the page's own load and the refetch when the feed connected are done: count from here
    await lists.fromQuiet();
    await markDocument(member);
    const shownAt = await stampWhenShown(member, `${row} .badge`, "Approved");

    const admin = await signedInPage(browser, USERS.gary, { at: `/requests/${id}` });
    const approvedAt = await approveOn(admin);
    await member.locator(row).getByText("Approved").waitFor({ timeout: 10_000 });
    console.info(JSON.stringify({ pushToListMs: Math.round((await shownAt()) - approvedAt) }));
    expect(lists.count(), await lists.describe()).toBe(1);
    expect(await sameDocument(member)).toBe(true);
    await screenshot(member, "my-requests-pushed");

    await member.waitForTimeout(QUIET_MS);
    expect(lists.count(), await lists.describe()).toBe(1);
    await member.context().close();
    await admin.context().close();
  });

  it("shows an admin's open queue a new submission without a reload, with one refetch", async () => {
    const admin = await signedInPage(browser, USERS.gary, { at: "/admin/approvals" });
    const queue = countReads(admin, "approvals.pending");
    const counts = countReads(admin, "approvals.pendingCount");
    await admin.getByRole("heading", { name: "Approval queue" }).waitFor();
    await waitForLive(admin);
    await queue.fromQuiet();
    await counts.fromQuiet();
    await markDocument(admin);
    // the badge on Approvals: how many wait (none shown for none)
    // (Inbox has a count of its own: the same submission also notifies the admin)
    const badge = admin
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /^Approvals/ })
      .getByTestId("nav-count");
    const waitingBefore =
      (await badge.count()) === 0 ? 0 : Number.parseInt((await badge.textContent()) ?? "", 10);

    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    const name = uniqueVmName("queued");
    const shownAt = await stampWhenShown(admin, "table", name);
    const submittedAt = answeredAt(member, "requests.create");
    await submitRequest(member, { name });
    await admin.getByRole("link", { name }).waitFor({ timeout: 10_000 });
    console.info(JSON.stringify({ pushToQueueMs: Math.round((await shownAt()) - submittedAt()) }));
    // the badge counts it too, from the same push
    // (its text as a screen reader reads it after the link's label: " 3 waiting")
    await expect
      .poll(async () => (await badge.textContent())?.trim(), { timeout: 10_000 })
      .toBe(`${waitingBefore + 1} waiting`);
    expect(queue.count(), await queue.describe()).toBe(1);
    expect(counts.count(), await counts.describe()).toBe(1);
    expect(await sameDocument(admin)).toBe(true);

    await admin.waitForTimeout(QUIET_MS);
    expect(queue.count(), await queue.describe()).toBe(1);
    expect(counts.count(), await counts.describe()).toBe(1);
    await member.context().close();
    await admin.context().close();
  });

  it("brings an admin's open request up to date when another admin decides", async () => {
    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    const id = await submitRequest(member, { name: uniqueVmName("decided") });
    const watching = await signedInPage(browser, USERS.gary, { at: `/requests/${id}` });
    const details = countReads(watching, "requests.get");
    await waitForStatus(watching, "Waiting for approval");
    await waitForLive(watching);
    await details.fromQuiet();
    await markDocument(watching);

    const deciding = await signedInPage(browser, USERS.gary, { at: `/requests/${id}` });
    await approveOn(deciding);
    await waitForStatus(watching, "Approved", 10_000);
    // the decision bar is gone with the pending state: nobody can act on the stale version any more
    expect(await watching.getByRole("button", { name: "Approve…" }).count()).toBe(0);
    // and the member, who waited on the same page, saw it too
    await waitForStatus(member, "Approved", 10_000);
    expect(details.count(), await details.describe()).toBe(1);
    expect(await sameDocument(watching)).toBe(true);
    await watching.waitForTimeout(QUIET_MS);
    expect(details.count(), await details.describe()).toBe(1);
    for (const page of [member, watching, deciding]) await page.context().close();
  });

  it("shows an admin's open agents page a newly queued job without a reload, with one refetch", async () => {
    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    const id = await submitRequest(member, { name: uniqueVmName("queued-job") });
    const agents = await signedInPage(browser, USERS.gary, { at: "/admin/agents" });
    const queues = countReads(agents, "agents.queue");
    await agents.getByRole("heading", { name: "Jobs" }).waitFor();
    await waitForLive(agents);
    await queues.fromQuiet();
    await markDocument(agents);

    const admin = await signedInPage(browser, USERS.gary, { at: `/requests/${id}` });
    await approveOn(admin);
    // no agent serves Globex: the hub queues the job, says why it waits, and tells the admins
    const job = agents.locator("li[data-job]").filter({ hasText: id });
    await job.getByTestId("wait-reason").waitFor({ timeout: 10_000 });
    expect(queues.count(), await queues.describe()).toBe(1);
    expect(await sameDocument(agents)).toBe(true);

    await agents.waitForTimeout(QUIET_MS);
    expect(queues.count(), await queues.describe()).toBe(1);
    for (const page of [member, agents, admin]) await page.context().close();
  });

  it("closes its stream on sign-out", async () => {
    const member = await signedInPage(browser, USERS.gina, { at: "about:blank" });
    let open = 0;
    const isFeed = (url: string) => new URL(url).pathname === "/trpc/requests.changes";
    member.on("request", (r) => {
      if (isFeed(r.url())) open += 1;
    });
    const ended = (r: Request) => {
      if (isFeed(r.url())) open -= 1;
    };
    member.on("requestfinished", ended);
    member.on("requestfailed", ended);
    await member.goto("/requests");
    await waitForLive(member);
    expect(open).toBe(1);
    await member.getByRole("button", { name: "Sign out", exact: true }).click();
    await member.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    await expect.poll(() => open).toBe(0);
    expect(await member.locator("main[data-live]").count()).toBe(0);
    await member.context().close();
  });
});
