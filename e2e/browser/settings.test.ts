import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { createRequestViaApi } from "./support/flows.ts";

// The settings area (issue 17) as a tenant admin uses it: a site and a project created through the forms
// (the edge's refusals shown at their fields), then Pat named approver of the project, who approves a
// request of it from the queue and never sees another project's.

const suffix = crypto.randomUUID().slice(0, 6);
const SITE = { name: `Lab ${suffix}`, slug: `lab-${suffix}` };
const PROJECT = { name: `Team ${suffix}`, slug: `team-${suffix}`, prefix: `t${suffix}` };

describe("settings", () => {
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await signedInPage(browser, USERS.adam, { at: "/settings" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const toast = (page: Page, text: string) => page.getByTestId("toast").getByText(text).waitFor();

  it("creates a site, refusing a slug another site holds at its field", async () => {
    await admin.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Sites" }).click();
    await admin.getByRole("heading", { name: "Settings: Sites" }).waitFor();
    const form = admin.getByRole("form", { name: "New site" });
    await form.getByLabel("Name").fill("Another VCSIM");
    await form.getByLabel("Slug").fill("vcsim");
    await form.getByRole("button", { name: "Create site" }).click();
    await form.getByText("is already used by another site").waitFor();
    expect(await form.getByLabel("Slug").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(admin, "a site slug refused by the edge");

    await form.getByLabel("Name").fill(SITE.name);
    await form.getByLabel("Slug").fill(SITE.slug);
    await form.getByRole("button", { name: "Create site" }).click();
    await toast(
      admin,
      `Created site ${SITE.name}. Next: enroll its agent (Agents), then pick its placement.`,
    );
    const row = admin.locator(`tr[data-site="${SITE.slug}"]`);
    await row.getByRole("link", { name: `Not set yet for ${SITE.name}` }).waitFor();
    await capturePage(admin, "settings-sites");
  });

  it("creates a project, checking slug and prefix with the shared schema and the edge", async () => {
    await admin.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Projects" }).click();
    await admin.getByRole("heading", { name: "Settings: Projects" }).waitFor();
    const form = admin.getByRole("form", { name: "New project" });
    await form.getByLabel("Name", { exact: true }).fill(PROJECT.name);
    // the shared schema refuses it before anything is sent
    await form.getByLabel("Slug").fill("Team Space");
    await form.getByLabel("VM name prefix").fill(PROJECT.prefix);
    await form.getByRole("button", { name: "Create project" }).click();
    await form.getByText("must be 1–40 lowercase letters, digits and hyphens").waitFor();
    // the edge refuses a slug another project holds, and the form says so at the field
    await form.getByLabel("Slug").fill("web");
    await form.getByRole("button", { name: "Create project" }).click();
    await form.getByText("is already used by another project").waitFor();
    await expectAccessible(admin, "a project slug refused by the edge");

    await form.getByLabel("Slug").fill(PROJECT.slug);
    await form.getByLabel("Site").selectOption({ label: "Acme lab (VCSIM)" });
    await form.getByRole("button", { name: "Create project" }).click();
    await toast(admin, `Created project ${PROJECT.name}. Members can request VMs in it now.`);
    const row = admin.locator(`tr[data-project="${PROJECT.slug}"]`);
    await row.getByText("Acme lab (VCSIM)").waitFor();
    expect(await row.locator('td[data-label="Approvers"]').textContent()).toBe("Admins");
    await capturePage(admin, "settings-projects");
  });

  it("names Pat approver of the project; Pat approves its request and sees no other project's", async () => {
    await admin
      .getByRole("navigation", { name: "Settings" })
      .getByRole("link", { name: "People and roles" })
      .click();
    await admin.getByRole("heading", { name: "Settings: People and roles" }).waitFor();
    await admin.getByRole("checkbox", { name: `${PROJECT.name} approved by Pat Member` }).check();
    await toast(admin, `Pat Member now approves requests of ${PROJECT.name}.`);
    await capturePage(admin, "settings-people");
    // the project's row names its approver
    await admin.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Projects" }).click();
    await admin.locator(`tr[data-project="${PROJECT.slug}"]`).getByText("Pat Member").waitFor();

    const alice = await signedInPage(browser, USERS.alice);
    const mine = uniqueVmName("approver-ok");
    const elsewhere = uniqueVmName("approver-no");
    await createRequestViaApi(alice.context(), { name: mine, project: PROJECT.name });
    await createRequestViaApi(alice.context(), { name: elsewhere, project: "Web" });

    const pat = await signedInPage(browser, USERS.pat);
    await pat
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /Approvals/ })
      .click();
    await pat.getByRole("heading", { name: "Approval queue" }).waitFor();
    const row = (name: string) => pat.locator("tr[data-request-id]").filter({ hasText: name });
    await row(mine).waitFor();
    expect(await row(elsewhere).count()).toBe(0);
    await expectAccessible(pat, "a project approver's queue");
    await row(mine)
      .getByRole("button", { name: `Approve… ${mine}` })
      .click();
    const confirm = pat.getByRole("alertdialog");
    await confirm.getByRole("button", { name: "Approve and provision" }).click();
    await toast(pat, `Approved ${mine}. The agent starts building it now.`);
    await row(mine).waitFor({ state: "detached" });
    await pat.context().close();
    await alice.context().close();
  });

  it("sets the project's quota; the request form shows what is left and refuses an over-quota size at the field", async () => {
    const alice = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    await alice.getByLabel("Project").selectOption({ label: PROJECT.name });
    await alice.getByRole("radio", { name: /^M\b/ }).check();

    await admin.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Quotas" }).click();
    await admin.getByRole("heading", { name: "Settings: Quotas" }).waitFor();
    const row = admin.locator("tr[data-quota]").filter({ hasText: PROJECT.name });
    // Pat's approved request holds 4 vCPU, unless vCenter failed it meanwhile (a failure gives it back)
    expect(await row.locator('td[data-resource="vcpu"]').textContent()).toMatch(/^[04] \/ 0 \/ unlimited$/);
    await row.getByRole("button", { name: `Edit the quota of ${PROJECT.name}` }).click();
    const form = admin.getByRole("form", { name: `Quota of ${PROJECT.name}` });
    await form.getByLabel("vCPU").fill("eight");
    await form.getByRole("button", { name: "Save quota" }).click();
    await form.getByText("must be a whole number from 0 to 1000000, or empty").waitFor();
    await form.getByLabel("vCPU").fill("2");
    await form.getByRole("button", { name: "Save quota" }).click();
    await toast(admin, `Saved the quota of ${PROJECT.name}.`);
    await row
      .locator('td[data-resource="vcpu"]')
      .getByText(/ \/ 2$/)
      .waitFor();
    await expectAccessible(admin, "quotas with usage per project");
    await capturePage(admin, "settings-quotas");

    // Alice's form was open before the quota: the edge refuses her size M and the form says so at the field
    await alice.getByLabel("VM name").fill(uniqueVmName("quota"));
    await alice.getByLabel("Justification").fill("a VM for the quota test");
    await alice.getByRole("button", { name: "Submit request" }).click();
    const sizeError = alice.locator("#size-error");
    await sizeError
      .getByText(
        new RegExp(`^Project ${PROJECT.name} allows 2 vCPU; [0-2] (is|are) left, this request needs 4$`),
      )
      .waitFor();
    // a fresh form knows the quota: what is left is shown, and an over-quota size is refused before submit
    await alice.goto("/requests/new");
    await alice.getByLabel("Project").selectOption({ label: PROJECT.name });
    await alice.getByText(new RegExp(`^Left in ${PROJECT.name}: [0-2] vCPU$`)).waitFor();
    await alice.getByRole("radio", { name: /^XL\b/ }).check();
    await sizeError.getByText(/allows 2 vCPU; [0-2] (is|are) left, this request needs 16$/).waitFor();
    expect(await alice.getByRole("radio", { name: /^XL\b/ }).getAttribute("aria-describedby")).toBe(
      "size-quota size-error",
    );
    await expectAccessible(alice, "an over-quota size refused at the field");
    await alice.context().close();
  });

  it("is for admins only", async () => {
    const member = await signedInPage(browser, USERS.alice, { at: "/settings" });
    await member.getByTestId("admins-only").waitFor();
    await member.context().close();
  });
});
