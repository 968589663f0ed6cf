import { child, toValue, type XmlElement } from "./xml.ts";

/** Where a fault came from: a SOAP fault on the call, a task's `info.error`, or the transport. */
export type FaultSource = "soap" | "task" | "transport";

/**
 * A vSphere or transport failure. `name` is the vim25 fault type (`InvalidLogin`, `DuplicateName`)
 * or, for the transport, `ConnectionError` / `RequestTimeout` / `HttpError` / `TlsError`.
 */
export class VsphereFault extends Error {
  override readonly name: string;
  readonly source: FaultSource;
  readonly retryable: boolean;
  /** The fault's own fields as read (e.g. DuplicateName's `name` and `object`). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly httpStatus?: number;

  constructor(init: {
    name: string;
    message: string;
    source: FaultSource;
    fields?: Record<string, unknown>;
    httpStatus?: number;
    retryable?: boolean;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = init.name;
    this.source = init.source;
    this.fields = init.fields ?? {};
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    this.retryable = init.retryable ?? isRetryableFaultName(init.name);
  }
}

// vim25 has a class hierarchy the wire does not show; these are the parents we branch on
const PARENT: Record<string, string> = {
  InsufficientCpuResourcesFault: "InsufficientResourcesFault",
  InsufficientMemoryResourcesFault: "InsufficientResourcesFault",
  InsufficientHostCapacityFault: "InsufficientResourcesFault",
  InsufficientHostCpuCapacityFault: "InsufficientHostCapacityFault",
  InsufficientHostMemoryCapacityFault: "InsufficientHostCapacityFault",
  InsufficientFailoverResourcesFault: "InsufficientResourcesFault",
  InsufficientStorageIops: "InsufficientResourcesFault",
  InsufficientNetworkCapacity: "InsufficientResourcesFault",
  InsufficientVFlashResourcesFault: "InsufficientResourcesFault",
  InsufficientStandbyResource: "InsufficientResourcesFault",
  NumVirtualCpusExceedsLimit: "InsufficientResourcesFault",
  HostNotConnected: "HostCommunication",
  HostNotReachable: "HostCommunication",
  VAppTaskInProgress: "TaskInProgress",
  InvalidPowerState: "InvalidState",
  InvalidHostState: "InvalidState",
  InvalidDeviceSpec: "InvalidVmConfig",
  InvalidVmConfig: "VmConfigFault",
  InvalidArgument: "InvalidRequest",
  InvalidType: "InvalidRequest",
  MethodNotFound: "InvalidRequest",
  NicSettingMismatch: "CustomizationFault",
  CustomizationPending: "CustomizationFault",
  UncustomizableGuest: "CustomizationFault",
  MissingLinuxCustResources: "CustomizationFault",
  LinuxVolumeNotClean: "CustomizationFault",
  // NotAuthenticated *is* a NoPermission in vim25; callers test for it first
  NotAuthenticated: "NoPermission",
  NoDiskSpace: "FileFault",
  FileAlreadyExists: "FileFault",
};

/** The fault type and its known ancestors, most specific first. */
export function faultLineage(name: string): string[] {
  const out = [name];
  let current = PARENT[name];
  while (current !== undefined && out.length < 8) {
    out.push(current);
    current = PARENT[current];
  }
  return out;
}

const RETRYABLE = new Set([
  "ConnectionError",
  "RequestTimeout",
  "NotAuthenticated",
  "TaskInProgress",
  "HostCommunication",
  "ConcurrentAccess",
  "Timedout",
  "SystemError",
]);
// InsufficientResourcesFault is deliberately not here: retrying a full cluster only delays the answer;
// the user is told at once and an admin alerted (issue 5's classification)

function isRetryableFaultName(name: string): boolean {
  return faultLineage(name).some((n) => RETRYABLE.has(n));
}

/** `isFault(err, "InvalidPowerState")`: true for that fault type or any subtype of it. */
export function isFault(err: unknown, name: string): err is VsphereFault {
  return err instanceof VsphereFault && faultLineage(err.name).includes(name);
}

function faultFields(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const { $type: _type, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** A SOAP `<Fault>` element (the Body's child) as a VsphereFault. */
export function faultFromSoap(fault: XmlElement, httpStatus?: number): VsphereFault {
  const message = child(fault, "faultstring")?.text ?? "SOAP fault";
  const detail = child(fault, "detail")?.children[0];
  // the detail element is `<XxxFault xsi:type="Xxx">`; without xsi:type fall back to the element name
  const name = detail?.xsiType ?? detail?.name.replace(/Fault$/, "") ?? "SoapFault";
  return new VsphereFault({
    name: stripPrefix(name),
    message,
    source: "soap",
    fields: detail ? faultFields(toValue(detail)) : {},
    ...(httpStatus !== undefined && { httpStatus }),
  });
}

/** A task's `info.error` (a LocalizedMethodFault, as a generic value) as a VsphereFault. */
export function faultFromTaskError(error: unknown, taskId: string): VsphereFault {
  const record = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : {};
  const fault = record.fault;
  const type =
    typeof fault === "object" && fault !== null && "$type" in fault ? String(fault.$type) : "TaskError";
  const localized = typeof record.localizedMessage === "string" ? record.localizedMessage : "";
  return new VsphereFault({
    name: stripPrefix(type),
    message: `task ${taskId} failed with ${stripPrefix(type)}${localized ? `: ${localized}` : ""}`,
    source: "task",
    fields: faultFields(fault),
  });
}

const stripPrefix = (name: string): string => name.slice(name.indexOf(":") + 1);
