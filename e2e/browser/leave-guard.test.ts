import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS } from "./support/browser.ts";

describe("a started request", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("asks before its typed-in text is thrown away by navigating elsewhere", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    await page.getByLabel("VM name").fill("half-typed");

    // the confirm blocks the page until answered, so each answer is registered before the click
    const messages: string[] = [];
    page.once("dialog", (dialog) => {
      messages.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My requests" }).click();
    await page.getByLabel("VM name").waitFor();
    expect(messages[0]).toContain("not submitted yet");
    expect(await page.getByLabel("VM name").inputValue()).toBe("half-typed");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My requests" }).click();
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    await page.context().close();
  });
});
