import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../screenshots");

export { USERS } from "./shared-browser.ts";

export const edgeUrl = (): string => inject("edgeUrl");

/**
 * The run's one Chromium (started by global setup), connected to from this file. Closing what this
 * returns closes the file's contexts, not the browser the other files use.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.connect(inject("browserWsEndpoint"));
}

/** @param baseUrl another edge than the run's shared one (a test with a stack of its own) */
export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
  baseUrl = edgeUrl(),
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Signs the context in through the dev login route, the way the sign-in page does. */
export async function signIn(context: BrowserContext, email: string, baseUrl = edgeUrl()): Promise<void> {
  const response = await context.request.post("/auth/dev-login", {
    data: { email },
    headers: { Origin: baseUrl },
  });
  if (!response.ok())
    throw new Error(`dev login for ${email} failed: ${response.status()} ${await response.text()}`);
}

/** A fresh context signed in as `email`, with a page opened at `at`. */
export async function signedInPage(
  browser: Browser,
  email: string,
  options: { at?: string; viewport?: { width: number; height: number }; edgeUrl?: string } = {},
): Promise<Page> {
  const context = await newContext(browser, options.viewport, options.edgeUrl);
  await signIn(context, email, options.edgeUrl);
  const page = await context.newPage();
  await page.goto(options.at ?? "/requests");
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // a full page of the run's one Chromium, busy with another file's pages too: more than a locator's 20 s
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, timeout: 60_000 });
}

/** A VM name nobody else in this run uses. */
export const uniqueVmName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(0, 40);
