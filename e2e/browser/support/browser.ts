import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export { USERS } from "./shared-browser.ts";

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../screenshots");

export const edgeUrl = (): string => inject("edgeUrl");

/**
 * The run's one Chromium (started by global setup), connected to from this file. Closing what this
 * returns closes the file's contexts, not the browser the other files use.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.connect(inject("browserWsEndpoint"));
}

export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: edgeUrl(), viewport });
  context.setDefaultTimeout(20_000);
  return context;
}

/**
 * Signs the context in as `email` with the session cookie global setup got from the dev login once
 * for the run (the cookie is signed, not stored: a sign-out elsewhere does not end it here).
 */
export async function signIn(context: BrowserContext, email: string): Promise<void> {
  const cookies = inject("sessions")[email];
  if (!cookies) throw new Error(`no session for ${email}: global setup signs in only the demo users`);
  await context.addCookies(cookies);
}

/** A fresh context signed in as `email`, with a page opened at `at`. */
export async function signedInPage(
  browser: Browser,
  email: string,
  options: { at?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await newContext(browser, options.viewport);
  await signIn(context, email);
  const page = await context.newPage();
  await page.goto(options.at ?? "/requests");
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A VM name nobody else in this run uses. */
export const uniqueVmName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(0, 40);
