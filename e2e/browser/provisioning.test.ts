import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import {
  catalogSizes,
  recordStepper,
  stepperLog,
  submitRequest,
  waitForLive,
  waitForStatus,
} from "./support/flows.ts";
import { vcsimVm } from "./support/vcsim-control.ts";

const STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"] as const;

// a successful run's history, oldest first
const HISTORY = [
  "Request submitted",
  "Approved",
  "Provisioning started",
  "Cloning the template",
  "Configuring hardware",
  "Powering on",
  "Waiting for the network",
  "VM ready",
];

describe("requesting a VM end to end", () => {
  let browser: Browser;
  let member: Page;
  let admin: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    member = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    admin = await signedInPage(browser, USERS.adam, { at: "/admin/approvals" });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const name = uniqueVmName("e2e");
  let vcenterName = "";

  it("validates the name as you type with the server's rules", async () => {
    const field = member.getByLabel("VM name");
    await field.fill("Web_01");
    await member.getByText("The name may contain only lowercase letters, digits and hyphens.").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    await field.fill("web--01");
    await member.getByText("The name must not contain two hyphens in a row.").waitFor();
    await field.fill(name);
    await member.locator("#vm-name-error").filter({ hasText: /^$/ }).waitFor({ state: "attached" });
    expect(await field.getAttribute("aria-invalid")).toBe("false");
  });

  it("offers the catalogue's sizes and shows the server's refusal of a network at that field", async () => {
    const form = await signedInPage(browser, USERS.alice, { at: "/requests/new" });
    const sizes = await catalogSizes(form.context());
    expect(sizes.length).toBeGreaterThan(0);
    await form.locator(".size-card").first().waitFor();
    const cards = await form.locator(".size-card").evaluateAll((labels) =>
      labels.map((label) => ({
        size: label.querySelector("input")?.value,
        checked: label.querySelector("input")?.checked,
        name: label.querySelector(".size-card__name")?.textContent,
        specs: label.querySelector(".size-card__specs")?.textContent,
      })),
    );
    expect(cards).toEqual(
      sizes.map((s) => ({
        size: s.size,
        checked: s.isDefault,
        name: s.size,
        specs: `${s.cpu} vCPU · ${s.memoryGb} GB RAM · ${s.diskGb} GB disk`,
      })),
    );

    // a network the form offered when it loaded but the site's agent no longer reports (added to the
    // picker here): only the edge can tell, and its answer lands under the Network field
    const network = form.getByLabel("Network");
    await network.locator("option", { hasText: "VM Network" }).waitFor({ state: "attached" });
    await network.evaluate((select) => {
      const retired = document.createElement("option");
      retired.value = "/DC0/network/Retired Network";
      retired.textContent = "Retired Network";
      select.append(retired);
    });
    await network.selectOption("/DC0/network/Retired Network");
    await form.getByLabel("VM name").fill(uniqueVmName("retired"));
    await form.getByLabel("Justification").fill("Asks for a network vCenter no longer has.");
    const answered = form.waitForResponse((r) => r.url().includes("requests.create"));
    await form.getByRole("button", { name: "Submit request" }).click();
    expect((await answered).status()).toBe(400);
    await form
      .locator("#network-error")
      .getByText("The network is not a network of this project's site; pick one the form offers.")
      .waitFor();
    expect(await network.getAttribute("aria-invalid")).toBe("true");
    await form.locator("#form-error").getByText("Some fields need attention.").waitFor();
    expect(await form.locator("#vm-name-error").textContent()).toBe("");
    expect(new URL(form.url()).pathname).toBe("/requests/new");
    await screenshot(form, "new-request-network-refused");
    await form.context().close();
  });

  it("submits once even when the button is double-clicked", async () => {
    await member.getByRole("radio", { name: /^L\b/ }).check();
    // the networks come from the inventory the site's agent reported; pick one that is not the default
    await member.getByLabel("Network").selectOption({ label: "VM Network" });
    vcenterName = (await member.locator("#vm-name-hint .mono").textContent()) ?? "";
    expect(vcenterName).toMatch(new RegExp(`^[a-z]+-${name}$`));
    await member.getByLabel("Justification").fill("Staging copy of the web shop for the browser tests.");
    await screenshot(member, "new-request");
    await member.getByRole("button", { name: "Submit request" }).dblclick();
    await member.waitForURL(/\/requests\/(?!new)[^/]+$/);
    await waitForStatus(member, "Waiting for approval");
    await member.getByText("Waiting for an admin to approve.").waitFor();
    await screenshot(member, "request-pending");

    await member.goto("/requests");
    await member.getByRole("link", { name }).first().waitFor();
    expect(await member.getByRole("link", { name }).count()).toBe(1);
    await screenshot(member, "my-requests");
    await member.getByRole("link", { name }).click();
    await waitForStatus(member, "Waiting for approval");
    await recordStepper(member);
  });

  // the requester's recent requests are checked in decisions.test.ts, where they are known to exist
  it("shows the admin the request in a queue ordered oldest-first, and who asked", async () => {
    await admin.reload();
    await admin.getByRole("heading", { name: "Approval queue" }).waitFor();
    await admin.getByRole("link", { name }).waitFor();
    const created = await admin
      .locator("tr[data-request-id]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-created-at") ?? ""));
    expect(created).toEqual([...created].sort());
    await screenshot(admin, "approval-queue");
    await admin.getByRole("link", { name }).click();
    const requester = admin.getByTestId("requester");
    await requester.getByText(USERS.alice).waitFor();
    await requester.getByText("Alice Member").waitFor();
    await screenshot(admin, "admin-request-detail");
  });

  it("approves after a confirmation", async () => {
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("alertdialog").getByText("Approve this request?").waitFor();
    await screenshot(admin, "approve-confirm");
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.getByRole("alertdialog").waitFor({ state: "detached" });
    await admin.locator("h1 .badge", { hasText: /Approved|Provisioning|Ready/ }).waitFor();
  });

  it("lets the member watch every stage complete live, then shows the IP and VM status", async () => {
    await waitForConnectedAgent(browser);
    // the simulator's clone takes a few seconds and reports its progress
    await member
      .locator('[data-step="CLONING"][data-state="current"]')
      .getByText(/\d+% copied/)
      .waitFor({ timeout: 60_000 });
    await screenshot(member, "request-cloning");
    for (const stage of STAGES) {
      await member.locator(`[data-step="${stage}"][data-state="done"]`).waitFor({ timeout: 90_000 });
    }
    await waitForStatus(member, "Ready");
    const ip = member.getByTestId("vm-ip");
    await ip.filter({ hasText: /\d+\.\d+\.\d+\.\d+/ }).waitFor();
    await member.getByTestId("vm-hostname").filter({ hasText: name }).waitFor();
    await member
      .getByTestId("vm-power")
      .filter({ hasText: /Running|Powered off|Suspended|Unknown/ })
      .waitFor();
    await member.getByRole("button", { name: "Refresh status" }).click();
    await member.getByRole("button", { name: "Refresh status" }).waitFor();
    await screenshot(member, "request-ready");
    // the VM vCenter built sits on the network the member picked
    const vm = await vcsimVm(inject("vcsim"), vcenterName);
    expect(vm.nics.map((n) => n.network)).toEqual([expect.stringContaining("VM Network")]);

    const { log, sameDocument, layoutShift } = await stepperLog(member);
    // the page that watched was loaded before approval: every stage turned done in front of the member
    expect(sameDocument).toBe(true);
    // live updates filled reserved space: nothing on the page moved
    expect(layoutShift).toBeLessThan(0.01);
    for (const stage of STAGES) expect(log).toContainEqual([stage, "done"]);
    expect(log).toContainEqual(["CLONING", "pending"]);

    // and the finished page still fits a phone
    await member.setViewportSize({ width: 360, height: 740 });
    expect(
      await member.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await screenshot(member, "request-ready-360");
    await member.setViewportSize({ width: 1280, height: 900 });
  });

  it("lists the finished request's history in order, and the time each step finished", async () => {
    const history = member.getByRole("list", { name: "Request history" });
    await history.locator('li[data-kind="VM_READY"]').waitFor();
    expect(await history.locator(".timeline__title").allTextContents()).toEqual(HISTORY);
    const at = await history
      .locator("time")
      .evaluateAll((times) => times.map((t) => t.getAttribute("datetime") ?? ""));
    expect(at).toHaveLength(HISTORY.length);
    expect(at).toEqual([...at].sort());
    await history.locator('li[data-kind="SUBMITTED"]').getByText("Alice Member").waitFor();
    await history.locator('li[data-kind="APPROVED"]').getByText("Adam Admin").waitFor();

    // every step is done, each with the time it finished, in order, as a wall-clock time
    const steps = await member.locator("[data-step]").evaluateAll((rows) =>
      rows.map((row) => {
        const time = row.querySelector(".step__time time");
        return {
          step: row.getAttribute("data-step"),
          state: row.getAttribute("data-state"),
          at: time?.getAttribute("datetime") ?? null,
          text: time?.textContent ?? null,
          expected: time
            ? new Intl.DateTimeFormat("en-GB", {
                hour: "2-digit",
                minute: "2-digit",
                second: "2-digit",
                hour12: false,
              }).format(new Date(time.getAttribute("datetime") ?? ""))
            : null,
        };
      }),
    );
    expect(steps.map((s) => [s.step, s.state])).toEqual(["CREATED", ...STAGES].map((k) => [k, "done"]));
    for (const s of steps) {
      expect(s.text, `${s.step} shows no time`).toMatch(/^\d{2}:\d{2}:\d{2}$/);
      expect(s.text).toBe(s.expected);
    }
    const stepTimes = steps.map((s) => s.at ?? "");
    expect(stepTimes).toEqual([...stepTimes].sort());
  });

  it("estimates the time left on a second run of the same template and size, with the job shown running", async () => {
    const agents = await signedInPage(browser, USERS.adam, { at: "/admin/agents" });
    await agents.getByRole("heading", { name: "Jobs" }).waitFor();
    await waitForLive(agents);

    const second = uniqueVmName("eta");
    const id = await submitRequest(member, { name: second, size: "L" });
    await waitForStatus(member, "Waiting for approval");
    await admin.goto(`/requests/${id}`);
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("button", { name: "Approve and provision" }).click();

    // the first run finished, so the edge knows how long this template and size take
    const agentRow = agents
      .locator("tr[data-agent]")
      .filter({ has: agents.getByTestId("agent-connection").filter({ hasText: /^Connected$/ }) });
    await Promise.all([
      member
        .getByTestId("stepper-status")
        .filter({ hasText: /^(About \d+ (s|min).* left|Almost done)$/ })
        .waitFor({ timeout: 60_000 }),
      agents
        .locator("li[data-job]")
        .filter({ hasText: id })
        .locator(".badge", { hasText: "Running" })
        .waitFor({ timeout: 60_000 }),
      agentRow
        .locator('td[data-label="Jobs running"]')
        .filter({ hasText: /^[1-9]\d*$/ })
        .waitFor({ timeout: 60_000 }),
    ]);
    await screenshot(member, "request-eta");
    await waitForStatus(member, "Ready", 90_000);
    await agents.context().close();
  });
});
