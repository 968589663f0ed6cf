import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { axeViolations } from "./axe.ts";

/** The main pages at 1280 and 360 px, committed and linked from web/README.md. */
export const PAGE_SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../../../web/screenshots");

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/** Waits until the page has painted twice, so a resize or a change has settled before a check. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** Fails with axe-core's findings when the page as it is now has any accessibility violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await settled(page);
  const violations = await axeViolations(page);
  expect(violations, `accessibility violations on ${what} (${page.url()})`).toEqual([]);
}

/**
 * One of the main pages, as the README shows it: checked with axe-core and saved at 1280 and at 360 px
 * (`web/screenshots/<name>-1280.png`, `-360.png`); the page is left at the width it had.
 */
export async function capturePage(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  await mkdir(PAGE_SCREENSHOT_DIR, { recursive: true });
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await expectAccessible(page, `${name} at ${viewport.width} px`);
    // nothing may scroll sideways on a phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      viewport.width,
    );
    await page.screenshot({
      path: path.join(PAGE_SCREENSHOT_DIR, `${name}-${viewport.width}.png`),
      fullPage: true,
      animations: "disabled",
      // a toast floats over the page: the picture is of the page itself (the toast stays for the test)
      style: ".toasts { visibility: hidden; }",
      // the run's one Chromium is busy with another file's pages too: more than a locator's 20 s
      timeout: 60_000,
    });
  }
  await page.setViewportSize(before);
  await settled(page);
}
