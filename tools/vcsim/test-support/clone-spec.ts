import { esc, type MoRef, moref, type SoapSession } from "./soap-session.ts";
import { textAt } from "./xml-tree.ts";

export interface DiskInfo {
  key: string;
  controllerKey: string;
  unitNumber: string;
  fileName: string;
  capacityInKB: number;
}

export interface NicInfo {
  type: string;
  key: string;
  mac: string;
  switchUuid: string;
  portgroupKey: string;
}

export interface VmDevices {
  disk: DiskInfo;
  mac: string;
  nic: NicInfo;
}

/** The first disk and NIC MAC of a VM, as a client reads them before cloning. */
export async function readDevices(session: SoapSession, vm: MoRef): Promise<VmDevices> {
  const props = await session.retrieve(vm, ["config.hardware.device"]);
  const devices = props.get("config.hardware.device")?.children ?? [];
  const disk = devices.find((d) => d.attrs.xsiType === "VirtualDisk");
  const nic = devices.find((d) => textAt(d, "macAddress") !== undefined);
  return {
    disk: {
      key: textAt(disk, "key") ?? "",
      controllerKey: textAt(disk, "controllerKey") ?? "",
      unitNumber: textAt(disk, "unitNumber") ?? "",
      fileName: textAt(disk, "backing", "fileName") ?? "",
      capacityInKB: Number(textAt(disk, "capacityInKB")),
    },
    mac: textAt(nic, "macAddress") ?? "",
    nic: {
      type: nic?.attrs.xsiType ?? "",
      key: textAt(nic, "key") ?? "",
      mac: textAt(nic, "macAddress") ?? "",
      switchUuid: textAt(nic, "backing", "port", "switchUuid") ?? "",
      portgroupKey: textAt(nic, "backing", "port", "portgroupKey") ?? "",
    },
  };
}

/** A NIC `edit` onto a DV portgroup, as our agent sends it (the device as read from the template). */
export function nicEdit(nic: NicInfo): string {
  return (
    `<deviceChange><operation>edit</operation><device xsi:type="${nic.type}"><key>${nic.key}</key>` +
    `<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port>` +
    `<switchUuid>${nic.switchUuid}</switchUuid><portgroupKey>${nic.portgroupKey}</portgroupKey></port></backing>` +
    `<connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl>` +
    `<connected>false</connected></connectable><addressType>assigned</addressType>` +
    `<macAddress>${nic.mac}</macAddress></device></deviceChange>`
  );
}

/** A disk `edit` as our agent sends it: the device as read, new capacity, no deviceInfo. */
export function diskEdit(disk: DiskInfo, capacityInKB: number): string {
  return (
    `<deviceChange><operation>edit</operation><device xsi:type="VirtualDisk"><key>${disk.key}</key>` +
    `<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>${esc(disk.fileName)}</fileName>` +
    `<diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned></backing>` +
    `<controllerKey>${disk.controllerKey}</controllerKey><unitNumber>${disk.unitNumber}</unitNumber>` +
    `<capacityInKB>${capacityInKB}</capacityInKB></device></deviceChange>`
  );
}

export interface CloneOptions {
  folder: MoRef;
  pool: MoRef;
  name: string;
  annotation?: string;
  numCPUs?: number;
  memoryMB?: number;
  /** Raw deviceChange elements for spec.config. */
  deviceChange?: string;
  /** Raw deviceChange elements for spec.location. */
  locationDeviceChange?: string;
  extraConfig?: Record<string, string>;
  hostName?: string;
  /** Fixed IP for the customization (DHCP when absent). */
  ip?: string;
  /** Number of nicSettingMap adapters (default 1). */
  adapters?: number;
  powerOn?: boolean;
}

/** The arguments of CloneVM_Task after `_this`, in schema order. */
export function cloneArgs(o: CloneOptions): string {
  const config =
    (o.annotation === undefined ? "" : `<annotation>${esc(o.annotation)}</annotation>`) +
    (o.numCPUs === undefined ? "" : `<numCPUs>${o.numCPUs}</numCPUs>`) +
    (o.memoryMB === undefined ? "" : `<memoryMB>${o.memoryMB}</memoryMB>`) +
    (o.deviceChange ?? "") +
    Object.entries(o.extraConfig ?? {})
      .map(
        ([k, v]) =>
          `<extraConfig><key>${esc(k)}</key><value xsi:type="xsd:string">${esc(v)}</value></extraConfig>`,
      )
      .join("");
  const ip =
    o.ip === undefined
      ? '<ip xsi:type="CustomizationDhcpIpGenerator"/>'
      : `<ip xsi:type="CustomizationFixedIp"><ipAddress>${o.ip}</ipAddress></ip><subnetMask>255.255.255.0</subnetMask>`;
  const adapters = `<nicSettingMap><adapter>${ip}</adapter></nicSettingMap>`.repeat(o.adapters ?? 1);
  const customization =
    o.hostName === undefined
      ? ""
      : `<customization><identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationFixedName">` +
        `<name>${esc(o.hostName)}</name></hostName><domain>gantry.test</domain></identity>` +
        `<globalIPSettings/>${adapters}</customization>`;
  return (
    `${moref("folder", o.folder)}<name>${esc(o.name)}</name><spec><location>${moref("pool", o.pool)}${o.locationDeviceChange ?? ""}</location>` +
    `<template>false</template>${config ? `<config>${config}</config>` : ""}${customization}` +
    `<powerOn>${o.powerOn ?? false}</powerOn></spec>`
  );
}
