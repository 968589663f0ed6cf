import type { PreviewApprovalInput, SetApprovalPolicyInput } from "@gantry/shared/api/approval-policies";
import type {
  ApproveInput,
  ApproveResizeInput,
  PendingQueueInput,
  PendingResizesInput,
  RejectInput,
  RejectResizeInput,
} from "@gantry/shared/api/approvals";
import type { AuditFilter } from "@gantry/shared/api/audit";
import type {
  ApproveExtensionInput,
  ExtendLeaseInput,
  PendingExtensionsInput,
  RejectExtensionInput,
  RescueLeaseInput,
  SetLeasePolicyInput,
  WithdrawExtensionInput,
} from "@gantry/shared/api/leases";
import type { AdoptUnownedVmInput, DestroyUnownedVmInput } from "@gantry/shared/api/reconciliation";
import type { CreateRequestInput, ListRequestsInput } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import type {
  CreateProjectInput,
  CreateSiteInput,
  GroupRoleInput,
  ProjectApproverInput,
  RenameSiteInput,
  UpdateProjectInput,
  UserRoleInput,
} from "@gantry/shared/api/settings";
import type { AddSizeInput, EditSizeInput } from "@gantry/shared/api/sizes";
import type { CreateTokenInput } from "@gantry/shared/api/tokens";
import type {
  CreateSnapshotInput,
  DeleteSnapshotInput,
  DeleteVmInput,
  ListVmsInput,
  PowerOffVmInput,
  PowerOnVmInput,
  ResizeVmInput,
  RestartVmInput,
  RevertSnapshotInput,
  ShutdownGuestInput,
  WithdrawResizeInput,
} from "@gantry/shared/api/vms";
import type { Placement } from "@gantry/shared/jobs/provision-vm-job";
import { action, query } from "@solidjs/router";
import { trpc } from "./trpc.ts";

/**
 * What `sites.update` takes: placement and default network picked from the reported inventory, and
 * how people reach the VMs (null: not set).
 */
export interface SiteSettingsUpdate {
  siteId: string;
  placement: Placement;
  networkPath: string;
  dnsDomain: string | null;
  loginUser: string | null;
}

// every tRPC read goes through a keyed query: preloads, dedupes, and `revalidate(key)` refreshes it

/** The signed-in user, or null when there is no session (an answer, not an error: no 401 to log). */
export const getSession = query((): Promise<SessionUser | null> => trpc.session.current.query(), "session");

export const getSizes = query(() => trpc.catalog.sizes.query(), "catalog.sizes");
export const getProjects = query(() => trpc.catalog.projects.query(), "catalog.projects");
export const getNetworks = query(
  (projectId: string) => trpc.catalog.networks.query({ projectId }),
  "catalog.networks",
);

export const getMyRequests = query(
  (input: NonNullable<ListRequestsInput>) => trpc.requests.list.query(input),
  "requests.list",
);
export const getRequest = query(
  (requestId: string) => trpc.requests.get.query({ requestId }),
  "requests.get",
);

export const getPendingApprovals = query(
  (input: NonNullable<PendingQueueInput>) => trpc.approvals.pending.query(input),
  "approvals.pending",
);
/** The badge on the admins' Approvals link; refetched when the change feed says the queue moved. */
export const getPendingCount = query(() => trpc.approvals.pendingCount.query(), "approvals.pendingCount");

// mutations: actions revalidate every cached read when they finish, so lists and details catch up

export const createRequestAction = action(
  (input: CreateRequestInput) => trpc.requests.create.mutate(input),
  "requests.create",
);

export const cancelRequestAction = action(
  (requestId: string) => trpc.requests.cancel.mutate({ requestId }),
  "requests.cancel",
);

export const approveAction = action(
  (input: ApproveInput) => trpc.approvals.approve.mutate(input),
  "approvals.approve",
);

export const rejectAction = action(
  (input: RejectInput) => trpc.approvals.reject.mutate(input),
  "approvals.reject",
);

/** An admin stops an approved or provisioning request; repeating it is safe. */
export const stopProvisioningAction = action(
  (input: { requestId: string; reason: string }) => trpc.approvals.stopProvisioning.mutate(input),
  "approvals.stopProvisioning",
);

/** Live power state of a request's VM, read through the site's agent on demand. */
export const getVmStatus = query((requestId: string) => trpc.vms.status.query({ requestId }), "vms.status");

// admin: agents and sites

