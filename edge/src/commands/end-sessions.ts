import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { forgetSessionsOf } from "../auth/session-cache.ts";
import { countLiveSessions, endSessionsStatement } from "../auth/sessions.ts";
import { streamIds } from "../event-store/stored-event.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

/**
 * Ends every live session of a person of the actor's tenant: the person themselves ("sign out
 * everywhere") or an admin. The sessions end and `UserSessionsEnded` is recorded in one batch; this
 * isolate forgets them at once, every other within the session cache's few seconds.
 */
export async function endSessionsOfPerson(
  deps: CommandDeps,
  input: { actor: Principal; userId: string; reason: "signed-out-everywhere" | "ended-by-admin" },
): Promise<Result<{ ended: number }, TenancyWriteError>> {
  const { actor, userId, reason } = input;
  const tenantId = actor.tenantId;
  const now = deps.clock().getTime();
  const live = await countLiveSessions(deps.db, { tenantId, userId, now });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.user(tenantId, userId),
    event: { type: "UserSessionsEnded", data: { userId, reason, sessions: live } },
    actor: personActor(actor),
    sideEffects: [endSessionsStatement(deps.db, { tenantId, userId, now, reason })],
  });
  forgetSessionsOf({ tenantId, userId });
  return recorded.ok ? ok({ ended: live }) : err(recorded.error);
}
