import { z } from "zod";
import { TokenScope } from "../api/tokens.ts";
import { ApprovalPolicy } from "../domain/approval-policy.ts";
import { LeasePolicy } from "../domain/lease-policy.ts";
import { QuotaLimits } from "../domain/quota.ts";
import { MAX_UNOWNED_LISTED, ScanFigures, UnownedVm } from "../domain/reconciliation.ts";
import { Slug, VmPrefix } from "../domain/slug.ts";
import { DnsDomain, LoginUser } from "../domain/vm-access.ts";
import { VmSize, VmSpec } from "../domain/vm-size.ts";
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

/**
 * An operator onboarded a tenant (`POST /ops/tenants`): it exists, is bound to its identity provider and
 * has its first admin. The actor is the operator path (`system`), never a person of the tenant.
 */
export const TenantOnboarded = z.object({
  type: z.literal("TenantOnboarded"),
  data: z.object({
    tenantId: Id,
    slug: Slug,
    name: z.string().min(1).max(200),
    issuer: z.string().min(1).max(500),
    tenantClaim: z.string().min(1).max(100),
    tenantClaimValue: z.string().min(1).max(100),
    rolesClaim: z.string().min(1).max(100),
    adminUserId: Id,
    adminEmail: z.string().min(3).max(254),
  }),
});

/** An admin created a project (`project:<projectId>`). */
export const ProjectCreated = z.object({
  type: z.literal("ProjectCreated"),
  data: z.object({
    projectId: Id,
    slug: Slug,
    name: z.string().min(1).max(200),
    vmPrefix: VmPrefix,
    siteId: Id,
    networkPath: InventoryPath.nullable(),
  }),
});

/** An admin changed a project: its values after the change (slug and prefix only while it has no VM). */
export const ProjectChanged = z.object({
  type: z.literal("ProjectChanged"),
  data: z.object({
    projectId: Id,
    slug: Slug,
    name: z.string().min(1).max(200),
    vmPrefix: VmPrefix,
    siteId: Id,
    networkPath: InventoryPath.nullable(),
  }),
});

/** An admin archived a project: it takes no new request; its requests and VMs keep naming it. */
export const ProjectArchived = z.object({
  type: z.literal("ProjectArchived"),
  data: z.object({ projectId: Id }),
});

/** An admin named a person approver of a project, or withdrew that. */
export const ProjectApproverChanged = z.object({
  type: z.literal("ProjectApproverChanged"),
  data: z.object({ projectId: Id, userId: Id, approver: z.boolean() }),
});

/** An admin created a site (its placement is set later, from its agent's inventory). */
export const SiteCreated = z.object({
  type: z.literal("SiteCreated"),
  data: z.object({ siteId: Id, slug: Slug, name: z.string().min(1).max(200) }),
});

/** An admin renamed a site. */
export const SiteRenamed = z.object({
  type: z.literal("SiteRenamed"),
  data: z.object({ siteId: Id, name: z.string().min(1).max(200) }),
});

/** An admin archived a site that had no live project and no live agent. */
export const SiteArchived = z.object({
  type: z.literal("SiteArchived"),
  data: z.object({ siteId: Id }),
});

/** An admin made a person a tenant admin, or a member again. */
export const UserRoleChanged = z.object({
  type: z.literal("UserRoleChanged"),
  data: z.object({ userId: Id, role: z.enum(["member", "admin"]) }),
});

/**
 * A reconciliation scan of the site ended: its figures and the marker VMs no live Gantry VM owns (the
 * admin page's list is this event's projection; missing and drift are events on each VM's stream).
 */
export const SiteScanned = z.object({
  type: z.literal("SiteScanned"),
  data: ScanFigures.extend({ siteId: Id, unownedVms: z.array(UnownedVm).max(MAX_UNOWNED_LISTED) }),
});

/** Which unowned marker VM a destruction is about: the site, its moref, the marker value the scan saw, its name. */
const UnownedVmRef = z.object({
  destructionId: Id,
  siteId: Id,
  vmwareId: z.string().min(1).max(200),
  markerRequestId: z.string().min(1).max(100),
  name: z.string().max(200),
});

/**
 * An admin asked to destroy an unowned marker VM (typing its name): the job (`jobId`) runs on the site's
 * agent, which destroys the VM only while it still carries `markerRequestId`, by `deadline` (after it, asking
 * again makes a new job). On the destruction's stream.
 */
