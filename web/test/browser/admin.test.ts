import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { edgeUrl, launchBrowser, screenshot, signedInPage, USERS } from "./support/browser.ts";

describe("admin pages", () => {
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await signedInPage(browser, USERS.adam, { at: "/admin/agents" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the enrolled agent as connected with its version and last contact", async () => {
    await waitForConnectedAgent(browser);
    const row = admin
      .locator("tr[data-agent]")
      .filter({ has: admin.getByTestId("agent-connection").filter({ hasText: /^Connected$/ }) })
      .first();
    await row.waitFor({ timeout: 60_000 });
    expect(await row.locator('td[data-label="Version"]').textContent()).toMatch(/\d+\.\d+/);
    expect(await row.locator('td[data-label="Last seen"]').textContent()).not.toBe("Never");
    await screenshot(admin, "agents");
  });

  it("shows a new enrollment token once, and revokes the agent enrolled with it", async () => {
    await admin.getByRole("button", { name: "Create enrollment token" }).click();
    const token = (await admin.getByTestId("secret").textContent()) ?? "";
    expect(token.length).toBeGreaterThan(20);
    await admin.getByText("shown only this once").waitFor();
    await screenshot(admin, "enrollment-token");

    // a machine next to vCenter redeems the token (what `gantry-agent enroll` does)
    const enrolled = await admin
      .context()
      .request.post(`${edgeUrl()}/agent/enroll`, { data: { token, name: "spare-agent" } });
    expect(enrolled.ok()).toBe(true);

    await admin.reload();
    expect(await admin.getByTestId("secret").count()).toBe(0);
    const row = admin.locator("tr[data-agent]").filter({ hasText: "spare-agent" });
    await row.getByTestId("agent-connection").filter({ hasText: "Disconnected" }).waitFor();
    await row.getByRole("button", { name: "Revoke…" }).click();
    await admin.getByRole("alertdialog").getByText("Revoke spare-agent?").waitFor();
    await admin.getByRole("button", { name: "Revoke agent" }).click();
    await row.getByText("Revoked").waitFor();
  });

  it("saves placement picked from the agent's inventory and tests the vCenter connection through the agent", async () => {
    await waitForConnectedAgent(browser);
    await admin.goto("/admin/site");
    const pool = admin.getByLabel("Cluster or resource pool");
    await pool.waitFor({ timeout: 60_000 });
    const cluster = await pool.locator("option", { hasText: "(cluster)" }).first().getAttribute("value");
    expect(cluster).toBeTruthy();
    await pool.selectOption(cluster ?? "");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await admin.getByText("Saved. New requests use these settings.").waitFor();

    await admin.getByRole("button", { name: "Test vCenter connection" }).click();
    await admin.getByTestId("connection-result").waitFor({ timeout: 45_000 });
    await admin.getByText("All checks passed").waitFor();
    await screenshot(admin, "site-settings");
  });
});
