import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { waitForStatus } from "./support/flows.ts";

/** Presses Tab until the focused element's label or text matches `name`; fails after `max` presses. */
async function tabTo(page: Page, name: RegExp, max = 20): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement)) return "";
      const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return `${el.getAttribute("aria-label") ?? ""} ${labelled ?? ""} ${el.textContent ?? ""}`.trim();
    });
    if (name.test(focused)) return;
  }
  throw new Error(`no element matching ${name} within ${max} Tab presses`);
}

describe("keyboard use", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("requests a VM and cancels it without touching the mouse", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    await page.getByLabel("VM name").waitFor();
    const name = uniqueVmName("keys");

    await tabTo(page, /Skip to content/);
    await page.keyboard.press("Enter");
    await tabTo(page, /VM name/);
    await page.keyboard.type(name);
    await tabTo(page, /Project/);
    await tabTo(page, /Network/);
    await page.keyboard.press("Tab");
    // the size cards are one radio group: arrows move the choice
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("radio", { name: /^L\b/ }).isChecked()).toBe(true);
    await tabTo(page, /Justification/);
    await page.keyboard.type("Typed entirely from the keyboard.");
    await tabTo(page, /Submit request/);
    await page.keyboard.press("Enter");
    await waitForStatus(page, "Waiting for approval");

    await tabTo(page, /Skip to content/);
    await page.keyboard.press("Enter");
    await tabTo(page, /Cancel request/);
    await page.keyboard.press("Enter");
    await page.getByRole("alertdialog").waitFor();
    await tabTo(page, /Yes, cancel request/, 5);
    await page.keyboard.press("Enter");
    await waitForStatus(page, "Cancelled");
    await page.context().close();
  });

  it("closes a confirmation with Escape and gives focus back to its button", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    await page.getByLabel("VM name").fill(uniqueVmName("escape"));
    await page.getByLabel("Justification").fill("Checking that Escape closes the dialog.");
    await page.getByRole("button", { name: "Submit request" }).click();
    await waitForStatus(page, "Waiting for approval");
    await page.getByRole("button", { name: "Cancel request…" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("alertdialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("alertdialog").waitFor({ state: "detached" });
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused).toContain("Cancel request");
    await waitForStatus(page, "Waiting for approval");
    await page.context().close();
  });
});
