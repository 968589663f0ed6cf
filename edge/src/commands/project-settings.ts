import type { CreateProjectInput, UpdateProjectInput } from "@gantry/shared/api/settings";
import { err, ok, type Result } from "@gantry/shared/result";
import type { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import { getTenantPerson } from "../auth/users.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { usageOfProject } from "../projections/project-usage.ts";
import { setProjectApprover } from "../tenancy/project-approvers.ts";
import {
  archiveProject,
  getProjectSetting,
  insertProject,
  type ProjectValues,
  takenProjectKeys,
  updateProject,
} from "../tenancy/projects.ts";
import { getSiteState } from "../tenancy/sites.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent } from "./record-tenancy-event.ts";
import { fieldRefusal, type SettingsError } from "./settings-error.ts";

type NewProject = z.output<typeof CreateProjectInput>;
type ChangedProject = z.output<typeof UpdateProjectInput>;

/** The project's values must fit the tenant: a live site of its own, a slug and prefix nobody else holds. */
async function checkValues(
  deps: CommandDeps,
  input: { tenantId: string; values: ProjectValues; projectId?: string },
): Promise<SettingsError | null> {
  const { tenantId, values } = input;
  const [site, taken] = await Promise.all([
    getSiteState(deps.db, { tenantId, siteId: values.siteId }),
    takenProjectKeys(deps.db, {
      tenantId,
      slug: values.slug,
      vmPrefix: values.vmPrefix,
      ...(input.projectId ? { exceptProjectId: input.projectId } : {}),
    }),
  ]);
  // picked from the tenant's own sites: another tenant's reads like a missing one
  if (!site) return { code: "NOT_FOUND", what: "site" };
  if (site.archivedAt !== null) return fieldRefusal("siteId", "is archived; pick a live site", values.siteId);
  if (taken.slug) return fieldRefusal("slug", "is already used by another project", values.slug);
  if (taken.vmPrefix) return fieldRefusal("vmPrefix", "is already used by another project", values.vmPrefix);
  return null;
}

/** A refused batch means a constraint lost a race with another admin: answered like the check would. */
async function raceAware<T>(
  write: () => Promise<Result<T, SettingsError>>,
  recheck: () => Promise<SettingsError | null>,
): Promise<Result<T, SettingsError>> {
  try {
    return await write();
  } catch (error) {
    const refusal = error instanceof EventStoreUnavailableError ? await recheck() : null;
    if (refusal) return err(refusal);
    throw error;
  }
}

export async function createProject(
  deps: CommandDeps,
  input: { principal: Principal; project: NewProject },
): Promise<Result<{ projectId: string }, SettingsError>> {
  const { principal, project } = input;
  const tenantId = principal.tenantId;
  const refused = await checkValues(deps, { tenantId, values: project });
  if (refused) return err(refused);
  const projectId = `proj-${deps.newId()}`;
  return raceAware(
    async () => {
      const recorded = await recordTenancyEvent(deps, {
        tenantId,
        streamId: streamIds.project(projectId),
        event: { type: "ProjectCreated", data: { projectId, ...project } },
        actor: personActor(principal),
        sideEffects: [insertProject(deps.db, { tenantId, projectId, ...project })],
      });
      return recorded.ok ? ok({ projectId }) : err({ code: "CONCURRENT_MODIFICATION" });
    },
    () => checkValues(deps, { tenantId, values: project }),
  );
}

/**
 * Renames a project or changes its site and default network. Its slug, VM prefix and site are fixed once
 * it has had a request: history, job folders and vCenter's VM names use them.
 */
export async function updateProjectSettings(
  deps: CommandDeps,
  input: { principal: Principal; project: ChangedProject },
): Promise<Result<{ projectId: string }, SettingsError>> {
  const { principal, project } = input;
  const { projectId, ...values } = project;
  const tenantId = principal.tenantId;
  const current = await getProjectSetting(deps.db, { tenantId, projectId });
  if (!current) return err({ code: "NOT_FOUND", what: "project" });
  if (current.archivedAt !== null)
    return err({ code: "IN_USE", message: "this project is archived; it can no longer be changed" });
  const usage = await usageOfProject(deps.db, { tenantId, projectId });
  if (usage.requests > 0) {
    const fixed = (["slug", "vmPrefix", "siteId"] as const).find((f) => values[f] !== current[f]);
    if (fixed)
      return err(
        fieldRefusal(
          fixed,
          `cannot change: the project already has ${usage.requests} request(s) whose VMs and history use it`,
          values[fixed],
        ),
      );
  }
  const refused = await checkValues(deps, { tenantId, values, projectId });
  if (refused) return err(refused);
  return raceAware(
    async () => {
      const recorded = await recordTenancyEvent(deps, {
        tenantId,
        streamId: streamIds.project(projectId),
        event: { type: "ProjectChanged", data: project },
        actor: personActor(principal),
        sideEffects: [updateProject(deps.db, { tenantId, ...project })],
      });
      return recorded.ok ? ok({ projectId }) : err({ code: "CONCURRENT_MODIFICATION" });
    },
    () => checkValues(deps, { tenantId, values, projectId }),
  );
}

/** Archives a project that has no live request or VM; it then takes no new request. Nothing is deleted. */
export async function archiveProjectSettings(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string },
): Promise<Result<{ projectId: string }, SettingsError>> {
  const { principal, projectId } = input;
  const tenantId = principal.tenantId;
  const current = await getProjectSetting(deps.db, { tenantId, projectId });
  if (!current) return err({ code: "NOT_FOUND", what: "project" });
  if (current.archivedAt !== null) return ok({ projectId });
  const usage = await usageOfProject(deps.db, { tenantId, projectId });
  if (usage.live > 0)
    return err({
      code: "IN_USE",
      message: `cannot archive: ${usage.live} request(s) or VM(s) of this project are still live; finish or delete them first`,
    });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.project(projectId),
    event: { type: "ProjectArchived", data: { projectId } },
    actor: personActor(principal),
    sideEffects: [archiveProject(deps.db, { tenantId, projectId, at: deps.clock().toISOString() })],
  });
  return recorded.ok ? ok({ projectId }) : err({ code: "CONCURRENT_MODIFICATION" });
}

/** Names a person of the tenant approver of a live project, or withdraws that. */
export async function setApprover(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string; userId: string; approver: boolean },
): Promise<Result<{ projectId: string }, SettingsError>> {
  const { principal, projectId, userId, approver } = input;
  const tenantId = principal.tenantId;
  const [project, person] = await Promise.all([
    getProjectSetting(deps.db, { tenantId, projectId }),
    getTenantPerson(deps.db, { tenantId, userId }),
  ]);
  if (!project) return err({ code: "NOT_FOUND", what: "project" });
  if (!person) return err({ code: "NOT_FOUND", what: "person" });
  if (approver && project.archivedAt !== null)
    return err({ code: "IN_USE", message: "this project is archived; it has nothing to approve" });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.project(projectId),
    event: { type: "ProjectApproverChanged", data: { projectId, userId, approver } },
    actor: personActor(principal),
    sideEffects: [setProjectApprover(deps.db, { tenantId, projectId, userId, approver })],
  });
  return recorded.ok ? ok({ projectId }) : err({ code: "CONCURRENT_MODIFICATION" });
}
