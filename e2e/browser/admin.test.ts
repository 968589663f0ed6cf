import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { edgeUrl, launchBrowser, screenshot, signedInPage, USERS } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { injectVcsimFault } from "./support/vcsim-control.ts";

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
    // a connected agent is seen now (its heartbeats are not pushed to the page, so no clock time)
    expect(await row.locator('td[data-label="Last seen"]').textContent()).toBe("Now");
    expect(await row.locator('td[data-label="Jobs running"]').textContent()).toMatch(/^\d+$/);
    await screenshot(admin, "agents");
    await capturePage(admin, "agents");
  }, 180_000);

  it("shows a new enrollment token once, and revokes the agent enrolled with it", async () => {
    await admin.getByRole("button", { name: "Create enrollment token" }).click();
    const token = (await admin.getByTestId("secret").textContent()) ?? "";
    expect(token.length).toBeGreaterThan(20);
    await admin.getByText("shown only this once").waitFor();
    // the three commands from here to a running agent: install and enroll with this token, vCenter, start
    const commands = await admin.getByTestId("command").allTextContents();
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(
      new RegExp(
        `(curl -fsSL ${edgeUrl()}/agent/install\\.sh \\| sudo sh -s -- |gantry-agent enroll --edge ${edgeUrl()} )--token ${token} --name dc1-agent-1$`,
      ),
    );
    expect(commands[1]).toMatch(/^sudo gantry-agent configure --vcenter /);
    expect(commands[2]).toBe("sudo systemctl enable --now gantry-agent");
    // each copies whole
    await admin.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await admin.getByRole("button", { name: "Copy command 1" }).click();
    await admin.getByTestId("toast").getByText("Command 1 copied.").waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(commands[0]);
    await expectAccessible(admin, "the enrollment token");
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
    // enrolled, but it never connected
    expect(await row.locator('td[data-label="Last seen"]').textContent()).toBe("Never");
    await row.getByRole("button", { name: "Revoke…" }).click();
    await admin.getByRole("alertdialog").getByText("Revoke spare-agent?").waitFor();
    // destructive: the dialog opens on "Keep it"
    await expect.poll(() => admin.evaluate(() => document.activeElement?.textContent)).toBe("Keep it");
    await admin.getByRole("button", { name: "Revoke agent" }).click();
    await row.getByText("Revoked").waitFor();
    await admin.getByTestId("toast").getByText("Revoked spare-agent.").waitFor();
  });

  it("saves placement picked from the agent's inventory and tests the vCenter connection through the agent", async () => {
    await waitForConnectedAgent(browser);
    await admin.goto("/admin/site");
    const pool = admin.getByLabel("Cluster or resource pool");
    await pool.waitFor({ timeout: 60_000 });
    // the page names the site it edits, and says what its default network means for members
    await admin.getByRole("heading", { name: "Site settings · Acme lab (VCSIM)" }).waitFor();
    await admin.getByText("Members may pick another network the agent reports").waitFor();
    const networks = await admin.getByLabel("Default network").locator("option").allTextContents();
    expect(networks.filter((n) => n.includes("DVUplinks"))).toEqual([]);
    const cluster = await pool.locator("option", { hasText: "(cluster)" }).first().getAttribute("value");
    expect(cluster).toBeTruthy();
    await pool.selectOption(cluster ?? "");
    // how people reach the VMs: a bad value is refused at its field, a good one kept
    const domain = admin.getByLabel("DNS domain (optional)");
    await domain.fill("lab..acme");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await admin.getByText("The DNS domain must be a DNS domain such as lab.example.com.").waitFor();
    expect(await domain.getAttribute("aria-invalid")).toBe("true");
    await domain.fill("lab.acme.test");
    await admin.getByLabel("Login user (optional)").fill("ubuntu");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await admin
      .getByTestId("toast")
      .getByText("Saved. New requests for Acme lab (VCSIM) use these settings.")
      .waitFor();
    await admin.reload();
    await admin.getByLabel("DNS domain (optional)").waitFor();
    await expect.poll(() => admin.getByLabel("DNS domain (optional)").inputValue()).toBe("lab.acme.test");
    expect(await admin.getByLabel("Login user (optional)").inputValue()).toBe("ubuntu");

    // vCenter refuses the agent's credentials once: the result names the check that failed
    await injectVcsimFault(inject("vcsim"), { method: "Login", match: "userName", fault: "InvalidLogin" });
    await admin.getByRole("button", { name: "Test vCenter connection" }).click();
    const result = admin.getByTestId("connection-result");
    await result
      .getByRole("alert")
      .filter({ hasText: /^Failed: login\.$/ })
      .waitFor({ timeout: 45_000 });
    const checks = result.getByRole("list", { name: "Connection checks" }).getByRole("listitem");
    await checks.filter({ hasText: "reachable" }).getByText("OK", { exact: true }).waitFor();
    await checks.filter({ hasText: "login" }).getByText("Failed", { exact: true }).waitFor();
    await screenshot(admin, "site-settings-login-failed");

    await admin.getByRole("button", { name: "Test vCenter connection" }).click();
    await admin.getByTestId("connection-result").getByText("All checks passed").waitFor({ timeout: 45_000 });
    expect(await checks.filter({ hasText: "template" }).getByText("OK", { exact: true }).count()).toBe(1);
    await screenshot(admin, "site-settings");
    await capturePage(admin, "site-settings");
  });

  it("reads the site's inventory again from vCenter on demand", async () => {
    await waitForConnectedAgent(browser);
    await admin.goto("/admin/site");
    const age = admin.getByTestId("inventory-age");
    await age.waitFor({ timeout: 60_000 });
    const before = await age.getAttribute("data-received-at");
    expect(before).toBeTruthy();
    await admin.getByRole("button", { name: "Read again from vCenter" }).click();
    // a fresh report from the agent, stored by the hub and redrawn without a reload
    await admin.waitForFunction(
      (previous) =>
        document.querySelector('[data-testid="inventory-age"]')?.getAttribute("data-received-at") !==
        previous,
      before,
      { timeout: 45_000 },
    );
    await admin.getByRole("button", { name: "Read again from vCenter" }).waitFor();
    expect(await admin.getByTestId("inventory-refresh-error").count()).toBe(0);
    expect(await admin.getByLabel("Template").locator("option").count()).toBeGreaterThan(0);
  });

  it("says plainly that no agent is connected when a site's connection is tested without one", async () => {
    // Globex has no agent in the local stack
    const page = await signedInPage(browser, USERS.gary, { at: "/admin/site" });
    await page.getByRole("button", { name: "Test vCenter connection" }).click();
    await page
      .getByTestId("connection-error")
      .filter({ hasText: /^No agent connected for site Globex lab \(VCSIM\)\.$/ })
      .waitFor();
    expect(await page.getByTestId("connection-result").count()).toBe(0);
    // nor can it read the inventory it never had
    await page.getByRole("button", { name: "Read again from vCenter" }).click();
    await page
      .getByTestId("inventory-refresh-error")
      .filter({ hasText: /^No agent connected for site Globex lab \(VCSIM\)\.$/ })
      .waitFor();
    await page.context().close();
  });

  it("keeps the agents page within a 360 px wide screen", async () => {
    await admin.setViewportSize({ width: 360, height: 740 });
    await admin.goto("/admin/agents");
    await admin.locator("tr[data-agent]").first().waitFor();
    await admin.getByRole("heading", { name: "Jobs" }).waitFor();
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(admin, "agents-360");
  });
});
