import { readFileSync } from "node:fs";
import { MARKER_REQUEST_ID } from "@gantry/agent/provisioning/vm-marker";
import { type MoRef, moref, refOf, SoapSession } from "@gantry/vcsim/test-support/soap-session";
import { at } from "@gantry/vcsim/test-support/xml-tree";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
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
  await asVcenterUser(endpoint, async (session) => {
    await session.ok(method, { type: "VirtualMachine", value: vmwareId });
  });
}

/** Runs `work` on a session of the simulator's default user, as an operator in the vSphere client. */
async function asVcenterUser(endpoint: VcsimEndpoint, work: (session: SoapSession) => Promise<void>) {
  const session = new SoapSession(
    endpoint.sdkUrl,
    endpoint.caFile ? readFileSync(endpoint.caFile, "utf8") : undefined,
  );
  try {
    const login = await session.login("user", "pass");
    if (login.fault) throw new Error(`vcsim login: ${login.fault}`);
    await work(session);
  } finally {
    session.close();
  }
}

/**
 * Clones the stock template into a VM carrying our marker with `marker` (a request Gantry never knew), as
 * a failed cleanup or a restored backup leaves one: the next reconciliation scan lists it as unowned.
 */
export async function markerVmBehindGantrysBack(
  endpoint: VcsimEndpoint,
  input: { name: string; marker: string },
): Promise<void> {
  await asVcenterUser(endpoint, async (session) => {
    const find = async (path: string): Promise<MoRef> => {
      const index = { type: "SearchIndex", value: "SearchIndex" };
      const found = refOf(
        at(
          await session.ok("FindByInventoryPath", index, `<inventoryPath>${path}</inventoryPath>`),
          "returnval",
        ),
      );
      if (!found) throw new Error(`no ${path} in the simulator`);
      return found;
    };
    const [template, folder, pool] = await Promise.all(
      ["/DC0/vm/ubuntu-22.04-tmpl", "/DC0/vm", "/DC0/host/DC0_C0/Resources"].map(find),
    );
    if (!template || !folder || !pool) throw new Error("inventory missing");
    const extra = `<extraConfig><key>${MARKER_REQUEST_ID}</key><value xsi:type="xsd:string">${input.marker}</value></extraConfig>`;
    const spec = `<spec><location>${moref("pool", pool)}</location><config>${extra}</config><powerOn>false</powerOn><template>false</template></spec>`;
    const task = refOf(
      at(
        await session.ok(
          "CloneVM_Task",
          template,
          `${moref("folder", folder)}<name>${input.name}</name>${spec}`,
        ),
        "returnval",
      ),
    );
    if (!task) throw new Error("CloneVM_Task returned no task");
    // the simulator may end the clone after answering (the stack's clone delay)
    const state = async () => (await session.retrieve(task, ["info.state"])).get("info.state")?.text;
    await expect.poll(state, { timeout: 30_000 }).toBe("success");
  });
}

/** The VM page's live feedback line (the polite status region). */
export const actionStatus = (page: Page) => page.getByTestId("vm-action-status");