export const getAgents = query(() => trpc.agents.list.query(), "agents.list");
export const getAgentRelease = query(() => trpc.agents.release.query(), "agents.release");
export const getEnrollmentTokens = query(
  () => trpc.agents.enrollmentTokens.query({}),
  "agents.enrollmentTokens",
);
export const revokeEnrollmentTokenAction = action(
  (tokenId: string) => trpc.agents.revokeEnrollmentToken.mutate({ tokenId }),
  "agents.revokeEnrollmentToken",
);
export const getSignedIn = query(() => trpc.sessions.list.query({}), "sessions.list");
export const endSessionsAction = action(
  (userId: string) => trpc.sessions.end.mutate({ userId }),
  "sessions.end",
);
export const getSites = query(() => trpc.sites.list.query(), "sites.list");
export const getSite = query((siteId: string) => trpc.sites.get.query({ siteId }), "sites.get");
export const getSiteInventory = query(
  (siteId: string) => trpc.sites.inventory.query({ siteId }),
  "sites.inventory",
);
export const getLeftovers = query(() => trpc.vms.leftovers.query(), "vms.leftovers");
export const clearLeftoverAction = action(
  (requestId: string) => trpc.vms.clearLeftover.mutate({ requestId }),
  "vms.clearLeftover",
);
export const getSiteQueue = query((siteId: string) => trpc.agents.queue.query({ siteId }), "agents.queue");

export const createEnrollmentTokenAction = action(
  (siteId: string) => trpc.agents.createEnrollmentToken.mutate({ siteId }),
  "agents.createEnrollmentToken",
);
export const revokeAgentAction = action(
  (agentId: string) => trpc.agents.revoke.mutate({ agentId }),
  "agents.revoke",
);
export const updateSiteAction = action(
  (input: SiteSettingsUpdate) => trpc.sites.update.mutate(input),
  "sites.update",
);
export const refreshInventoryAction = action(
  (siteId: string) => trpc.sites.refreshInventory.mutate({ siteId }),
  "sites.refreshInventory",
);
/** A site's reconciliation: its last scan, unowned marker VMs and missing VMs (admins). */
export const getReconciliation = query(
  (siteId: string) => trpc.reconciliation.get.query({ siteId }),
  "reconciliation.get",
);
export const scanSiteAction = action(
  (siteId: string) => trpc.reconciliation.scan.mutate({ siteId }),
  "reconciliation.scan",
);
export const destroyUnownedVmAction = action(
  (input: DestroyUnownedVmInput) => trpc.reconciliation.destroy.mutate(input),
  "reconciliation.destroy",
);
export const adoptUnownedVmAction = action(
  (input: AdoptUnownedVmInput) => trpc.reconciliation.adopt.mutate(input),
  "reconciliation.adopt",
);
export const testConnectionAction = action(
  (siteId: string) => trpc.sites.testConnection.mutate({ siteId }),
  "sites.testConnection",
);

// the VM after READY: My VMs, the VM page and its actions (each answers at once; the change feed then
// pushes the action's steps and outcome to every open page)

export const getVms = query((input: NonNullable<ListVmsInput>) => trpc.vms.list.query(input), "vms.list");
export const getVm = query((vmId: string) => trpc.vms.get.query({ vmId }), "vms.get");
export const getPendingResizes = query(
  (input: NonNullable<PendingResizesInput>) => trpc.approvals.resizes.query(input),
  "approvals.resizes",
);

export const powerOnAction = action((input: PowerOnVmInput) => trpc.vms.powerOn.mutate(input), "vms.powerOn");
export const powerOffAction = action(
  (input: PowerOffVmInput) => trpc.vms.powerOff.mutate(input),
  "vms.powerOff",
);
export const shutdownGuestAction = action(
  (input: ShutdownGuestInput) => trpc.vms.shutdownGuest.mutate(input),
  "vms.shutdownGuest",
);
export const restartVmAction = action(
  (input: RestartVmInput) => trpc.vms.restart.mutate(input),
  "vms.restart",
);
export const deleteVmAction = action((input: DeleteVmInput) => trpc.vms.delete.mutate(input), "vms.delete");
export const resizeVmAction = action((input: ResizeVmInput) => trpc.vms.resize.mutate(input), "vms.resize");
export const withdrawResizeAction = action(
  (input: WithdrawResizeInput) => trpc.vms.withdrawResize.mutate(input),
  "vms.withdrawResize",
);
export const createSnapshotAction = action(
  (input: CreateSnapshotInput) => trpc.vms.createSnapshot.mutate(input),
  "vms.createSnapshot",
);
export const revertSnapshotAction = action(
  (input: RevertSnapshotInput) => trpc.vms.revertSnapshot.mutate(input),
  "vms.revertSnapshot",
);
export const deleteSnapshotAction = action(
  (input: DeleteSnapshotInput) => trpc.vms.deleteSnapshot.mutate(input),
  "vms.deleteSnapshot",
);
export const approveResizeAction = action(
  (input: ApproveResizeInput) => trpc.approvals.approveResize.mutate(input),
  "approvals.approveResize",
);
export const rejectResizeAction = action(
  (input: RejectResizeInput) => trpc.approvals.rejectResize.mutate(input),
  "approvals.rejectResize",
);

