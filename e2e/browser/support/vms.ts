import { readFileSync } from "node:fs";
import { SoapSession } from "@gantry/vcsim/test-support/soap-session";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { z } from "zod";
import { newContext, signIn, USERS } from "./browser.ts";
import { trpcCall, waitForStatus } from "./flows.ts";
import { type VcsimEndpoint, vcsimControl } from "./vcsim-control.ts";

/**
 * A READY VM for a browser test file, built the quick way: the member's request created and the admin's
 * approval given straight through the API (the forms have their own tests), then awaited on the
 * request page until the stepper says Ready. Returns the VM's id (the request's).
 */
export async function provisionReadyVm(
  member: BrowserContext,
  admin: BrowserContext,
  options: { name: string; size?: "S" | "M" | "L" | "XL"; project?: string },
): Promise<string> {
  const projects = await trpcCall(member, {
    path: "catalog.projects",
    schema: z.array(z.object({ projectId: z.string(), name: z.string() })),
  });
  const project = options.project ? projects.find((p) => p.name === options.project) : projects[0];
  if (!project) throw new Error(`no project ${options.project ?? "at all"} for this user`);
  const { requestId } = await trpcCall(member, {
    path: "requests.create",
    input: {
      idempotencyKey: crypto.randomUUID(),
      projectId: project.projectId,
      name: options.name,
      size: options.size ?? "S",
      justification: "A VM for the browser tests of the VM's life.",
    },
    schema: z.object({ requestId: z.string() }),
  });
  const detail = await trpcCall(admin, {
    path: `requests.get?input=${encodeURIComponent(JSON.stringify({ requestId }))}`,
    schema: z.object({ request: z.object({ version: z.number() }) }),
  });
  await trpcCall(admin, {
    path: "approvals.approve",
    input: { requestId, expectedVersion: detail.request.version },
    schema: z.unknown(),
  });
  const page = await member.newPage();
  await page.goto(`/requests/${requestId}`);
  await waitForStatus(page, "Ready", 60_000);
  await page.close();
  return requestId;
}

/** Provisioning a VM in a `beforeAll` may wait behind other files' jobs on the stack's agents. */
export const VM_FIXTURE_TIMEOUT_MS = 150_000;

/**
 * One file's VM: Alice's (approved by Adam) and two of her pages on it, one that acts and one that only
 * watches, so every test can prove a change reached a second open page.
 */
export async function vmFixture(
  browser: Browser,
  options: { name: string; size?: "S" | "M" | "L" | "XL"; project?: string },
): Promise<{ member: BrowserContext; admin: BrowserContext; vmId: string; acting: Page; watching: Page }> {
  const member = await newContext(browser);
  await signIn(member, USERS.alice);
  const admin = await newContext(browser);
  await signIn(admin, USERS.adam);
  const vmId = await provisionReadyVm(member, admin, options);
  return { member, admin, vmId, acting: await member.newPage(), watching: await member.newPage() };
}

/** The VM as `vms.get` answers the context's user. */
export const vmDetail = (context: BrowserContext, vmId: string) =>
  trpcCall(context, {
    path: `vms.get?input=${encodeURIComponent(JSON.stringify({ vmId }))}`,
    schema: z.object({
      vm: z.object({ vmwareId: z.string(), vmName: z.string(), powerState: z.string(), size: z.string() }),
      snapshots: z.array(z.object({ name: z.string() })),
    }),
  });

/** How the simulator's guest of VM `name` (vCenter name) behaves from now on (`POST /_gantry/guest`). */
export const setGuest = (
  endpoint: VcsimEndpoint,
  guest: { name: string; ignoresShutdown?: boolean; ignoresReboot?: boolean },
): Promise<void> => vcsimControl(endpoint, "guest", guest);

/**
 * Calls `method` (`PowerOffVM_Task`, `Destroy_Task`) on a VM straight in vCenter, behind Gantry's back
 * (the simulator's default credentials).
 */
export async function behindGantrysBack(
  endpoint: VcsimEndpoint,
  method: "PowerOffVM_Task" | "Destroy_Task",
  vmwareId: string,
): Promise<void> {
  const session = new SoapSession(
    endpoint.sdkUrl,
    endpoint.caFile ? readFileSync(endpoint.caFile, "utf8") : undefined,
  );
  try {
    const login = await session.login("user", "pass");
    if (login.fault) throw new Error(`vcsim login: ${login.fault}`);
    await session.ok(method, { type: "VirtualMachine", value: vmwareId });
  } finally {
    session.close();
  }
}

/** The VM page's live feedback line (the polite status region). */
export const actionStatus = (page: Page) => page.getByTestId("vm-action-status");
