import { z } from "zod";
import { LeasePolicy } from "../domain/lease-policy.ts";
import { DnsDomain, LoginUser } from "../domain/vm-access.ts";
import { InventoryPath, Placement } from "../jobs/provision-vm-job.ts";

// Events of a tenant's own facts — its sites (`site:<siteId>`), agents (`agent:<agentId>`) and people
// (`user:<tenantId>:<userId>`) — kept for the audit trail. The tables those facts live in (sites, agents,
// enrollment tokens, sessions) are written in the same D1 batch; the administration work adds its
// events (projects, people, roles) here beside these. Type names are never renamed.

const Id = z.string().min(1).max(255);

/** An admin changed where a site places VMs (picked from the agent's inventory). */
export const SiteSettingsChanged = z.object({
  type: z.literal("SiteSettingsChanged"),
  data: z.object({
    siteId: Id,
    placement: Placement,
    networkPath: InventoryPath,
    // optional: events recorded before sites had them
    dnsDomain: DnsDomain.nullable().optional(),
    loginUser: LoginUser.nullable().optional(),
  }),
});

/** An admin made a one-time enrollment token for a site (its value is never stored, only its hash). */
export const EnrollmentTokenCreated = z.object({
  type: z.literal("EnrollmentTokenCreated"),
  data: z.object({ siteId: Id, tokenId: Id, expiresAt: z.string() }),
});

/** An admin withdrew an unused enrollment token before it expired. */
export const EnrollmentTokenRevoked = z.object({
  type: z.literal("EnrollmentTokenRevoked"),
  data: z.object({ siteId: Id, tokenId: Id }),
});

/** An agent redeemed an enrollment token for its credential; the actor is the token's creator. */
export const AgentEnrolled = z.object({
  type: z.literal("AgentEnrolled"),
  data: z.object({ agentId: Id, siteId: Id, name: z.string().max(100), tokenId: Id }),
});

/** An admin revoked an agent: its credential stopped working, its sockets closed. */
export const AgentRevoked = z.object({
  type: z.literal("AgentRevoked"),
  data: z.object({ agentId: Id, siteId: Id }),
});

/** The agent swapped its credential for a new one (`gantry-agent rotate`); the old one stopped working. */
export const AgentCredentialRotated = z.object({
  type: z.literal("AgentCredentialRotated"),
  data: z.object({ agentId: Id, siteId: Id }),
});

/**
 * Two connections of one agent credential were live at once: the older one kept renewing after a newer
 * one was refused. Either the credential was copied, or two hosts run the same state directory.
 */
export const AgentDuplicateConnection = z.object({
  type: z.literal("AgentDuplicateConnection"),
  data: z.object({
    agentId: Id,
    siteId: Id,
    /** where the refused connection came from, as Cloudflare saw it */
    refusedFrom: z.string().max(64),
    refusedAt: z.string(),
    /** how many connections were refused since the last alert */
    attempts: z.number().int().min(1),
  }),
});

/** A person's sessions were ended: by themselves (everywhere) or by an admin. */
export const UserSessionsEnded = z.object({
  type: z.literal("UserSessionsEnded"),
  data: z.object({
    userId: Id,
    reason: z.enum(["signed-out-everywhere", "ended-by-admin"]),
    sessions: z.number().int().min(0),
  }),
});

/** An admin set (policy) or cleared (null: the tenant's default applies again) a project's or the tenant's lease policy. */
export const LeasePolicyChanged = z.object({
  type: z.literal("LeasePolicyChanged"),
  data: z.object({ projectId: Id.nullable(), policy: LeasePolicy.nullable() }),
});

export const TenancyEvent = z.discriminatedUnion("type", [
  SiteSettingsChanged,
  EnrollmentTokenCreated,
  EnrollmentTokenRevoked,
  AgentEnrolled,
  AgentRevoked,
  AgentCredentialRotated,
  AgentDuplicateConnection,
  UserSessionsEnded,
  LeasePolicyChanged,
]);
export type TenancyEvent = z.infer<typeof TenancyEvent>;
