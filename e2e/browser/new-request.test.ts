import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { createRequestViaApi } from "./support/flows.ts";

/** Resolves once the network picker holds a project's networks (not its loading placeholder). */
const networksLoaded = (page: Page) =>
  page.getByLabel("Network").locator("option", { hasText: "(site default)" }).waitFor({ state: "attached" });

describe("the new-request form", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("keeps the page and the keyboard focus while another project's networks load", async () => {
    await networksLoaded(page);
    // from here on, note whether the form ever left the page (the app-wide "Loading…" in its place)
    await page.evaluate(() => {
      const w = window as unknown as { __formLeft: boolean };
      w.__formLeft = false;
      const main = document.querySelector("main");
      if (!main) throw new Error("no main");
      new MutationObserver(() => {
        if (!main.querySelector("form") || !main.querySelector("h1")) w.__formLeft = true;
      }).observe(main, { childList: true, subtree: true });
    });
    const project = page.getByLabel("Project");
    await project.focus();
    await project.selectOption({ label: "Web" });
    await networksLoaded(page);
    expect(await page.getByLabel("Network").isEnabled()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __formLeft: boolean }).__formLeft)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("project");
  });

  it("shows the name in vCenter only while the name is valid", async () => {
    const hint = page.locator("#vm-name-hint");
    await page.getByLabel("VM name").fill("Bad_Name");
    await page.getByText("The name may contain only lowercase letters, digits and hyphens.").waitFor();
    expect(await hint.textContent()).not.toContain("In vCenter");
    await page.getByLabel("VM name").fill("good-name");
    await page
      .getByTestId("vcenter-name")
      .filter({ hasText: /^web-good-name$/ })
      .waitFor();
    await expectAccessible(page, "the new-request form");
  });

  it("offers no uplink portgroup among the networks", async () => {
    const options = await page.getByLabel("Network").locator("option").allTextContents();
    expect(options).toContain("VM Network");
    expect(options.filter((o) => o.includes("DVUplinks"))).toEqual([]);
  });

  it("says while typing that a live request of the project has the name, and refuses it at submit", async () => {
    const taken = uniqueVmName("taken");
    await createRequestViaApi(page.context(), { name: taken, project: "Data" });
    await page.goto("/requests/new");
    const name = page.getByLabel("VM name");
    await name.fill(taken);
    const error = page.locator("#vm-name-error");
    await error
      .getByText("Another request in this project already uses this name. Choose another one.")
      .waitFor();
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "a taken name");

    // the name is free in the other project
    await page.getByLabel("Project").selectOption({ label: "Web" });
    await page.getByTestId("name-available").waitFor();
    expect(await error.textContent()).toBe("");

    // someone takes it there too before the submit: the edge refuses it, under the name
    await createRequestViaApi(page.context(), { name: taken, project: "Web" });
    await page.getByLabel("Justification").fill("Checks that a duplicate name is refused at submit.");
    const answered = page.waitForResponse((r) => r.url().includes("requests.create"));
    await page.getByRole("button", { name: "Submit request" }).click();
    expect((await answered).status()).toBe(409);
    await error.getByText("already used by a live request in this project").waitFor();
    await page.locator("#form-error").getByText("Some fields need attention.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/requests/new");
    await capturePage(page, "new-request");
  });
});
