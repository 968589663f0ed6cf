import type { RequestDetail, RequestWait } from "@gantry/shared/api/requests";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
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
  /** when its lease ends: known once the summary is read after READY */
  expiresAt: string | null;
}

export interface LiveView {
  /** the request's status as the stream knows it, ahead of the loaded summary (the badge, the VM card) */
  status: VmRequestStatus;
  steps: Step[];
  announcement: string;
  statusLine: string | null;
  tooLong: boolean;
  failure: FailureView | null;
  vm: VmView | null;
}

type Failed = Extract<TerminalOutcome, { status: "failed" }>;

const RETRIABLE_CODES = new Set(["VCENTER_UNREACHABLE", "VCENTER_BUSY", "LEASE_LOST"]);

export interface ViewContext {
  now: Date;
  /** why the site's hub has not started the approved job yet, or why it is stopping the running one
   * (`requests.waiting`) */
  waitReason?: RequestWait | null;
  /** who is looking: the requester hears "Your VM is ready.", anyone else whose VM it is */
  viewerId?: string | null;
}

/** The status the stream already knows: its outcome, or a stage started before the summary caught up. */
function liveStatus(status: VmRequestStatus, live: LiveProgress | null): VmRequestStatus {
  const outcome = live?.state.terminal?.outcome.status;
  if (outcome === "succeeded") return "READY";
  if (outcome === "failed") return "FAILED";
  if (status === "APPROVED" && live && (live.state.currentStage !== null || live.state.stages.length > 0))
    return "PROVISIONING";
  return status;
}

/** Everything the detail page shows about the run, from the loaded detail plus the live stream. */
export function liveViewOf(detail: RequestDetail, live: LiveProgress | null, context: ViewContext): LiveView {
  const request = detail.request;
  const state = live?.state ?? null;
  const steps = deriveSteps(stepperInputFrom(request, detail.stages, state));
  const outcome = state?.terminal?.outcome ?? null;
  const readyText =
    context.viewerId === request.requester.id
      ? "Your VM is ready."
      : `${request.requester.name}'s VM is ready.`;

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
  if (outcome?.status === "succeeded")
    vm = { ...outcome.vm, warning: outcome.warning, expiresAt: request.vm?.expiresAt ?? null };
  else if (request.vm) vm = request.vm;

  return {
    status: liveStatus(request.status, live),
    steps,
    announcement: describeProgress(steps, readyText),
    statusLine: statusLineOf(detail, live, steps, { ...context, readyText }),
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
  steps: Step[],
  context: ViewContext & { readyText: string },
): string | null {
  const { now, waitReason = null, readyText } = context;
  switch (detail.request.status) {
    case "PENDING":
      return "Waiting for an admin to approve.";
    case "REJECTED":
    case "CANCELLED":
    case "FAILED":
      return null;
    case "READY":
      return readyText;
    case "APPROVED":
    case "PROVISIONING": {
      if (steps.some((s) => s.state === "failed")) return null;
      if (steps.every((s) => s.state === "done")) return readyText;
      if (!steps.some((s) => s.state === "current"))
        return waitReason?.reason && !waitReason.stopping
          ? `Approved, not started yet: ${waitReason.reason}. Your admins can see this too.`
          : "Approved. Waiting for the site's agent to start.";
      // a running job has a reason only while it is being stopped (too long, or by an admin)
      if (waitReason?.reason && waitReason.stopping)
        return `Stopping: ${waitReason.reason}. Your admins can see this too.`;
      const eta = live ? formatEta(secondsRemaining(live, now)) : null;
      return eta ?? "Working on it…";
    }
  }
}
