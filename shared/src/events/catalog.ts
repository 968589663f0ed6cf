import { z } from "zod";
import { LEGACY_SIZE_SPECS, VmSize } from "../domain/vm-size.ts";
import { err, ok, type Result } from "../result.ts";
import { TenancyEvent } from "./tenancy.ts";
import { VmEvent } from "./vm.ts";
import { VmRequestEvent } from "./vm-request.ts";

/** Every event the edge stores, as a discriminated union on `type`. */
export const DomainEvent = z.discriminatedUnion("type", [
  ...VmRequestEvent.options,
  ...VmEvent.options,
  ...TenancyEvent.options,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent["type"];

const VM_REQUEST_TYPES = new Set<string>(VmRequestEvent.options.map((o) => o.shape.type.value));
const VM_TYPES = new Set<string>(VmEvent.options.map((o) => o.shape.type.value));

/** Events of a VmRequest stream. */
export const isVmRequestEvent = (event: DomainEvent): event is VmRequestEvent =>
  VM_REQUEST_TYPES.has(event.type);
/** Events of a Vm stream. */
export const isVmEvent = (event: DomainEvent): event is VmEvent => VM_TYPES.has(event.type);

const TENANCY_TYPES = new Set<string>(TenancyEvent.options.map((o) => o.shape.type.value));
/** Events of a tenant's sites, agents and people (tenancy.ts). */
export const isTenancyEvent = (event: DomainEvent): event is TenancyEvent => TENANCY_TYPES.has(event.type);

/** Turns a stored payload of schema version `n` into the shape of version `n + 1`. */
type Upcaster = (payload: unknown) => unknown;

interface CatalogEntry {
  currentVersion: number;
  /** keyed by the version they upcast from */
  upcasters: Readonly<Record<number, Upcaster>>;
}

const V1_SUBMITTED = z.object({ size: VmSize }).loose();

// the registry of current schema versions; a new shape adds an upcaster and bumps the version
const CATALOG: Readonly<Record<DomainEventType, CatalogEntry>> = {
  VmRequestSubmitted: {
    currentVersion: 2,
    upcasters: {
      // v1 stored only the size code; the spec it meant is the fixed catalogue of that time
      1: (payload) => {
        const v1 = V1_SUBMITTED.parse(payload);
        return { ...v1, spec: LEGACY_SIZE_SPECS[v1.size] };
      },
    },
  },
  VmRequestApproved: { currentVersion: 1, upcasters: {} },
  VmRequestPolicyApplied: { currentVersion: 1, upcasters: {} },
  VmRequestApprovalGiven: { currentVersion: 1, upcasters: {} },
  ApprovalPolicyChanged: { currentVersion: 1, upcasters: {} },
  VmRequestRejected: { currentVersion: 1, upcasters: {} },
  VmRequestCancelled: { currentVersion: 1, upcasters: {} },
  VmRequestStopRequested: { currentVersion: 1, upcasters: {} },
  VmRequestProvisioningStarted: { currentVersion: 1, upcasters: {} },
  VmRequestReady: { currentVersion: 1, upcasters: {} },
  VmRequestFailed: { currentVersion: 1, upcasters: {} },
  VmAdopted: { currentVersion: 1, upcasters: {} },
  VmAdoptionFailed: { currentVersion: 1, upcasters: {} },
  VmProvisioningStarted: { currentVersion: 1, upcasters: {} },
  VmProvisioningStageReached: { currentVersion: 1, upcasters: {} },
  VmProvisioned: { currentVersion: 1, upcasters: {} },
  VmProvisioningFailed: { currentVersion: 1, upcasters: {} },
  VmLeftoverCleared: { currentVersion: 1, upcasters: {} },
  VmActionRequested: { currentVersion: 1, upcasters: {} },
  VmActionStepReached: { currentVersion: 1, upcasters: {} },
  VmActionSucceeded: { currentVersion: 1, upcasters: {} },
  VmActionFailed: { currentVersion: 1, upcasters: {} },
  VmResizeRequested: { currentVersion: 1, upcasters: {} },
  VmResizeApproved: { currentVersion: 1, upcasters: {} },
  VmResizeRejected: { currentVersion: 1, upcasters: {} },
  VmDriftObserved: { currentVersion: 1, upcasters: {} },
  VmGone: { currentVersion: 1, upcasters: {} },
  VmReappeared: { currentVersion: 1, upcasters: {} },
  VmApprovalPolicyApplied: { currentVersion: 1, upcasters: {} },
  VmApprovalGiven: { currentVersion: 1, upcasters: {} },
  SiteScanned: { currentVersion: 1, upcasters: {} },
  UnownedVmDestroyRequested: { currentVersion: 1, upcasters: {} },
  UnownedVmDestroyed: { currentVersion: 1, upcasters: {} },
  UnownedVmDestroyFailed: { currentVersion: 1, upcasters: {} },
  VmLeaseStarted: { currentVersion: 1, upcasters: {} },
  VmLeaseExtended: { currentVersion: 1, upcasters: {} },
  VmLeaseExtensionRequested: { currentVersion: 1, upcasters: {} },
  VmLeaseExtensionRejected: { currentVersion: 1, upcasters: {} },
  VmLeaseWarned: { currentVersion: 1, upcasters: {} },
  VmLeaseExpired: { currentVersion: 1, upcasters: {} },
  VmLeaseEnded: { currentVersion: 1, upcasters: {} },
  VmLeaseExempted: { currentVersion: 1, upcasters: {} },
  LeasePolicyChanged: { currentVersion: 1, upcasters: {} },
  QuotaChanged: { currentVersion: 1, upcasters: {} },
  SiteSettingsChanged: { currentVersion: 1, upcasters: {} },
  EnrollmentTokenCreated: { currentVersion: 1, upcasters: {} },
  EnrollmentTokenRevoked: { currentVersion: 1, upcasters: {} },
  AgentEnrolled: { currentVersion: 1, upcasters: {} },
  AgentRevoked: { currentVersion: 1, upcasters: {} },
  AgentCredentialRotated: { currentVersion: 1, upcasters: {} },
  AgentDuplicateConnection: { currentVersion: 1, upcasters: {} },
  UserSessionsEnded: { currentVersion: 1, upcasters: {} },
  TenantOnboarded: { currentVersion: 1, upcasters: {} },
  ProjectCreated: { currentVersion: 1, upcasters: {} },
  ProjectChanged: { currentVersion: 1, upcasters: {} },
  ProjectArchived: { currentVersion: 1, upcasters: {} },
  ProjectApproverChanged: { currentVersion: 1, upcasters: {} },
  SiteCreated: { currentVersion: 1, upcasters: {} },
  SiteRenamed: { currentVersion: 1, upcasters: {} },
  SiteArchived: { currentVersion: 1, upcasters: {} },
  UserRoleChanged: { currentVersion: 1, upcasters: {} },
  ApiTokenCreated: { currentVersion: 1, upcasters: {} },
  ApiTokenRevoked: { currentVersion: 1, upcasters: {} },
  SizeAdded: { currentVersion: 1, upcasters: {} },
  SizeChanged: { currentVersion: 1, upcasters: {} },
  SizeRetired: { currentVersion: 1, upcasters: {} },
  IdpGroupRoleChanged: { currentVersion: 1, upcasters: {} },
  VmAddressObserved: { currentVersion: 1, upcasters: {} },
};

const isKnownType = (type: string): type is DomainEventType => Object.hasOwn(CATALOG, type);

export const currentSchemaVersion = (type: DomainEventType): number => CATALOG[type].currentVersion;

export type DecodeFailure =
  | { code: "UNKNOWN_EVENT_TYPE"; type: string }
  | { code: "UNKNOWN_SCHEMA_VERSION"; type: string; schemaVersion: number }
  | { code: "INVALID_PAYLOAD"; type: string; schemaVersion: number; issues: string[] };

/**
 * Reads a stored event back: upcasts its payload to the current schema version, then parses it.
 * Unknown types are a value, not an exception: readers skip events written by newer code.
 */
export function decodeEvent(stored: {
  type: string;
  schemaVersion: number;
  payload: unknown;
}): Result<DomainEvent, DecodeFailure> {
  const { type, schemaVersion } = stored;
  if (!isKnownType(type)) return err({ code: "UNKNOWN_EVENT_TYPE", type });
  const entry = CATALOG[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > entry.currentVersion) {
    return err({ code: "UNKNOWN_SCHEMA_VERSION", type, schemaVersion });
  }
  let payload = stored.payload;
  try {
    for (let v = schemaVersion; v < entry.currentVersion; v++) {
      const upcast = entry.upcasters[v];
      if (!upcast) return err({ code: "UNKNOWN_SCHEMA_VERSION", type, schemaVersion });
      payload = upcast(payload);
    }
  } catch (e) {
    return err({ code: "INVALID_PAYLOAD", type, schemaVersion, issues: [String(e)] });
  }
  const parsed = DomainEvent.safeParse({ type, data: payload });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return err({ code: "INVALID_PAYLOAD", type, schemaVersion, issues });
  }
  return ok(parsed.data);
}

/** The stored form of an event: its type, the current schema version and the JSON payload. */
export const encodeEvent = (
  event: DomainEvent,
): { type: DomainEventType; schemaVersion: number; payload: string } => ({
  type: event.type,
  schemaVersion: currentSchemaVersion(event.type),
  payload: JSON.stringify(event.data),
});
