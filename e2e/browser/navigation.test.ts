import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible, PHONE } from "./support/checks.ts";
import { createRequestViaApi } from "./support/flows.ts";

/** Every error the page logs to its console or throws, from now on. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

const focusedHeading = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.tagName === "H1" ? (el.textContent ?? "") : `not a heading: ${el?.tagName ?? "none"}`;
  });

describe("finding one's way", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the sign-in page without an error in the console", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto("/requests");
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    await page.getByRole("button", { name: USERS.alice }).waitFor();
    expect(await page.title()).toBe("Sign in · Gantry");
    expect(errors).toEqual([]);
    await capturePage(page, "sign-in");
    await context.close();
  });

  it("names each page in the browser tab", async () => {
    const admin = await signedInPage(browser, USERS.adam, { at: "/requests" });
    const name = uniqueVmName("title");
    const id = await createRequestViaApi(admin.context(), { name });
    const expected: Array<[string, string]> = [
      ["/requests", "My requests · Gantry"],
      ["/requests/new", "New request · Gantry"],
      [`/requests/${id}`, `Request ${name} · Gantry`],
      ["/admin/approvals", "Approval queue · Gantry"],
      ["/admin/agents", "Agents · Gantry"],
      ["/admin/site", "Site settings: Acme lab (VCSIM) · Gantry"],
      ["/admin/audit", "Audit log · Gantry"],
      ["/settings/tokens", "API tokens · Gantry"],
      ["/nowhere", "Page not found · Gantry"],
    ];
    for (const [path, title] of expected) {
      await admin.goto(path);
      await admin.locator("h1").first().waitFor();
      await expect.poll(() => admin.title(), { message: path }).toBe(title);
    }
    await expectAccessible(admin, "the not-found page");
    await admin.context().close();
  });

  it("moves focus to the new page's heading after each navigation, not on the first load", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/requests" });
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    expect(await focusedHeading(page)).toBe("not a heading: BODY");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "New request" }).click();
    await page.getByRole("heading", { name: "New request" }).waitFor();
    await expect.poll(() => focusedHeading(page)).toBe("New request");
    await nav.getByRole("link", { name: "My requests" }).click();
    await expect.poll(() => focusedHeading(page)).toBe("My requests");
    // the next Tab goes on from the heading into the page, not from the top of the header
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest("main") !== null)).toBe(true);
    await page.context().close();
  });

  it("serves a real icon for the tab", async () => {
    const context = await newContext(browser);
    const icon = await context.request.get("/favicon.ico");
    expect(icon.ok()).toBe(true);
    expect(icon.headers()["content-type"]).toMatch(/^image\//);
    // an ICO file starts with its reserved word 0 and type 1
    expect([...(await icon.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    const page = await context.newPage();
    await page.goto("/sign-in");
    const linked = await page
      .locator('link[rel="icon"]')
      .evaluateAll((links) => links.map((l) => l.getAttribute("href")));
    expect(linked).toEqual(["/favicon.ico", "/favicon.svg"]);
    expect((await context.request.get("/favicon.svg")).headers()["content-type"]).toMatch(/^image\/svg/);
    await context.close();
  });

  it("tells a member plainly that an admin page is for admins, without errors or a pointless retry", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "about:blank" });
    const errors = pageErrors(page);
    for (const path of ["/admin/approvals", "/admin/agents", "/admin/site", "/admin/audit"]) {
      await page.goto(path);
      await page.getByRole("heading", { name: "For admins only" }).waitFor();
      expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
      // a member's navigation lists no admin pages either
      // (the Inbox link carries the person's unread count, which other files' decisions change)
      const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
      expect(links.map((text) => text.replace(/ \d+ unread$/, ""))).toEqual([
        "My requests",
        "New request",
        "My VMs",
        "API tokens",
        "Inbox",
      ]);
    }
    await expectAccessible(page, "the admins-only page");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("folds the admin navigation into a menu on a phone, and only there", async () => {
    const page = await signedInPage(browser, USERS.adam, { at: "/admin/agents" });
    await page.getByRole("heading", { name: "Agents" }).waitFor();
    const menu = page.getByRole("button", { name: "Menu" });
    const approvals = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" });
    // on a desktop every link is in sight and there is no menu to open
    expect(await menu.isVisible()).toBe(false);
    expect(await approvals.isVisible()).toBe(true);
    await page.setViewportSize(PHONE);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await approvals.isVisible()).toBe(false);
    // brand and Menu on one row, who is signed in on the next: the page starts right below
    const header = await page.locator("header").evaluate((el) => el.getBoundingClientRect().height);
    expect(header).toBeLessThan(120);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    // the header keeps one sign-out on a phone; the other is in the menu
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("button", { name: "Sign out everywhere" })
      .waitFor();
    await expectAccessible(page, "the open menu");
    await approvals.click();
    await page.getByRole("heading", { name: "Approval queue" }).waitFor();
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await page.context().close();
  });
});
