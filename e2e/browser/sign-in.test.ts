import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, signedInPage, USERS } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";

describe("signing in", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the seeded users and shows the signed-in user's name, tenant and role", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto("/requests");
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    for (const email of Object.values(USERS)) {
      // each button is named by what it shows: who you become
      await page.getByRole("button", { name: email }).waitFor();
    }
    await screenshot(page, "sign-in");

    await page.getByRole("button", { name: USERS.alice }).click();
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    const menu = (await page.getByTestId("user-menu").textContent()) ?? "";
    expect(menu).toContain("Alice");
    expect(menu).toContain("Acme");
    expect(menu).toContain("member");
    await context.close();
  });

  it("signs out back to the sign-in page, and the app then asks for a sign-in again", async () => {
    const page = await signedInPage(browser, USERS.adam);
    await page.getByTestId("user-role").filter({ hasText: "admin" }).waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    await page.goto("/requests");
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    await page.context().close();
  });

  it("gives someone without requests an empty state with the next step", async () => {
    // Gary only ever decides: Gina submits in the push tests (Globex has no agent, so counts are exact)
    const page = await signedInPage(browser, USERS.gary);
    await page.getByRole("heading", { name: "You have no requests yet" }).waitFor();
    await expectAccessible(page, "an empty request list");
    await screenshot(page, "requests-empty");
    await page.getByRole("link", { name: "Request your first VM" }).click();
    await page.getByRole("heading", { name: "New request" }).waitFor();
    await page.context().close();
  });

  it("keeps the header and the request form usable at 360 px", async () => {
    const page = await signedInPage(browser, USERS.gina, {
      at: "/requests/new",
      viewport: { width: 360, height: 740 },
    });
    await page.getByLabel("VM name").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "new-request-360");
    await page.context().close();
  });
});