export const UnownedVmDestroyRequested = z.object({
  type: z.literal("UnownedVmDestroyRequested"),
  data: UnownedVmRef.extend({ jobId: Id, deadline: z.string().datetime() }),
});

/** The agent destroyed it (or found it already gone): it leaves the reconciliation page. */
export const UnownedVmDestroyed = z.object({
  type: z.literal("UnownedVmDestroyed"),
  data: UnownedVmRef.extend({ jobId: Id, note: z.string().max(500).nullable() }),
});

/** The destruction failed (MARKER_MISMATCH when the marker changed or vanished since the scan): nothing was destroyed. */
export const UnownedVmDestroyFailed = z.object({
  type: z.literal("UnownedVmDestroyFailed"),
  data: UnownedVmRef.extend({ jobId: Id, code: z.string().min(1).max(40), detail: z.string().max(4000) }),
});

/** A person made a personal API token (its secret is never stored, only its SHA-256). */
export const ApiTokenCreated = z.object({
  type: z.literal("ApiTokenCreated"),
  data: z.object({
    tokenId: Id,
    ownerId: Id,
    name: z.string().max(80),
    scopes: z.array(TokenScope).min(1),
    expiresAt: z.string(),
  }),
});

/** A token was revoked, by its owner or by an admin (the event's actor says who). */
export const ApiTokenRevoked = z.object({
  type: z.literal("ApiTokenRevoked"),
  data: z.object({ tokenId: Id, ownerId: Id }),
});

/** An admin set (policy) or cleared (null: the tenant's default applies again) a project's or the tenant's lease policy. */
export const LeasePolicyChanged = z.object({
  type: z.literal("LeasePolicyChanged"),
  data: z.object({ projectId: Id.nullable(), policy: LeasePolicy.nullable() }),
});

/** An admin set the tenant's own quota (projectId null) or a project's; a null limit is unlimited. */
export const QuotaChanged = z.object({
  type: z.literal("QuotaChanged"),
  data: z.object({ projectId: Id.nullable(), limits: QuotaLimits }),
});

/** An admin added a size to the tenant's catalogue (`sizes:<tenantId>`). */
export const SizeAdded = z.object({
  type: z.literal("SizeAdded"),
  data: z.object({ code: VmSize, label: z.string().min(1).max(60), spec: VmSpec }),
});

/** An admin changed a size no request had used: its values after the change. */
export const SizeChanged = z.object({
  type: z.literal("SizeChanged"),
  data: z.object({ code: VmSize, label: z.string().min(1).max(60), spec: VmSpec }),
});

/** An admin retired a size: requests and resizes no longer offer it; history still names it. */
export const SizeRetired = z.object({
  type: z.literal("SizeRetired"),
  data: z.object({ code: VmSize }),
});

/** An admin mapped a group of the tenant's IdP to a role (`role` null: the group gives nothing any more). */
export const IdpGroupRoleChanged = z.object({
  type: z.literal("IdpGroupRoleChanged"),
  data: z.object({ group: z.string().min(1).max(200), role: z.enum(["admin", "member"]).nullable() }),
});

/** An admin set (policy) or cleared (null) a project's or the tenant's approval policy. */
export const ApprovalPolicyChanged = z.object({
  type: z.literal("ApprovalPolicyChanged"),
  data: z.object({ projectId: Id.nullable(), policy: ApprovalPolicy.nullable() }),
});

export const TenancyEvent = z.discriminatedUnion("type", [
  SiteSettingsChanged,
  SiteScanned,
  UnownedVmDestroyRequested,
  UnownedVmDestroyed,
  UnownedVmDestroyFailed,
  EnrollmentTokenCreated,
  EnrollmentTokenRevoked,
  AgentEnrolled,
  AgentRevoked,
  AgentCredentialRotated,
  AgentDuplicateConnection,
  UserSessionsEnded,
  TenantOnboarded,
  ProjectCreated,
  ProjectChanged,
  ProjectArchived,
  ProjectApproverChanged,
  SiteCreated,
  SiteRenamed,
  SiteArchived,
  UserRoleChanged,
  ApiTokenCreated,
  ApiTokenRevoked,
  LeasePolicyChanged,
  QuotaChanged,
  SizeAdded,
  SizeChanged,
  SizeRetired,
  IdpGroupRoleChanged,
  ApprovalPolicyChanged,
]);
export type TenancyEvent = z.infer<typeof TenancyEvent>;
