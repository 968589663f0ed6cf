import type { MoRef } from "./values.ts";
import { child, type XmlElement } from "./xml.ts";
import { el, fromParsed, ref, typed, type XmlNode } from "./xml-write.ts";

/** A virtual disk as read from `config.hardware.device`. */
export interface VirtualDisk {
  readonly key: number;
  readonly controllerKey: number | undefined;
  readonly unitNumber: number | undefined;
  readonly capacityKb: number;
  readonly raw: XmlElement;
}

/** What a NIC is connected to. */
export type NicBacking =
  | { readonly kind: "standard"; readonly network: MoRef | undefined; readonly deviceName: string }
  | { readonly kind: "distributed"; readonly switchUuid: string; readonly portgroupKey: string }
  | { readonly kind: "other"; readonly type: string };

export interface VirtualNic {
  readonly key: number;
  readonly type: string;
  readonly backing: NicBacking;
  readonly raw: XmlElement;
}

export interface Hardware {
  readonly disks: readonly VirtualDisk[];
  readonly nics: readonly VirtualNic[];
}

const num = (e: XmlElement | undefined): number | undefined => {
  if (e === undefined || e.text === "") return undefined;
  const n = Number(e.text);
  return Number.isFinite(n) ? n : undefined;
};

function nicBacking(backing: XmlElement | undefined): NicBacking {
  const type = backing?.xsiType ?? "";
  if (backing !== undefined && type === "VirtualEthernetCardNetworkBackingInfo") {
    const network = child(backing, "network");
    return {
      kind: "standard",
      network: network?.type === undefined ? undefined : { type: network.type, value: network.text },
      deviceName: child(backing, "deviceName")?.text ?? "",
    };
  }
  const port = backing === undefined ? undefined : child(backing, "port");
  if (port !== undefined && type === "VirtualEthernetCardDistributedVirtualPortBackingInfo") {
    return {
      kind: "distributed",
      switchUuid: child(port, "switchUuid")?.text ?? "",
      portgroupKey: child(port, "portgroupKey")?.text ?? "",
    };
  }
  return { kind: "other", type };
}

/** Disks and NICs of a `config.hardware.device` value (an ArrayOfVirtualDevice). */
export function parseHardware(devices: XmlElement | undefined): Hardware {
  const disks: VirtualDisk[] = [];
  const nics: VirtualNic[] = [];
  for (const d of devices?.children ?? []) {
    const key = num(child(d, "key"));
    if (key === undefined) continue;
    const backing = child(d, "backing");
    if (d.xsiType === "VirtualDisk") {
      const bytes = num(child(d, "capacityInBytes"));
      disks.push({
        key,
        controllerKey: num(child(d, "controllerKey")),
        unitNumber: num(child(d, "unitNumber")),
        capacityKb: bytes !== undefined ? Math.floor(bytes / 1024) : (num(child(d, "capacityInKB")) ?? 0),
        raw: d,
      });
    } else if (backing?.xsiType?.startsWith("VirtualEthernetCard") || child(d, "macAddress") !== undefined) {
      nics.push({ key, type: d.xsiType ?? "VirtualEthernetCard", backing: nicBacking(backing), raw: d });
    }
  }
  // the boot disk: the lowest controller and unit
  disks.sort(
    (a, b) => (a.controllerKey ?? 0) - (b.controllerKey ?? 0) || (a.unitNumber ?? 0) - (b.unitNumber ?? 0),
  );
  nics.sort((a, b) => a.key - b.key);
  return { disks, nics };
}

/** Where a NIC should be connected: a standard portgroup or a distributed one. */
export type NetworkTarget =
  | { readonly kind: "standard"; readonly network: MoRef; readonly name: string }
  | { readonly kind: "distributed"; readonly switchUuid: string; readonly portgroupKey: string };

export function nicMatches(nic: VirtualNic, target: NetworkTarget): boolean {
  const b = nic.backing;
  if (target.kind === "standard") return b.kind === "standard" && b.network?.value === target.network.value;
  return (
    b.kind === "distributed" && b.portgroupKey === target.portgroupKey && b.switchUuid === target.switchUuid
  );
}

/** A `deviceChange` entry; opaque to callers so they never build XML themselves. */
export interface DeviceChange {
  readonly node: XmlNode;
}

function replaceChildren(raw: XmlElement, replace: Record<string, XmlNode>): XmlNode {
  const children = raw.children.map((c) => replace[c.name] ?? fromParsed(c));
  return { name: "device", attrs: { "xsi:type": raw.xsiType ?? "VirtualDevice" }, children };
}

/**
 * Grow a disk. The device is sent back as read (vcsim panics on an edit without `deviceInfo`);
 * both capacity fields are set because vCenter prefers `capacityInBytes` when present.
 */
export function growDisk(disk: VirtualDisk, capacityKb: number): DeviceChange {
  const device = replaceChildren(disk.raw, {
    capacityInKB: el("capacityInKB", capacityKb),
    capacityInBytes: el("capacityInBytes", capacityKb * 1024),
  });
  return { node: el("deviceChange", [el("operation", "edit"), device]) };
}

function backingNode(target: NetworkTarget): XmlNode {
  if (target.kind === "standard") {
    return typed("backing", "VirtualEthernetCardNetworkBackingInfo", [
      el("deviceName", target.name),
      el("useAutoDetect", false),
      ref("network", target.network),
    ]);
  }
  return typed("backing", "VirtualEthernetCardDistributedVirtualPortBackingInfo", [
    el("port", [el("switchUuid", target.switchUuid), el("portgroupKey", target.portgroupKey)]),
  ]);
}

/** Connect a NIC to another network, keeping the rest of the device as read. */
export function connectNic(nic: VirtualNic, target: NetworkTarget): DeviceChange {
  const device = replaceChildren(nic.raw, { backing: backingNode(target) });
  return { node: el("deviceChange", [el("operation", "edit"), device]) };
}
