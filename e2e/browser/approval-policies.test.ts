import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { z } from "zod";
import { launchBrowser, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { createRequestViaApi, trpcCall, waitForStatus } from "./support/flows.ts";

// Approval policies (issue 18) as an admin and a member meet them: Adam gives a project of this file's own
// (so no other file's requests are approved by it) a rule, with an error at the field and a preview; then
// Alice's routine request of that project is approved by the policy and reaches READY in the simulator
// with no human action, and its page says why.

const suffix = crypto.randomUUID().slice(0, 6);
const PROJECT = { name: `Auto ${suffix}`, slug: `auto-${suffix}`, vmPrefix: `a${suffix}` };

describe("approval policies", () => {
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await signedInPage(browser, USERS.adam, { at: "/settings/approval-policies" });
    const sites = await trpcCall(admin.context(), {
      path: "settings.sites",
      schema: z.array(z.object({ siteId: z.string(), name: z.string() })),
    });
    const site = sites.find((s) => s.name === "Acme lab (VCSIM)");
    if (!site) throw new Error("the stack has no Acme lab site");
    await trpcCall(admin.context(), {
      path: "settings.createProject",
      input: { ...PROJECT, siteId: site.siteId },
      schema: z.unknown(),
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an admin edits a project's policy, told at the field, and sees the preview", async () => {
    await admin.reload();
    await admin.getByRole("heading", { name: "Settings: Approval policies" }).waitFor();
    await admin.getByLabel("Policy of").selectOption({ label: PROJECT.name });
    await admin.getByRole("button", { name: "Add rule" }).click();
    const rule = admin.getByTestId("rule-0");
    // an id the schema refuses is told under its field, before anything is sent
    await rule.getByLabel("Rule id").fill("Small VMs");
    await rule.getByLabel("vCPU at most").fill("4");
    await rule.getByLabel("Memory (GB) at most").fill("8");
    await admin.getByRole("button", { name: "Save policy" }).click();
    await rule.getByText("use 1–40 lower-case letters, digits or dashes").waitFor();
    await expectAccessible(admin, "an approval rule refused at its field");
    await rule.getByLabel("Rule id").fill("small");
    // the preview evaluates the rules as edited: M fits, XL does not
    await admin.getByLabel("A request of size").selectOption("M");
    await admin.getByRole("button", { name: "Preview" }).click();
    await admin
      .getByTestId("approval-preview")
      .getByText("This request would be auto-approved because rule 1 (small): size ≤ 4 vCPU / 8 GB")
      .waitFor();
    await admin.getByLabel("A request of size").selectOption("XL");
    await admin.getByRole("button", { name: "Preview" }).click();
    await admin.getByTestId("approval-preview").getByText("This request needs 1 approval: no rule").waitFor();
    await admin.getByRole("button", { name: "Save policy" }).click();
    await admin.getByTestId("toast").getByText("Approval policy saved.").waitFor();
    await capturePage(admin, "settings-approval-policies");
  });

  it("a member's routine request is approved by the policy, reaches READY with no human action, and says why", async () => {
    const alice = await signedInPage(browser, USERS.alice);
    const name = uniqueVmName("auto");
    const requestId = await createRequestViaApi(alice.context(), { name, project: PROJECT.name });
    await alice.goto(`/requests/${requestId}`);
    await alice
      .getByTestId("approval-progress")
      .getByText("Approval policy: auto-approved because rule 1 (small)")
      .waitFor();
    const history = alice.getByRole("list", { name: "Request history" });
    await history.getByText("Approved by the approval policy").waitFor();
    await waitForStatus(alice, "Ready", 120_000);
    await expectAccessible(alice, "a request approved by the policy");
    await alice.context().close();
  });
});
