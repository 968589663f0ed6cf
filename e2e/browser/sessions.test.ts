import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeUrl, launchBrowser, screenshot, signedInPage, USERS } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";

// Sam is signed in by this file only: ending Sam's sessions cannot sign out a file running beside it
// (every other file signs in as Alice, Adam, Gina or Gary, whose sessions nothing here ends).

/** Resolves once the page shows Sam signed in (name in the header). */
const signedInAsSam = (page: Page) =>
  page.getByTestId("user-menu").getByText("Sam Member", { exact: true }).waitFor();

/** Resolves once the page is the sign-in page. */
const onSignIn = (page: Page) => page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();

/** What the edge answers a read of the context's session: 401 once it has ended. */
async function readStatus(page: Page): Promise<number> {
  const response = await page.context().request.get("/trpc/catalog.sizes");
  return response.status();
}

/** The ids of the tenant's unused enrollment tokens, as the edge lists them to the page's admin. */
async function unusedTokenIds(page: Page): Promise<string[]> {
  const response = await page
    .context()
    .request.get(`/trpc/agents.enrollmentTokens?input=${encodeURIComponent("{}")}`);
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { result: { data: Array<{ tokenId: string }> } };
  return body.result.data.map((t) => t.tokenId);
}

describe("sessions", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("'Sign out everywhere' ends the person's sessions on other devices too", async () => {
    const laptop = await signedInPage(browser, USERS.sam);
    const phone = await signedInPage(browser, USERS.sam);
    await signedInAsSam(laptop);
    await signedInAsSam(phone);
    expect(await readStatus(laptop)).toBe(200);

    await phone.getByRole("button", { name: "Sign out everywhere" }).click();
    await onSignIn(phone);

    // the laptop never pressed anything: its session ended at the edge
    expect(await readStatus(laptop)).toBe(401);
    await laptop.goto("/requests");
    await onSignIn(laptop);
    // and signing in again still works (the person is not locked out)
    await laptop.getByRole("button", { name: USERS.sam }).click();
    await signedInAsSam(laptop);
    await laptop.getByRole("button", { name: "Sign out", exact: true }).click();
    await onSignIn(laptop);

    await laptop.context().close();
    await phone.context().close();
  });

  it("lets an admin end a member's sessions: the member's open page is signed out", async () => {
    const member = await signedInPage(browser, USERS.sam);
    await signedInAsSam(member);

    const admin = await signedInPage(browser, USERS.adam, { at: "/admin/sessions" });
    await admin.getByRole("heading", { name: "Sessions" }).waitFor();
    const row = admin.locator(`tr[data-person="${USERS.sam}"]`);
    await row.waitFor();
    // the one session just made: the previous test's sign-outs left none behind
    expect(await row.locator('td[data-label="Sessions"]').textContent()).toBe("1");
    expect(await row.locator('td[data-label="Role"]').textContent()).toBe("member");
    await capturePage(admin, "sessions");

    await row.getByRole("button", { name: "End sessions" }).click();
    // nobody signed in as Sam any more: the row leaves the list
    await row.waitFor({ state: "detached" });
    await expectAccessible(admin, "the sessions page after ending a member's sessions");
    // the admin's own session is untouched
    await admin.reload();
    await admin.getByRole("heading", { name: "Sessions" }).waitFor();

    expect(await readStatus(member)).toBe(401);
    await member.reload();
    await onSignIn(member);
    await screenshot(member, "sessions-ended-member");

    await member.context().close();
    await admin.context().close();
  });

  it("lists an unused enrollment token and withdraws it after a confirmation", async () => {
    const admin = await signedInPage(browser, USERS.adam, { at: "/admin/agents" });
    const created = admin.waitForResponse(
      (response) => response.url().includes("agents.createEnrollmentToken") && response.ok(),
    );
    await admin.getByRole("button", { name: "Create enrollment token" }).click();
    const body = await (await created).text();
    const tokenId = /"tokenId":"([^"]+)"/.exec(body)?.[1];
    expect(tokenId, body).toBeTruthy();
    const token = (await admin.getByTestId("secret").textContent()) ?? "";
    expect(token.length).toBeGreaterThan(20);

    // another file may make tokens at the same time: this one is found by its id
    const item = admin.locator(`li[data-token="${tokenId}"]`);
    await item.waitFor();
    // the site and the maker by name (not an id)
    expect(await item.locator("span").first().textContent()).toMatch(
      /^Acme lab \(VCSIM\) · made by Adam Admin · valid until /,
    );
    await expectAccessible(admin, "the unused enrollment tokens");

    expect(await unusedTokenIds(admin)).toContain(tokenId);

    // "Keep it" keeps it
    await item.getByRole("button", { name: /^Withdraw…/ }).click();
    const dialog = admin.getByRole("alertdialog");
    await dialog.getByText("Withdraw this enrollment token?").waitFor();
    // destructive: the dialog opens on "Keep it"
    await expect.poll(() => admin.evaluate(() => document.activeElement?.textContent)).toBe("Keep it");
    await expectAccessible(admin, "the withdraw-token confirmation");
    await screenshot(admin, "withdraw-token-dialog");
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "detached" });
    await admin.reload();
    await item.waitFor();

    await item.getByRole("button", { name: /^Withdraw…/ }).click();
    await dialog.getByRole("button", { name: "Withdraw token" }).click();
    await item.waitFor({ state: "detached" });
    await admin.getByTestId("toast").getByText("Enrollment token withdrawn.", { exact: false }).waitFor();
    // gone for good, not just from this page
    expect(await unusedTokenIds(admin)).not.toContain(tokenId);
    // and the edge refuses to enroll an agent with it
    const enrolled = await admin
      .context()
      .request.post(`${edgeUrl()}/agent/enroll`, { data: { token, name: "withdrawn-token-agent" } });
    expect(enrolled.ok()).toBe(false);

    await admin.context().close();
  });
});
