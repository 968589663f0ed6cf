import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitForConnectedAgent } from "./support/agent.ts";
import { launchBrowser, screenshot, signedInPage, USERS, uniqueVmName } from "./support/browser.ts";
import { capturePage, expectAccessible, PHONE } from "./support/checks.ts";
import {
  catalogSizes,
  recordStepper,
  setSiteAccess,
  stepperLog,
  submitRequest,
  waitForLive,
  waitForStatus,
  whenStepTurns,
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
        name: `${s.size} ${s.label}`,
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
    await capturePage(member, "my-requests");
    await member.getByRole("link", { name }).click();
    await waitForStatus(member, "Waiting for approval");
    // the network picked is part of the request from now on
    expect(await member.getByTestId("request-network").textContent()).toBe("VM Network");
    await member
      .getByRole("list", { name: "Request history" })
      .locator('li[data-kind="SUBMITTED"]')
      .getByText(/, on network VM Network$/)
      .waitFor();
    // nothing to check or refresh on a VM that does not exist yet
    expect(await member.getByRole("button", { name: "Refresh status" }).count()).toBe(0);
    expect(await member.getByTestId("vm-power").count()).toBe(0);
    await capturePage(member, "request-pending");
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
    const row = admin.locator("tr[data-request-id]").filter({ hasText: name });
    expect(await row.locator('td[data-label="Network"]').textContent()).toBe("VM Network");
    await screenshot(admin, "approval-queue");
    await admin.getByRole("link", { name }).click();
    const requester = admin.getByTestId("requester");
    await requester.getByText(USERS.alice).waitFor();
    await requester.getByText("Alice Member").waitFor();
    expect(await admin.getByTestId("request-network").textContent()).toBe("VM Network");
    await capturePage(admin, "admin-request-detail");
  });

  // what the badge and the VM card say the moment the stepper turns: they never lag behind it
  let atCloning: Awaited<ReturnType<typeof whenStepTurns>> = async () => ({ badge: "", ip: "" });
  let atReady = atCloning;

  it("approves after a confirmation", async () => {
    // the clone takes a few seconds: everything that watches it is in place before the approval
    await waitForConnectedAgent(browser);
    atCloning = await whenStepTurns(member, "CLONING", "current");
    atReady = await whenStepTurns(member, "READY", "done");
    // the site says how its VMs are reached, so the ready VM shows its FQDN and how to log in
    await setSiteAccess(admin.context(), { dnsDomain: "lab.acme.test", loginUser: "ubuntu" });
    await admin.getByRole("button", { name: "Approve…" }).click();
    await admin.getByRole("alertdialog").getByText("Approve this request?").waitFor();
    await expectAccessible(admin, "the approve confirmation");
    await screenshot(admin, "approve-confirm");
    await admin.getByRole("button", { name: "Approve and provision" }).click();
    await admin.getByRole("alertdialog").waitFor({ state: "detached" });
    await admin.locator("h1 .badge", { hasText: /Approved|Provisioning|Ready/ }).waitFor();
  });

  it("lets the member watch every stage complete live, then shows the IP and VM status", async () => {
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
    expect((await atCloning()).badge).toBe("Provisioning");
    const ready = await atReady();
    expect(ready.badge).toBe("Ready");
    expect(ready.ip).toMatch(/\d+\.\d+\.\d+\.\d+/);
    await member.getByTestId("stepper-status").getByText("Your VM is ready.").waitFor();
    const ip = member.getByTestId("vm-ip");
    await ip.filter({ hasText: /\d+\.\d+\.\d+\.\d+/ }).waitFor();
    await member.getByTestId("vm-hostname").filter({ hasText: name }).waitFor();
    await member.getByTestId("vm-fqdn").getByText(`${name}.lab.acme.test`).waitFor();
    await member.getByTestId("vm-login").getByText(`ssh ubuntu@${name}.lab.acme.test`).waitFor();
    // each value copies as it is shown
    await member.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const address = (await ip.locator(".mono").textContent()) ?? "";
    await ip.getByRole("button", { name: "Copy IP address" }).click();
    await member.getByTestId("toast").getByText("IP address copied.").waitFor();
    expect(await member.evaluate(() => navigator.clipboard.readText())).toBe(address);
    await member.getByTestId("vm-login").getByRole("button", { name: "Copy login command" }).click();
    await expect
      .poll(() => member.evaluate(() => navigator.clipboard.readText()))
      .toBe(`ssh ubuntu@${name}.lab.acme.test`);
    await member
      .getByTestId("vm-power")
      .filter({ hasText: /Running|Powered off|Suspended|Unknown/ })
      .waitFor();
    await member.getByRole("button", { name: "Refresh status" }).click();
    await member.getByRole("button", { name: "Refresh status" }).waitFor();
    await screenshot(member, "request-ready");
    // the admin, who approved, is told whose VM is ready
    await admin.getByTestId("stepper-status").getByText("Alice Member's VM is ready.").waitFor();
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

    // and the finished page fits a phone, with the VM's address before the finished steps
    await member.setViewportSize(PHONE);
    expect(
      await member.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    const top = (testId: string) =>
      member.getByTestId(testId).evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    const progressTop = await member
      .getByRole("heading", { name: "Progress" })
      .evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    expect(await top("vm-ip")).toBeLessThan(progressTop);
    expect(await top("vm-ip")).toBeLessThan(450);
    await screenshot(member, "request-ready-360");
    await member.setViewportSize({ width: 1280, height: 900 });
    await capturePage(member, "request-ready");
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
    // each stage says how long it took, not only when it happened
    const took = await history
      .locator('li[data-kind="STAGE_REACHED"] [data-testid="stage-duration"]')
      .allTextContents();
    expect(took).toHaveLength(4);
    for (const text of took) expect(text).toMatch(/^ · took (under 1 s|\d+ s|\d+ min( \d+ s)?)$/);

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
      // both of the stack's agents may be busy (another file's job runs beside this one): any of them
      agentRow
        .locator('td[data-label="Jobs running"]')
        .filter({ hasText: /^[1-9]\d*$/ })
        .first()
        .waitFor({ timeout: 60_000 }),
    ]);
    await screenshot(member, "request-eta");
    await waitForStatus(member, "Ready", 90_000);
    await agents.context().close();
  });
});
