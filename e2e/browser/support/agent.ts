import type { Browser } from "playwright-core";
import { signedInPage, USERS } from "./browser.ts";

/**
 * Resolves once the agents page shows a connected agent, so tests that need vCenter fail with a clear
 * sentence (not a locator timeout deep in a flow) when the local stack started none. The deadline is
 * sized for a CI machine running two browser files at once beside the stack (a fresh-clone run once
 * saw the agents page stay empty past 60 s there); a stack that started no agent still fails here.
 */
export async function waitForConnectedAgent(browser: Browser, timeoutMs = 100_000): Promise<void> {
  const page = await signedInPage(browser, USERS.adam, { at: "/admin/agents" });
  try {
    await page
      .getByTestId("agent-connection")
      .filter({ hasText: /^Connected$/ })
      .first()
      .waitFor({ timeout: timeoutMs });
  } catch {
    const rows = await page.locator("tr[data-agent]").allTextContents();
    throw new Error(
      `no agent connected to the local stack within ${timeoutMs / 1000} s (agents page: ${rows.join(" | ") || "no agents"})`,
    );
  } finally {
    await page.context().close();
  }
}
