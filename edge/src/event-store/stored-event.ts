import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { EventMetadata } from "@gantry/shared/events/event-metadata";

/** The two D1 methods the event store needs; tests wrap them to meter or break the database. */
export type SqlDatabase = Pick<D1Database, "prepare" | "batch">;

/** An event about to be appended. The id is chosen by the caller so a retry can reuse it. */
export interface NewEvent {
  eventId: string;
  event: DomainEvent;
  metadata: EventMetadata;
  occurredAt: string;
}

/** An event as projections see it: everything but the global position, which D1 assigns. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  version: number;
}

/** An event read back from the log. */
export interface StoredEvent extends RecordedEvent {
  position: number;
}

/** One stream's part of a commit: `expectedVersion` is the version the caller loaded (0 = no stream). */
export interface StreamAppend {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
}

/** Stream ids carry the aggregate type so one log holds every aggregate. */
export const streamIds = {
  vmRequest: (requestId: string) => `vm-request:${requestId}`,
  vm: (vmId: string) => `vm:${vmId}`,
  /** a tenant site's settings and enrollment tokens */
  site: (siteId: string) => `site:${siteId}`,
  /** an agent's enrolment, credential and revocation */
  agent: (agentId: string) => `agent:${agentId}`,
  /** a person's sessions; people are per tenant (an OIDC subject is only unique within its issuer) */
  user: (tenantId: string, userId: string) => `user:${tenantId}:${userId}`,
  /** a tenant's onboarding (the operator path) */
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  /** a project's settings and approvers */
  project: (projectId: string) => `project:${projectId}`,
  /** a tenant's size catalogue */
  sizes: (tenantId: string) => `sizes:${tenantId}`,
  /** a tenant's default lease policy (projectId null) or a project's own */
  leasePolicy: (tenantId: string, projectId: string | null) => `lease-policy:${tenantId}:${projectId ?? "*"}`,
  /** a tenant's own quota (projectId null) or a project's */
  quota: (tenantId: string, projectId: string | null) => `quota:${tenantId}:${projectId ?? "*"}`,
  /** the destruction of one unowned marker VM (a site's moref under one marker value), every attempt */
  unownedVmDestruction: (destructionId: string) => `unowned-vm:${destructionId}`,
  approvalPolicy: (tenantId: string, projectId: string | null) =>
    `approval-policy:${tenantId}:${projectId ?? "*"}`,
};
