import type { DeviceChange } from "./devices.ts";
import { el, opt, typed, type XmlNode } from "./xml-write.ts";

/** The VirtualMachineConfigSpec fields the agent sets. */
export interface VmConfigSpec {
  readonly annotation?: string | undefined;
  readonly numCPUs?: number | undefined;
  readonly memoryMB?: number | undefined;
  readonly deviceChange?: readonly DeviceChange[] | undefined;
  readonly extraConfig?: Readonly<Record<string, string>> | undefined;
}

/** The spec in schema order (annotation … numCPUs … memoryMB … deviceChange … extraConfig). */
export function configSpecNode(name: string, spec: VmConfigSpec): XmlNode {
  return el(name, [
    opt("annotation", spec.annotation),
    opt("numCPUs", spec.numCPUs),
    opt("memoryMB", spec.memoryMB),
    ...(spec.deviceChange ?? []).map((d) => d.node),
    ...Object.entries(spec.extraConfig ?? {}).map(([key, value]) =>
      el("extraConfig", [el("key", key), typed("value", "xsd:string", value)]),
    ),
  ]);
}

/** LinuxPrep guest customization with DHCP on every NIC (vCenter wants one entry per NIC). */
export interface LinuxCustomization {
  readonly hostname: string;
  readonly domain: string;
  readonly nicCount: number;
}

export function customizationNode(c: LinuxCustomization): XmlNode {
  return el("customization", [
    typed("identity", "CustomizationLinuxPrep", [
      typed("hostName", "CustomizationFixedName", [el("name", c.hostname)]),
      el("domain", c.domain),
    ]),
    el("globalIPSettings", []),
    ...Array.from({ length: c.nicCount }, () =>
      el("nicSettingMap", [el("adapter", [typed("ip", "CustomizationDhcpIpGenerator")])]),
    ),
  ]);
}
