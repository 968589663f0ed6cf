import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeUrl, launchBrowser, signedInPage, USERS } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";

// Personal API tokens from the page to a script and back, and the audit page an admin reads them in.

/** A script's call: Node's fetch with the token, no cookie, no Origin. */
const listRequests = (secret: string) =>
  fetch(`${edgeUrl()}/trpc/requests.list?input=${encodeURIComponent(JSON.stringify({}))}`, {
    headers: { authorization: `Bearer ${secret}` },
  });

async function textOf(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

const tokenRow = (page: Page, name: string) => page.locator("tr[data-token]", { hasText: name });

describe("API tokens and the audit log", () => {
  let browser: Browser;
  const name = `ci-${Date.now().toString(36)}`;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a member makes a token, sees it once, a script uses it, and revoking it stops the script", async () => {
    const page = await signedInPage(browser, USERS.alice, { at: "/settings/tokens" });
    await page.getByRole("heading", { name: "API tokens", level: 1 }).waitFor();
    await expectAccessible(page, "API tokens, before making one");
    // a member is never offered the admin scope
    expect(await page.getByRole("checkbox", { name: /^Admin/ }).count()).toBe(0);

    // no name: told at the field, nothing made
    await page.getByRole("button", { name: "Create token" }).click();
    await page.locator("#token-name-error").getByText("The name is required.").waitFor();

    await page.getByLabel("Name").fill(name);
    await page.getByRole("checkbox", { name: /^Request/ }).check();
    await page.getByLabel("Expires after").selectOption("7");
    await page.getByRole("button", { name: "Create token" }).click();
    const reveal = page.getByTestId("secret-reveal");
    await reveal.waitFor();
    const secret = (await reveal.getByTestId("secret").textContent()) ?? "";
    expect(secret).toMatch(/^gpt_[A-Za-z0-9_-]{43}$/);
    await reveal.getByRole("button", { name: /Copy/ }).waitFor();
    await tokenRow(page, name).waitFor();
    expect(await tokenRow(page, name).locator('td[data-label="Scopes"]').textContent()).toBe("read, request");
    await capturePage(page, "api-tokens");

    // the script lists the member's requests with it
    const listed = await listRequests(secret);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ result: { data: { items: expect.any(Array) } } });

    // shown once: after a reload the list has the token, the page no secret
    await page.reload();
    await tokenRow(page, name).waitFor();
    expect(await page.getByTestId("secret-reveal").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // revoking asks first and opens on the way back
    const row = tokenRow(page, name);
    await row.getByRole("button", { name: `Revoke… ${name}` }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    await expectAccessible(page, "revoke token dialog");
    expect(
      await dialog.getByRole("button", { name: "Keep it" }).evaluate((b) => b === document.activeElement),
    ).toBe(true);
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await page.getByTestId("toast").getByText(`Revoked the token "${name}".`).waitFor();
    await row
      .locator('td[data-label="Valid"]')
      .getByText(/^revoked/)
      .waitFor();

    // the script's next call is refused
    expect((await listRequests(secret)).status).toBe(401);
    await page.context().close();
  });

  it("an admin filters the audit log and downloads the filtered set as CSV", async () => {
    const page = await signedInPage(browser, USERS.adam, { at: "/admin/audit" });
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    await page.getByTestId("audit-table").waitFor();
    await expectAccessible(page, "audit log");

    await page.getByLabel("Action").selectOption("API_TOKEN_REVOKED");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/action=API_TOKEN_REVOKED/);
    const rows = page.getByTestId("audit-table").locator("tbody tr");
    await rows.first().waitFor();
    // every row shown is a revocation, and the member's of the test above is among them
    const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-action")));
    expect(new Set(actions)).toEqual(new Set(["API_TOKEN_REVOKED"]));
    await rows.filter({ hasText: "Alice Member" }).first().waitFor();
    await capturePage(page, "audit-log");

    // narrowing by the person keeps the action filter (a link on the actor's name)
    await rows
      .filter({ hasText: "Alice Member" })
      .first()
      .getByRole("link", { name: "Alice Member" })
      .click();
    await page.waitForURL(/actor=user-alice/);
    await page.waitForURL(/action=API_TOKEN_REVOKED/);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("audit-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^gantry-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await textOf(download);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      '"time","actor_kind","actor_id","actor_name","token_id","action","subject","request_id","summary"',
    );
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) {
      expect(line).toContain('"user-alice"');
      expect(line).toContain('"API_TOKEN_REVOKED"');
    }

    // a member is not let in
    const member = await signedInPage(browser, USERS.alice, { at: "/admin/audit" });
    await member.getByText("For admins only").first().waitFor();
    expect((await member.context().request.get("/exports/audit.csv")).status()).toBe(403);
    await member.context().close();
    await page.context().close();
  });
});
