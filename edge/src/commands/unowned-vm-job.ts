import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { VmAdoptJob, VmDestroyUnownedJob } from "@gantry/shared/jobs/vm-action-job";
import type { Principal } from "../auth/principal.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { appendTo, type Decision } from "./handle-command.ts";
import { outboxInsert } from "./job-outbox.ts";
import { relayJob } from "./outbox-relay.ts";

/**
 * An admin's reconciliation job on an unowned VM (a destruction or an adoption): its event, the job's outbox
 * row and the page's row statement in one batch; after the commit the job is relayed to the site's hub and
 * the site's pages are told.
 */
export function appendUnownedVmJob<TAnswer>(
  deps: DispatchDeps,
  input: {
    principal: Principal;
    siteId: string;
    stream: { streamId: string; version: number };
    event: DomainEvent;
    job: VmDestroyUnownedJob | VmAdoptJob;
    rowStatement: D1PreparedStatement;
    answer: TAnswer;
  },
): Decision<TAnswer> {
  const { principal, siteId, job } = input;
  const dispatch = { tenantId: principal.tenantId, siteId, job };
  const ctx = userCommandContext(deps, principal);
  return appendTo(input.stream, toNewEvents([input.event], ctx), {
    sideEffects: [
      outboxInsert(deps.db, { dispatch, requestId: job.requestId, now: ctx.occurredAt }),
      input.rowStatement,
    ],
    answer: () => {
      deps.defer(() => relayJob(deps, dispatch));
      deps.defer(() => deps.feed.publishSite(principal.tenantId, { siteId, at: ctx.occurredAt }));
      return input.answer;
    },
  });
}
