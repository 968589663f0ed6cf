import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { ActionUpdate } from "@gantry/shared/protocol/job-report";
import { ok, type Result } from "@gantry/shared/result";
import type { ManagedVm } from "./managed-vm.ts";

/**
 * What an agent's report means for the VM's running action: a step, its success or its failure.
 * Reports arrive at least once: repeats, a step already shown, and anything about an action that no
 * longer runs (it ended, or the edge gave up on it at its deadline) are ignored — no events, no error.
 */
export function decideActionReport(
  input: { jobId: string; update: ActionUpdate },
  vm: ManagedVm,
): Result<VmEvent[], DomainError> {
  const { jobId, update } = input;
  const running = vm.running;
  if (!running || running.jobId !== jobId) return ok([]);
  const { vmId } = vm;
  const { actionId } = running;
  const kind = running.action.kind;
  switch (update.kind) {
    case "step": {
      const same =
        running.step === update.step && JSON.stringify(running.stepDetail) === JSON.stringify(update.detail);
      if (same) return ok([]);
      return ok([
        { type: "VmActionStepReached", data: { vmId, actionId, step: update.step, detail: update.detail } },
      ]);
    }
    case "action-done": {
      const { facts, snapshot, note } = update.result;
      const size = running.action.kind === "resize" ? running.action.to.size : null;
      return ok([{ type: "VmActionSucceeded", data: { vmId, actionId, kind, facts, size, snapshot, note } }]);
    }
    case "action-failed":
      return ok([{ type: "VmActionFailed", data: { vmId, actionId, kind, failure: update.failure } }]);
  }
}

/** The edge's own word that a running action ran past its deadline without an outcome. */
export function decideActionExpired(
  input: { actionId: string; now: string },
  vm: ManagedVm,
): Result<VmEvent[], DomainError> {
  const running = vm.running;
  if (!running || running.actionId !== input.actionId || running.deadline > input.now) return ok([]);
  const failure = {
    code: "TIMED_OUT" as const,
    userMessage: "",
    technicalDetail: `no outcome from the site's agents by the deadline ${running.deadline} (job ${running.jobId}, last step ${running.step ?? "none"})`,
    retriable: true,
    attempts: 1,
  };
  return ok([
    {
      type: "VmActionFailed",
      data: { vmId: vm.vmId, actionId: running.actionId, kind: running.action.kind, failure },
    },
  ]);
}
