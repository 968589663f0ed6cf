import { z } from "zod";
import { type Hardware, parseHardware } from "./devices.ts";
import { isFault } from "./faults.ts";
import { pickIp } from "./guest-ip.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";
import { arrayOf, type MoRef, many } from "./values.ts";
import type { Vim } from "./vim.ts";
import { toValue, type XmlElement } from "./xml.ts";

/** The guest part of a VM, enough to wait for the network. */
export const GUEST_PATHS = [
  "runtime.powerState",
  "guest.toolsRunningStatus",
  "guest.ipAddress",
  "guest.net",
  "guest.hostName",
] as const;

/** Everything provisioning reads about a VM in one round trip. */
export const VM_PATHS = [
  "name",
  "config.extraConfig",
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.hardware.device",
  ...GUEST_PATHS,
] as const;

export type PowerState = "poweredOn" | "poweredOff" | "suspended" | "unknown";

export interface GuestState {
  readonly powerState: PowerState;
  readonly toolsRunning: boolean;
  /** A usable address (never link-local), or null. */
  readonly ipAddress: string | null;
  readonly hostname: string | null;
}

export interface VmState extends GuestState {
  readonly ref: MoRef;
  readonly name: string;
  readonly extraConfig: ReadonlyMap<string, string>;
  readonly numCpu: number | undefined;
  readonly memoryMb: number | undefined;
  readonly hardware: Hardware;
}

const OptionValues = arrayOf("OptionValue", z.object({ key: z.string(), value: z.unknown() }));
const GuestNics = arrayOf("GuestNicInfo", z.object({ ipAddress: many(z.string()).optional() }).loose());

type Get = (path: string) => XmlElement | undefined;

const text = (get: Get, path: string): string | undefined => {
  const e = get(path);
  return e === undefined || e.nil || e.text === "" ? undefined : e.text;
};

const valueAt = (get: Get, path: string): unknown => {
  const e = get(path);
  return e === undefined ? undefined : toValue(e);
};

export function guestStateFrom(get: Get): GuestState {
  const power = text(get, "runtime.powerState");
  const net = GuestNics.safeParse(valueAt(get, "guest.net"));
  const all = net.success ? net.data.flatMap((n) => n.ipAddress ?? []) : [];
  return {
    powerState: power === "poweredOn" || power === "poweredOff" || power === "suspended" ? power : "unknown",
    toolsRunning: text(get, "guest.toolsRunningStatus") === "guestToolsRunning",
    ipAddress: pickIp(text(get, "guest.ipAddress"), all),
    hostname: text(get, "guest.hostName") ?? null,
  };
}

export function vmStateFrom(ref: MoRef, get: Get): VmState {
  const extra = OptionValues.safeParse(valueAt(get, "config.extraConfig"));
  const numCpu = Number(text(get, "config.hardware.numCPU"));
  const memoryMb = Number(text(get, "config.hardware.memoryMB"));
  return {
    ref,
    name: text(get, "name") ?? "",
    extraConfig: new Map(
      (extra.success ? extra.data : []).map((o) => [o.key, typeof o.value === "string" ? o.value : ""]),
    ),
    numCpu: Number.isFinite(numCpu) && numCpu > 0 ? numCpu : undefined,
    memoryMb: Number.isFinite(memoryMb) && memoryMb > 0 ? memoryMb : undefined,
    hardware: parseHardware(get("config.hardware.device")),
    ...guestStateFrom(get),
  };
}

/** Read a VM's state, or undefined when it no longer exists. */
export async function readVmState(vim: Vim, vm: MoRef): Promise<VmState | undefined> {
  try {
    const [props] = await retrievePropertiesEx(vim, [
      { propSet: [{ type: "VirtualMachine", paths: VM_PATHS }], objectSet: [{ obj: vm }] },
    ]);
    return props === undefined ? undefined : vmStateFrom(vm, (p) => props.raw.get(p));
  } catch (err) {
    if (isFault(err, "ManagedObjectNotFound")) return undefined;
    throw err;
  }
}
