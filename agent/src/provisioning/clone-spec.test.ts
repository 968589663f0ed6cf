import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { describe, expect, it } from "vitest";
import { parseHardware } from "../vsphere/devices.ts";
import { cloneVmTask } from "../vsphere/methods/clone-vm-task.ts";
import type { Vim } from "../vsphere/vim.ts";
import { parseXml } from "../vsphere/xml.ts";
import { serialize, type XmlNode } from "../vsphere/xml-write.ts";
import { cloneSpecFor } from "./clone-spec.ts";
import { ProvisioningStop } from "./failure/provisioning-stop.ts";
import type { ResolvedPlacement } from "./placement.ts";

const devices = parseXml(`<val XMLSchema-instance:type="ArrayOfVirtualDevice">
<VirtualDevice XMLSchema-instance:type="VirtualDisk"><key>204</key><deviceInfo><label>Hard disk 1</label><summary>10,485,760 KB</summary></deviceInfo><backing XMLSchema-instance:type="VirtualDiskFlatVer2BackingInfo"><fileName>[LocalDS_0] tmpl/disk1.vmdk</fileName><diskMode>persistent</diskMode></backing><controllerKey>202</controllerKey><unitNumber>0</unitNumber><capacityInKB>10485760</capacityInKB><capacityInBytes>10737418240</capacityInBytes></VirtualDevice>
<VirtualDevice XMLSchema-instance:type="VirtualE1000"><key>4000</key><deviceInfo><label>Network adapter 1</label><summary>DVSwitch</summary></deviceInfo><backing XMLSchema-instance:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port><switchUuid>old-uuid</switchUuid><portgroupKey>dvportgroup-1</portgroupKey></port></backing><addressType>generated</addressType><macAddress>00:50:56:aa:bb:cc</macAddress></VirtualDevice>
</val>`);

const placement: ResolvedPlacement = {
  template: { type: "VirtualMachine", value: "vm-42" },
  templateHardware: parseHardware(devices),
  baseFolder: { type: "Folder", value: "group-v3" },
  pool: { type: "ResourcePool", value: "resgroup-9" },
  datastore: { type: "Datastore", value: "/tmp/ds&x@folder-5" },
  network: { kind: "standard", network: { type: "Network", value: "network-7" }, name: "VM Network" },
};

const job: ProvisionVmJob = {
  kind: "provision-vm",
  jobId: "job-7",
  requestId: "req-7",
  tenantSlug: "acme",
  projectSlug: "shop",
  vmName: "shop-web-01",
  hostname: "web-01",
  cpu: 4,
  memoryMb: 8192,
  diskGb: 40,
  networkPath: "/DC0/network/VM Network",
  placement: {
    datacenterPath: "/DC0",
    templatePath: "/DC0/vm/tmpl",
    folderPath: "/DC0/vm",
    poolPath: "/DC0/host/DC0_C0",
  },
  annotation: "Requested by ana <ana@example.com> & team",
};

/** The body CloneVM_Task would send, captured instead of posted. */
async function cloneBody(spec: ReturnType<typeof cloneSpecFor>): Promise<string> {
  let body = "";
  const vim: Vim = {
    serviceContent: () => Promise.reject(new Error("unused")),
    invoke: (_method, _this, nodes: readonly XmlNode[]) => {
      body = nodes.map(serialize).join("");
      return Promise.resolve(parseXml(`<r><returnval type="Task">task-1</returnval></r>`));
    },
  };
  await cloneVmTask(vim, placement.template, spec);
  return body;
}

describe("cloneSpecFor", () => {
  it("puts hardware, NIC, marker and customization into one clone spec, powered off", async () => {
    const xml = await cloneBody(
      cloneSpecFor(job, placement, { type: "Folder", value: "group-v9" }, { domain: "corp" }),
    );
    expect(xml).toContain('<folder type="Folder">group-v9</folder><name>shop-web-01</name>');
    expect(xml).toContain(
      '<datastore type="Datastore">/tmp/ds&amp;x@folder-5</datastore><pool type="ResourcePool">resgroup-9</pool>',
    );
    expect(xml).toContain(
      '<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName><useAutoDetect>false</useAutoDetect><network type="Network">network-7</network></backing>',
    );
    expect(xml).toContain("<macAddress>00:50:56:aa:bb:cc</macAddress>");
    expect(xml).toContain(
      "<annotation>Requested by ana &lt;ana@example.com&gt; &amp; team</annotation><numCPUs>4</numCPUs><memoryMB>8192</memoryMB>",
    );
    expect(xml).toContain(
      "<capacityInKB>41943040</capacityInKB><capacityInBytes>42949672960</capacityInBytes>",
    );
    expect(xml).toContain("<deviceInfo><label>Hard disk 1</label>");
    expect(xml).toContain(
      '<extraConfig><key>gantry.requestId</key><value xsi:type="xsd:string">req-7</value></extraConfig>',
    );
    expect(xml).toContain(
      '<extraConfig><key>gantry.jobId</key><value xsi:type="xsd:string">job-7</value></extraConfig>',
    );
    expect(xml).toContain(
      '<identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationFixedName"><name>web-01</name></hostName><domain>corp</domain></identity>',
    );
    expect(xml).toContain(
      '<nicSettingMap><adapter><ip xsi:type="CustomizationDhcpIpGenerator"></ip></adapter></nicSettingMap>',
    );
    expect(xml.endsWith("<powerOn>false</powerOn></spec>")).toBe(true);
    // schema order: location, template, config, customization, powerOn
    const order = ["<location>", "<template>", "<config>", "<customization>", "<powerOn>"].map((t) =>
      xml.indexOf(t),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("leaves a disk of the requested size and a NIC already on the network alone", async () => {
    const same = cloneSpecFor(
      { ...job, diskGb: 10 },
      {
        ...placement,
        network: { kind: "distributed", switchUuid: "old-uuid", portgroupKey: "dvportgroup-1" },
      },
      { type: "Folder", value: "f" },
      { domain: "corp" },
    );
    expect(same.locationDeviceChange).toEqual([]);
    expect(same.config?.deviceChange).toEqual([]);
  });

  it("refuses a disk smaller than the template's before anything is sent", () => {
    expect(() =>
      cloneSpecFor({ ...job, diskGb: 5 }, placement, { type: "Folder", value: "f" }, { domain: "d" }),
    ).toThrow(ProvisioningStop);
  });
});
