import { writeFileSync } from "node:fs";
import path from "node:path";
import { MARKER_REQUEST_ID } from "@gantry/agent/provisioning/vm-marker";
import { startVcsim, type VcsimOptions } from "@gantry/vcsim";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { type MoRef, moref, refOf, type SoapSession } from "@gantry/vcsim/test-support/soap-session";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { at, kids, textAt } from "@gantry/vcsim/test-support/xml-tree";
import type { AgentOptions } from "./agent-process.ts";

/** A VM as the inventory shows it. */
export interface InventoryVm {
  moref: string;
  name: string;
  powerState: string;
}

const SERVICE_INSTANCE: MoRef = { type: "ServiceInstance", value: "ServiceInstance" };
const COLLECTOR: MoRef = { type: "PropertyCollector", value: "propertyCollector" };

/**
 * The vCenter of one link test file: our VCSIM launcher (always ours, for its control API: call
 * counts, task and boot delays), the `vcenter` section an agent needs to reach it, and a reader
 * that finds the VMs a request created by their marker, over the simulator tests' own SOAP client
 * rather than the agent's.
 */
export class LinkVcsim {
  private constructor(
    readonly handle: VcsimHandle,
    private soap: SoapSession,
    private readonly root: { rootFolder: MoRef; viewManager: MoRef },
  ) {}

  static async start(options: {
    guestBootDelayMs: number;
    taskDelaysMs?: Record<string, number>;
    scale?: VcsimOptions["scale"];
  }): Promise<LinkVcsim> {
    const handle = await startVcsim({ requireControl: true, ...options });
    try {
      const soap = await loggedIn(handle);
      const content = at(await soap.ok("RetrieveServiceContent", SERVICE_INSTANCE), "returnval");
      const rootFolder = refOf(at(content, "rootFolder"));
      const viewManager = refOf(at(content, "viewManager"));
      if (!rootFolder || !viewManager) throw new Error("service content lacks rootFolder or viewManager");
      return new LinkVcsim(handle, soap, { rootFolder, viewManager });
    } catch (error) {
      await handle.stop();
      throw error;
    }
  }

  /**
   * The agent config's `vcenter` section; the password goes to a 0600 file in the agent's state dir.
   * @param username another account than the tests' own (the simulator takes any), so a fault can be
   *   injected into the agent's logins alone
   */
  agentConfig(stateDir: string, username = this.handle.username): NonNullable<AgentOptions["vcenter"]> {
    const passwordFile = path.join(stateDir, "vcenter-password");
    writeFileSync(passwordFile, this.handle.password, { mode: 0o600 });
    return {
      url: this.handle.url,
      username,
      passwordFile,
      ...(this.handle.caFile ? { caFile: this.handle.caFile } : { insecure: true }),
    };
  }

  /** SOAP calls of `method` the simulator received since it started. */
  async calls(method: string): Promise<number> {
    return (await this.handle.control.counts())[method] ?? 0;
  }

  /** Every VM in the inventory whose extraConfig carries our marker for `requestId`. */
  async vmsOf(requestId: string): Promise<InventoryVm[]> {
    try {
      return await this.markedVms(requestId);
    } catch (error) {
      // a test that ended every vCenter session ended ours too
      if (!String(error).includes("NotAuthenticated")) throw error;
      this.soap.close();
      this.soap = await loggedIn(this.handle);
      return this.markedVms(requestId);
    }
  }

  private async markedVms(requestId: string): Promise<InventoryVm[]> {
    const view = refOf(
      at(
        await this.soap.ok(
          "CreateContainerView",
          this.root.viewManager,
          `${moref("container", this.root.rootFolder)}<type>VirtualMachine</type><recursive>true</recursive>`,
        ),
        "returnval",
      ),
    );
    if (!view) throw new Error("CreateContainerView returned no view");
    try {
      const body = await this.soap.ok(
        "RetrievePropertiesEx",
        COLLECTOR,
        "<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet>" +
          "<pathSet>runtime.powerState</pathSet><pathSet>config.extraConfig</pathSet></propSet>" +
          `<objectSet>${moref("obj", view)}<skip>true</skip><selectSet xsi:type="TraversalSpec">` +
          "<type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options/>",
      );
      return kids(at(body, "returnval"), "objects").flatMap((o) => {
        const props = new Map(kids(o, "propSet").map((p) => [textAt(p, "name"), at(p, "val")]));
        const marked = props
          .get("config.extraConfig")
          ?.children.some(
            (ov) => textAt(ov, "key") === MARKER_REQUEST_ID && textAt(ov, "value") === requestId,
          );
        if (!marked) return [];
        return [
          {
            moref: textAt(o, "obj") ?? "",
            name: props.get("name")?.text ?? "",
            powerState: props.get("runtime.powerState")?.text ?? "",
          },
        ];
      });
    } finally {
      await this.soap.ok("DestroyView", view);
    }
  }

  /** Runs a task method on a VM as someone in vCenter would, and checks it succeeded. */
  private async settle(method: string, vm: string, inner = ""): Promise<void> {
    const task = refOf(
      at(await this.soap.ok(method, { type: "VirtualMachine", value: vm }, inner), "returnval"),
    );
    if (!task) throw new Error(`${method} returned no task`);
    // without a configured task delay the simulator ends these tasks before answering the call
    const state = (await this.soap.retrieve(task, ["info.state"])).get("info.state")?.text;
    if (state !== "success") throw new Error(`${method} ended ${state ?? "without a state"}`);
  }

  /** Powers a VM off and destroys it, as someone in vCenter would behind Gantry's back. */
  async destroyBehindGantrysBack(vm: string): Promise<void> {
    await this.settle("PowerOffVM_Task", vm);
    await this.settle("Destroy_Task", vm);
  }

  /** Rewrites a VM's marker to `value`, as someone in vCenter would behind Gantry's back. */
  async remarkBehindGantrysBack(vm: string, value: string): Promise<void> {
    const extra = `<extraConfig><key>${MARKER_REQUEST_ID}</key><value xsi:type="xsd:string">${value}</value></extraConfig>`;
    await this.settle("ReconfigVM_Task", vm, `<spec>${extra}</spec>`);
  }

  /** Whether vCenter still has the VM. */
  async exists(vm: string): Promise<boolean> {
    return this.handle.control.vm({ moref: vm }).then(
      () => true,
      () => false,
    );
  }

  async stop(): Promise<void> {
    this.soap.close();
    await this.handle.stop();
  }
}
