import type { AuditAction, AuditSubjectKind } from "@gantry/shared/api/audit";
import type { VmSpec } from "@gantry/shared/domain/vm-size";
import type { TenancyEvent } from "@gantry/shared/events/tenancy";

type AdministrationEvent = Extract<
  TenancyEvent,
  {
    type:
      | "TenantOnboarded"
      | "ProjectCreated"
      | "ProjectChanged"
      | "ProjectArchived"
      | "ProjectApproverChanged"
      | "SiteCreated"
      | "SiteRenamed"
      | "SiteArchived"
      | "UserRoleChanged"
      | "SizeAdded"
      | "SizeChanged"
      | "SizeRetired"
      | "IdpGroupRoleChanged";
  }
>;

interface AdministrationEntry {
  action: AuditAction;
  subject: { kind: AuditSubjectKind; id: string };
  requestId: null;
  summary: string;
}

const entry = (
  action: AuditAction,
  kind: AuditSubjectKind,
  id: string,
  summary: string,
): AdministrationEntry => ({ action, subject: { kind, id }, requestId: null, summary });

const specWords = (spec: VmSpec): string =>
  `${spec.cpu} vCPU, ${spec.memoryGb} GB RAM, ${spec.diskGb} GB disk`;

/** The audit entry of a settings change (issue 17): the operator's onboarding and every admin's edit. */
export function administrationEntry(event: AdministrationEvent): AdministrationEntry {
  switch (event.type) {
    case "TenantOnboarded": {
      const { tenantId, issuer, tenantClaim, tenantClaimValue, adminEmail } = event.data;
      return entry(
        "TENANT_ONBOARDED",
        "tenant",
        tenantId,
        `tenant onboarded for issuer ${issuer} (${tenantClaim} = ${tenantClaimValue}); first admin ${adminEmail}`,
      );
    }
    case "ProjectCreated": {
      const { projectId, name, slug, vmPrefix, siteId } = event.data;
      return entry(
        "PROJECT_CREATED",
        "project",
        projectId,
        `created project ${name} (${slug}, VM prefix ${vmPrefix}) on site ${siteId}`,
      );
    }
    case "ProjectChanged": {
      const { projectId, name, slug, vmPrefix, siteId, networkPath } = event.data;
      return entry(
        "PROJECT_CHANGED",
        "project",
        projectId,
        `project is now ${name} (${slug}, VM prefix ${vmPrefix}) on site ${siteId}, network ${networkPath ?? "the site's default"}`,
      );
    }
    case "ProjectArchived":
      return entry("PROJECT_ARCHIVED", "project", event.data.projectId, "archived the project");
    case "ProjectApproverChanged": {
      const { projectId, userId, approver } = event.data;
      return entry(
        "PROJECT_APPROVER_CHANGED",
        "project",
        projectId,
        approver ? `named ${userId} approver of the project` : `${userId} no longer approves the project`,
      );
    }
    case "SiteCreated":
      return entry(
        "SITE_CREATED",
        "site",
        event.data.siteId,
        `created site ${event.data.name} (${event.data.slug})`,
      );
    case "SiteRenamed":
      return entry("SITE_RENAMED", "site", event.data.siteId, `renamed the site to ${event.data.name}`);
    case "SiteArchived":
      return entry("SITE_ARCHIVED", "site", event.data.siteId, "archived the site");
    case "UserRoleChanged": {
      const { userId, role } = event.data;
      return entry(
        "USER_ROLE_CHANGED",
        "user",
        userId,
        role === "admin" ? "made a tenant admin" : "made a member",
      );
    }
    case "SizeAdded": {
      const { code, label, spec } = event.data;
      return entry("SIZE_ADDED", "size", code, `added size ${code} (${label}): ${specWords(spec)}`);
    }
    case "SizeChanged": {
      const { code, label, spec } = event.data;
      return entry("SIZE_CHANGED", "size", code, `size ${code} is now ${label}: ${specWords(spec)}`);
    }
    case "SizeRetired":
      return entry("SIZE_RETIRED", "size", event.data.code, `retired size ${event.data.code}`);
    case "IdpGroupRoleChanged": {
      const { group, role } = event.data;
      return entry(
        "IDP_GROUP_ROLE_CHANGED",
        "tenant",
        group,
        role
          ? `the IdP group ${group} now makes a tenant ${role}`
          : `the IdP group ${group} no longer gives a role`,
      );
    }
  }
}
