import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { submitRequest } from "./support/flows.ts";

describe("tenant isolation in the browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows another tenant's request URL as not found, to members and admins alike", async () => {
    const member = await signedInPage(browser, USERS.alice);
    const id = await submitRequest(member, { name: uniqueVmName("private") });

    for (const email of [USERS.gina, USERS.gary]) {
      const outsider = await signedInPage(browser, email, { at: `/requests/${id}` });
      await outsider.getByTestId("not-found").getByRole("heading", { name: "Request not found" }).waitFor();
      if (email === USERS.gina) await screenshot(outsider, "request-not-found");
      await outsider.context().close();
    }
  });
});
