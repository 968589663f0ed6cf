import type { VmEvent } from "@gantry/shared/events/vm";
import type { CommitGuard } from "../event-store/append-to-stream.ts";
import type { NewEvent, StreamAppend } from "../event-store/stored-event.ts";
import { evolveVm } from "../provisioning/vm.ts";
import { announceVmCommitted } from "../tenant-feed/change-feed.ts";
import { type CommandContext, toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, type Decision } from "./handle-command.ts";
import type { LoadedManagedVm } from "./vm-access.ts";

/** The VM's status once `events` are folded in (what the change feed says about it). */
export function statusAfter(loaded: LoadedManagedVm, events: readonly NewEvent[]) {
  let state = loaded.streams.vm.state;
  for (const e of events) state = evolveVm(state, { event: e.event as VmEvent, occurredAt: e.occurredAt });
  return state.status === "NONE" ? "READY" : state.status;
}

/**
 * A decision on a VM's own stream: its events appended at the version loaded (with the writes that must
 * commit with them, e.g. the job's outbox row), then its owner's and the admins' pages told.
 */
export function appendToVm<TValue>(
  deps: CommandDeps,
  input: {
    loaded: LoadedManagedVm;
    vmId: string;
    ownerId: string;
    events: readonly VmEvent[];
    ctx: CommandContext;
    sideEffects?: readonly D1PreparedStatement[];
    /** conditions of the write (a job update's lease fence); the command must answer their refusal */
    guards?: readonly CommitGuard[];
    answer: (append: StreamAppend) => TValue;
  },
): Decision<TValue> {
  const { loaded, ctx } = input;
  const vmStream = loaded.streams.vm;
  const events = toNewEvents(input.events, ctx);
  const status = statusAfter(loaded, events);
  const decision = appendTo(vmStream, events, {
    ...(input.sideEffects === undefined ? {} : { sideEffects: input.sideEffects }),
    answer: (append) => {
      const value = input.answer(append);
      const { vmId, ownerId } = input;
      announceVmCommitted(deps, { tenantId: ctx.tenantId, vmId, ownerId, status, append });
      return value;
    },
  });
  if (decision.kind !== "commit" || !input.guards?.length) return decision;
  return { ...decision, commit: { ...decision.commit, guards: input.guards } };
}
