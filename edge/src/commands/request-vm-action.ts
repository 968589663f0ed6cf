import type { VmActionAccepted } from "@gantry/shared/api/vms";
import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmAction } from "@gantry/shared/events/vm-lifecycle";
import { VM_ACTIONS_MIN_AGENT_VERSION } from "@gantry/shared/jobs/vm-action-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import type { CommitGuard } from "../event-store/append-to-stream.ts";
import { actionJobIdFor, buildVmActionJob, jobKindOf } from "../provisioning/build-action-job.ts";
import type { ManagedVm } from "../provisioning/managed-vm.ts";
import { type ActionInput, decideVmAction } from "../provisioning/vm-action-decider.ts";
import { getProject } from "../tenancy/projects.ts";
import { getSite } from "../tenancy/sites.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { actionDeadline } from "./action-deadline.ts";
import { type CommandContext, userCommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { type Decision, done, handleCommand } from "./handle-command.ts";
import type { JobDispatch } from "./job-dispatcher.ts";
import { outboxInsert } from "./job-outbox.ts";
import { relayJob } from "./outbox-relay.ts";
import { quotaRefusal, resizeNeed } from "./quota-guard.ts";
import { type LoadedManagedVm, loadManagedVm, visibleVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

/**
 * The id of the action a command makes, from (tenant, VM, person, idempotency key): a retried command
 * lands on the same action, found in the VM's stream, with no table of keys.
 */
export async function actionIdFor(input: {
  tenantId: string;
  vmId: string;
  userId: string;
  idempotencyKey: string;
}): Promise<string> {
  const text = [input.tenantId, input.vmId, input.userId, input.idempotencyKey].join("\u0000");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `act_${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The site a VM's project places VMs at, and whether one of its connected agents runs `kind`. */
export async function dispatchTarget(
  deps: DispatchDeps,
  input: { tenantId: string; vm: ManagedVm; kind: VmAction["kind"] },
): Promise<Result<{ siteId: string }, DomainError>> {
  const { tenantId, vm, kind } = input;
  const project = await getProject(deps.db, { tenantId, projectId: vm.projectId });
  if (!project) return err({ code: "VM_NOT_FOUND", vmId: vm.vmId });
  const site = await getSite(deps.db, { tenantId, siteId: project.siteId });
  const capabilities = await deps.dispatcher.capabilities(project.siteId);
  if (!capabilities.jobs.includes(jobKindOf(kind))) {
    return err({
      code: "NO_AGENT_CAN_RUN",
      kind,
      siteName: site?.name ?? project.siteId,
      connected: capabilities.connected,
      minVersion: VM_ACTIONS_MIN_AGENT_VERSION,
    });
  }
  return ok({ siteId: project.siteId });
}

/** The job that carries out the action an event asks for, on its way to the site (outbox + relay). */
export function actionDispatch(input: {
  tenantId: string;
  siteId: string;
  vm: ManagedVm;
  requested: { jobId: string; action: VmAction; deadline: string };
}): JobDispatch {
  const { tenantId, siteId, vm, requested } = input;
  return { tenantId, siteId, job: buildVmActionJob({ vm, ...requested }) };
}

export interface RequestActionInput {
  principal: Principal;
  vmId: string;
  idempotencyKey: string;
  reason: string | null;
  input: ActionInput;
  policy: VmPolicy;
}

/**
 * Asks for an action on a VM: decided on the VM as loaded (one action at a time, what its state
 * allows, the snapshot cap, the typed name), then appended to its stream with, in the same D1 batch,
 * the job's outbox row; the job is relayed to the site's hub right after (and by the sweeper). A resize
 * up is appended as an approval instead; deleting a VM already gone ends at once.
 */
export async function requestVmAction(
  deps: DispatchDeps,
  command: RequestActionInput,
): Promise<Result<VmActionAccepted, DomainError>> {
  const { principal, vmId, idempotencyKey, reason, input, policy } = command;
  const actionId = await actionIdFor({
    tenantId: principal.tenantId,
    vmId,
    userId: principal.userId,
    idempotencyKey,
  });
  const jobId = actionJobIdFor(actionId);
  const timeoutSeconds = "timeoutSeconds" in input ? input.timeoutSeconds : undefined;
  const deadline = actionDeadline(policy, { now: deps.clock(), timeoutSeconds });
  return handleCommand(deps.store, {
    load: () => loadManagedVm(deps.db, vmId),
    decide: async (loaded): Promise<Decision<VmActionAccepted>> => {
      const vm = visibleVm(principal, loaded);
      if (!vm) return done(err({ code: "VM_NOT_FOUND", vmId }));
      const decided = decideVmAction(
        {
          type: "RequestVmAction",
          data: { vmId, actionId, jobId, reason, input, deadline, snapshotCap: policy.snapshotCap },
        },
        vm,
      );
      if (!decided.ok) return done(decided);
      const decision = decided.value;
      const answer = (status: VmActionAccepted["outcome"], version: number): VmActionAccepted => ({
        vmId,
        actionId: status === "awaiting-approval" ? null : actionId,
        approvalId: status === "awaiting-approval" ? actionId : null,
        outcome: status,
        version,
      });
      if (decision.kind === "repeat") return done(ok(answer(decision.status, loaded.streams.vm.version)));
      // a resize up that could never be approved within the quota is refused now, like a request
      for (const event of decision.events) {
        if (event.type !== "VmResizeRequested") continue;
        const overQuota = await quotaRefusal(deps.db, {
          ...resizeNeed(principal.tenantId, vm, event.data.to.spec),
          what: "this resize",
          field: null,
        });
        if (overQuota) return done(err(overQuota));
      }
      const ctx = userCommandContext(deps, principal);
      const dispatches: JobDispatch[] = [];
      for (const event of decision.events) {
        if (event.type !== "VmActionRequested" || decision.kind !== "queued") continue;
        const target = await dispatchTarget(deps, {
          tenantId: principal.tenantId,
          vm,
          kind: event.data.action.kind,
        });
        if (!target.ok) return done(target);
        dispatches.push(
          actionDispatch({
            tenantId: principal.tenantId,
            siteId: target.value.siteId,
            vm,
            requested: event.data,
          }),
        );
      }
      return appendToVmWithJobs(deps, {
        loaded,
        vm,
        events: decision.events,
        ctx,
        dispatches,
        answer: (version) => answer(decision.kind, version),
      });
    },
  });
}

/** Appends to the VM's stream with each job's outbox row in the same batch, then relays the jobs. */
export function appendToVmWithJobs<TValue>(
  deps: DispatchDeps,
  input: {
    loaded: LoadedManagedVm;
    vm: ManagedVm;
    events: readonly VmEvent[];
    ctx: CommandContext;
    dispatches: readonly JobDispatch[];
    /** conditions of the write (a resize up's quota guard); the command must answer their refusal */
    guards?: readonly CommitGuard[];
    answer: (version: number) => TValue;
  },
): Decision<TValue> {
  const { loaded, vm, events, ctx, dispatches } = input;
  return appendToVm(deps, {
    loaded,
    vmId: vm.vmId,
    ownerId: vm.ownerId,
    events,
    ctx,
    ...(input.guards === undefined ? {} : { guards: input.guards }),
    sideEffects: dispatches.map((dispatch) =>
      outboxInsert(deps.db, { dispatch, requestId: vm.requestId, now: ctx.occurredAt }),
    ),
    answer: (append) => {
      for (const dispatch of dispatches) deps.defer(() => relayJob(deps, dispatch));
      return input.answer(append.expectedVersion + append.events.length);
    },
  });
}
