import type { RequestDetail, RequestWait } from "@gantry/shared/api/requests";
import type { TerminalOutcome } from "@gantry/shared/protocol/progress";
import { formatEta } from "./format.ts";
import { type LiveProgress, secondsRemaining } from "./progress-state.ts";
import { deriveSteps, describeProgress, type Step } from "./stepper.ts";
import { stepperInputFrom } from "./stepper-input.ts";

export interface FailureView {
  message: string;
  retriable: boolean;
  cleanupFailed: boolean;
  technicalDetail: string | null;
}

export interface VmView {
  vmName: string;
  hostname: string;
  ipAddress: string | null;
  warning: string | null;
}

export interface LiveView {
  steps: Step[];
  announcement: string;
  statusLine: string | null;
  tooLong: boolean;
  failure: FailureView | null;
  vm: VmView | null;
}

type Failed = Extract<TerminalOutcome, { status: "failed" }>;

const RETRIABLE_CODES = new Set(["VCENTER_UNREACHABLE", "VCENTER_BUSY", "LEASE_LOST"]);

/**
 * Everything the detail page shows about the run, from the loaded detail plus the live stream.
 * @param waitReason why the site's hub has not started the approved job yet, or why it is stopping
 *   the running one (`requests.waiting`)
 */
export function liveViewOf(
  detail: RequestDetail,
  live: LiveProgress | null,
  now: Date,
  waitReason: RequestWait | null = null,
): LiveView {
  const request = detail.request;
  const state = live?.state ?? null;
  const steps = deriveSteps(stepperInputFrom(request, detail.stages, state));
  const outcome = state?.terminal?.outcome ?? null;

  let failure: FailureView | null = null;
  if (outcome?.status === "failed") failure = failureFromOutcome(outcome);
  else if (request.failure) {
    failure = {
      message: request.failure.userMessage,
      retriable: RETRIABLE_CODES.has(request.failure.code),
      cleanupFailed: false,
      technicalDetail: null,
    };
  }

  let vm: VmView | null = null;
  if (outcome?.status === "succeeded") vm = { ...outcome.vm, warning: outcome.warning };
  else if (request.vm) vm = request.vm;

  return {
    steps,
    announcement: describeProgress(steps),
    statusLine: statusLineOf(detail, live, now, steps, waitReason),
    tooLong: state?.tooLong === true && state.terminal === null,
    failure,
    vm,
  };
}

const failureFromOutcome = (outcome: Failed): FailureView => ({
  message: outcome.userMessage,
  retriable: outcome.retriable,
  cleanupFailed: outcome.cleanupFailed,
  technicalDetail: outcome.technicalDetail ?? null,
});

function statusLineOf(
  detail: RequestDetail,
  live: LiveProgress | null,
  now: Date,
  steps: Step[],
  wait: RequestWait | null,
): string | null {
  switch (detail.request.status) {
    case "PENDING":
      return "Waiting for an admin to approve.";
    case "REJECTED":
    case "CANCELLED":
    case "FAILED":
      return null;
    case "READY":
      return "Done.";
    case "APPROVED":
    case "PROVISIONING": {
      if (steps.some((s) => s.state === "failed")) return null;
      if (steps.every((s) => s.state === "done")) return "Done.";
      if (!steps.some((s) => s.state === "current"))
        return wait?.reason && !wait.stopping
          ? `Approved, not started yet: ${wait.reason}. Your admins can see this too.`
          : "Approved. Waiting for the site's agent to start.";
      // a running job has a reason only while it is being stopped (too long, or by an admin)
      if (wait?.reason && wait.stopping) return `Stopping: ${wait.reason}. Your admins can see this too.`;
      const eta = live ? formatEta(secondsRemaining(live, now)) : null;
      return eta ?? "Working on it…";
    }
  }
}