// the settings area (tenant admins); like every action, its writes revalidate every cached read
export const getSettingsProjects = query(() => trpc.settings.projects.query(), "settings.projects");
export const getSettingsSites = query(() => trpc.settings.sites.query(), "settings.sites");
export const getSettingsPeople = query(() => trpc.settings.people.query(), "settings.people");
export const createProjectAction = action(
  (input: CreateProjectInput) => trpc.settings.createProject.mutate(input),
  "settings.createProject",
);
export const updateProjectAction = action(
  (input: UpdateProjectInput) => trpc.settings.updateProject.mutate(input),
  "settings.updateProject",
);
export const archiveProjectAction = action(
  (projectId: string) => trpc.settings.archiveProject.mutate({ projectId }),
  "settings.archiveProject",
);
export const setApproverAction = action(
  (input: ProjectApproverInput) => trpc.settings.setApprover.mutate(input),
  "settings.setApprover",
);
export const createSiteAction = action(
  (input: CreateSiteInput) => trpc.settings.createSite.mutate(input),
  "settings.createSite",
);
export const renameSiteAction = action(
  (input: RenameSiteInput) => trpc.settings.renameSite.mutate(input),
  "settings.renameSite",
);
export const archiveSiteAction = action(
  (siteId: string) => trpc.settings.archiveSite.mutate({ siteId }),
  "settings.archiveSite",
);
export const setRoleAction = action(
  (input: UserRoleInput) => trpc.settings.setRole.mutate(input),
  "settings.setRole",
);
export const getGroupRoles = query(() => trpc.settings.groupRoles.query(), "settings.groupRoles");
export const setGroupRoleAction = action(
  (input: GroupRoleInput) => trpc.settings.setGroupRole.mutate(input),
  "settings.setGroupRole",
);
// the tenant's size catalogue (settings: Sizes); what requests may pick is getSizes
export const getSettingsSizes = query(() => trpc.sizes.list.query(), "sizes.list");
export const addSizeAction = action((input: AddSizeInput) => trpc.sizes.add.mutate(input), "sizes.add");
export const editSizeAction = action((input: EditSizeInput) => trpc.sizes.edit.mutate(input), "sizes.edit");
export const retireSizeAction = action((code: string) => trpc.sizes.retire.mutate({ code }), "sizes.retire");

// personal API tokens and the audit log

export const getTokens = query((everyone: boolean) => trpc.tokens.list.query({ everyone }), "tokens.list");
export const createTokenAction = action(
  (input: CreateTokenInput) => trpc.tokens.create.mutate(input),
  "tokens.create",
);
export const revokeTokenAction = action(
  (tokenId: string) => trpc.tokens.revoke.mutate({ tokenId }),
  "tokens.revoke",
);
export const getAudit = query(
  (input: { cursor?: number; filter: AuditFilter }) => trpc.audit.list.query({ limit: 50, ...input }),
  "audit.list",
);

// leases (issue 16)
export const getLeasePolicies = query(() => trpc.leases.policies.query(), "leases.policies");
export const getPendingExtensions = query(
  (input: NonNullable<PendingExtensionsInput>) => trpc.leases.pendingExtensions.query(input),
  "leases.pendingExtensions",
);
export const setLeasePolicyAction = action(
  (input: SetLeasePolicyInput) => trpc.leases.setPolicy.mutate(input),
  "leases.setPolicy",
);
export const extendLeaseAction = action(
  (input: ExtendLeaseInput) => trpc.leases.extend.mutate(input),
  "leases.extend",
);
export const withdrawExtensionAction = action(
  (input: WithdrawExtensionInput) => trpc.leases.withdrawExtension.mutate(input),
  "leases.withdrawExtension",
);
export const approveExtensionAction = action(
  (input: ApproveExtensionInput) => trpc.leases.approveExtension.mutate(input),
  "leases.approveExtension",
);
export const rejectExtensionAction = action(
  (input: RejectExtensionInput) => trpc.leases.rejectExtension.mutate(input),
  "leases.rejectExtension",
);
export const rescueLeaseAction = action(
  (input: RescueLeaseInput) => trpc.leases.rescue.mutate(input),
  "leases.rescue",
);

// -- approval policies (issue 18) ------------------------------------------------------------------
export const getApprovalPolicies = query(() => trpc.approvalPolicies.list.query(), "approvalPolicies.list");
export const previewApproval = (input: PreviewApprovalInput) => trpc.approvalPolicies.preview.query(input);
export const setApprovalPolicyAction = action(
  (input: SetApprovalPolicyInput) => trpc.approvalPolicies.set.mutate(input),
  "approvalPolicies.set",
);
