import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { submitRequest } from "./support/flows.ts";

// The size catalogue (issue 17) as Globex's admin and member meet it: a custom size added in the settings
// area (the shared schema's refusal at its field), a request made with it, then the size retired: gone
// from the request form, still on the request's page. Globex, so the Acme files' size cards never see it.

const CODE = `gpu-${crypto.randomUUID().slice(0, 6)}`;

describe("size catalogue", () => {
  let browser: Browser;
  let admin: Page;
  let requestId = "";
  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await signedInPage(browser, USERS.gary, { at: "/settings" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const sizeCard = (page: Page) => page.getByRole("radio", { name: new RegExp(`^${CODE}\\b`) });

  it("adds a custom size, refusing values outside the shared schema at their field", async () => {
    await admin.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Sizes" }).click();
    await admin.getByRole("heading", { name: "Settings: Sizes" }).waitFor();
    const form = admin.getByRole("form", { name: "New size" });
    await form.getByLabel("Code").fill(CODE);
    await form.getByLabel("Label").fill("GPU box");
    await form.getByLabel("vCPU").fill("0");
    await form.getByLabel("Memory (GB)").fill("48");
    await form.getByLabel("Disk (GB)").fill("300");
    await form.getByRole("button", { name: "Add size" }).click();
    await expect.poll(() => form.getByLabel("vCPU").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(admin, "a size refused by the shared schema");
    await form.getByLabel("vCPU").fill("12");
    await form.getByRole("button", { name: "Add size" }).click();
    await admin
      .getByTestId("toast")
      .getByText(`Added size ${CODE}; the request form offers it now.`)
      .waitFor();
    await admin.locator(`tr[data-size="${CODE}"]`).getByText("12 vCPU").waitFor();
    await capturePage(admin, "settings-sizes");
  });

  it("lets a member request a VM with it; the request keeps the size's resources", async () => {
    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    await sizeCard(member).waitFor();
    requestId = await submitRequest(member, { name: uniqueVmName("gpu"), size: CODE });
    await member.getByText(`${CODE} · 12 vCPU · 48 GB RAM`).waitFor();
    await member.context().close();
  });

  it("retires it: gone from the request form, still on the request's page", async () => {
    await admin.reload();
    const row = admin.locator(`tr[data-size="${CODE}"]`);
    // used by a request: it can no longer be changed, only retired
    await row.getByText("1", { exact: true }).waitFor();
    expect(await row.getByRole("button", { name: `Change ${CODE}` }).count()).toBe(0);
    await row.getByRole("button", { name: `Retire… ${CODE}` }).click();
    await admin.getByRole("button", { name: "Retire size" }).click();
    await admin.getByTestId("toast").getByText(`Retired size ${CODE}. Its history is kept.`).waitFor();
    await row.getByText("(retired)").waitFor();

    const member = await signedInPage(browser, USERS.gina, { at: "/requests/new" });
    await member.locator(".size-card").first().waitFor();
    expect(await sizeCard(member).count()).toBe(0);
    await member.goto(`/requests/${requestId}`);
    await member.getByText(`${CODE} · 12 vCPU · 48 GB RAM`).waitFor();
    await member.context().close();
  });
});
