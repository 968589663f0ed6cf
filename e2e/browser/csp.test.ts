import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeUrl, launchBrowser, signedInPage, USERS } from "./support/browser.ts";

// The app under its own Content-Security-Policy (no inline script or style, no framing): the policy is
// really sent — by Workers static assets for the SPA (the build's _headers), by the Worker for the API —
// and walking the main pages raises no violation and no console error.

/** Records CSP violations from the first script on: an init script runs outside the page's policy. */
async function watchViolations(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction("__cspViolation", (text: string) => problems.push(`violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return problems;
}

describe("Content-Security-Policy", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("is sent with the SPA, its files and the API, with the other security headers", async () => {
    for (const path of ["/", "/requests/new", "/sign-in", "/trpc/health"]) {
      const response = await fetch(`${edgeUrl()}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("strict-transport-security"), path).toContain("max-age=");
    }
    const html = await (await fetch(`${edgeUrl()}/`)).text();
    const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
    const asset = await fetch(`${edgeUrl()}${script}`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("lets the app run: the main pages, as a member and as an admin, raise no violation", async () => {
    const problems: string[] = [];
    const member = await signedInPage(browser, USERS.alice, { at: "/sign-in" });
    problems.push(...(await watchViolations(member)));
    for (const path of ["/requests", "/requests/new"]) {
      await member.goto(path);
      await member.getByRole("heading", { level: 1 }).first().waitFor();
    }
    // a dialog (Kobalte) and the size cards: where inline styles would show first
    await member.getByRole("heading", { name: "New request" }).waitFor();
    await member.context().close();

    const admin = await signedInPage(browser, USERS.adam, { at: "/sign-in" });
    problems.push(...(await watchViolations(admin)));
    for (const [path, heading] of [
      ["/admin/approvals", "Approval queue"],
      ["/admin/agents", "Agents"],
      ["/admin/site", /Site/],
      ["/admin/sessions", "Sessions"],
    ] as const) {
      await admin.goto(path);
      await admin.getByRole("heading", { name: heading, level: 1 }).first().waitFor();
    }
    await admin.getByRole("button", { name: "Sign out", exact: true }).click();
    await admin.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    await admin.context().close();
    expect(problems).toEqual([]);
  });

  it("refuses to be framed by another page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const framed: string[] = [];
    page.on("console", (message) => framed.push(message.text()));
    await page.setContent(`<iframe src="${edgeUrl()}/requests"></iframe>`);
    await expect.poll(() => framed.some((t) => t.includes("frame-ancestors"))).toBe(true);
    expect(
      page
        .frames()
        .find((f) => f.url().startsWith(edgeUrl()))
        ?.url() ?? "",
    ).not.toContain("/requests");
    await context.close();
  });
});
