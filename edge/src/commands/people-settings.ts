import type { Role } from "@gantry/shared/api/session";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { forgetSessionsOf } from "../auth/session-cache.ts";
import { endSessionsStatement } from "../auth/sessions.ts";
import { countAdmins, getTenantPerson, setUserRole } from "../auth/users.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { setGroupRole } from "../tenancy/tenant-onboarding.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent } from "./record-tenancy-event.ts";
import type { SettingsError } from "./settings-error.ts";

/**
 * Makes a person of the tenant an admin, or a member again; the last admin stays one (the update's own
 * guard holds that against two admins demoting each other at once). A promotion bites at their next
 * sign-in; a demotion at once: their live sessions end in the same batch (a session carries the role it
 * was signed in with, and an admin removed must not keep admin rights until it runs out).
 */
export async function changeRole(
  deps: CommandDeps,
  input: { principal: Principal; userId: string; role: Role },
): Promise<Result<{ userId: string; role: Role }, SettingsError>> {
  const { principal, userId, role } = input;
  const tenantId = principal.tenantId;
  const person = await getTenantPerson(deps.db, { tenantId, userId });
  if (!person) return err({ code: "NOT_FOUND", what: "person" });
  if (person.role === role) return ok({ userId, role });
  if (role === "member" && (await countAdmins(deps.db, tenantId)) <= 1) return err({ code: "LAST_ADMIN" });
  try {
    const recorded = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.user(tenantId, userId),
      event: { type: "UserRoleChanged", data: { userId, role } },
      actor: personActor(principal),
      sideEffects: [
        setUserRole(deps.db, { tenantId, userId, role }),
        ...(role === "member"
          ? [
              endSessionsStatement(deps.db, {
                tenantId,
                userId,
                now: deps.clock().getTime(),
                reason: "role-changed",
              }),
            ]
          : []),
      ],
    });
    if (role === "member") forgetSessionsOf({ tenantId, userId });
    return recorded.ok ? ok({ userId, role }) : err({ code: "CONCURRENT_MODIFICATION" });
  } catch (error) {
    // the update's guard refused the batch: the last other admin was demoted at the same moment
    if (error instanceof EventStoreUnavailableError && (await countAdmins(deps.db, tenantId)) <= 1)
      return err({ code: "LAST_ADMIN" });
    throw error;
  }
}

/**
 * Maps a group of the tenant's IdP to a role (null: unmapped). It applies at each person's next sign-in
 * and session renewal, where their groups are read from the IdP again.
 */
export async function setIdpGroupRole(
  deps: CommandDeps,
  input: { principal: Principal; group: string; role: "admin" | "member" | null },
): Promise<Result<{ group: string }, SettingsError>> {
  const { principal, group, role } = input;
  const tenantId = principal.tenantId;
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.tenant(tenantId),
    event: { type: "IdpGroupRoleChanged", data: { group, role } },
    actor: personActor(principal),
    sideEffects: [setGroupRole(deps.db, { tenantId, group, role })],
  });
  return recorded.ok ? ok({ group }) : err({ code: "CONCURRENT_MODIFICATION" });
}
