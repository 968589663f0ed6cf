import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
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
    // a destructive confirmation opens on the way back: Enter now would keep the request
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Keep it");
    await tabTo(page, /Yes, cancel request/, 5);
    await page.keyboard.press("Enter");
    await waitForStatus(page, "Cancelled");
    await page.context().close();
  });

  it("keeps the request when Enter is pressed right after a destructive confirmation opens", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    await page.getByLabel("VM name").fill(uniqueVmName("enter"));
    await page.getByLabel("Justification").fill("Checking where a confirmation puts focus.");
    await page.getByRole("button", { name: "Submit request" }).click();
    await waitForStatus(page, "Waiting for approval");
    await page.getByRole("button", { name: "Cancel request…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    // each button is named by the words it shows (no "Dismiss" behind "Keep it")
    await dialog.getByRole("button", { name: "Keep it", exact: true }).waitFor();
    await dialog.getByRole("button", { name: "Yes, cancel request", exact: true }).waitFor();
    await expectAccessible(page, "the cancel confirmation");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await waitForStatus(page, "Waiting for approval");
    expect(await page.getByRole("button", { name: "Cancel request…" }).count()).toBe(1);
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
