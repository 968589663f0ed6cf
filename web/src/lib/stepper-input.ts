import type { RequestSummary, StageProgress } from "@gantry/shared/api/requests";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { ProgressState } from "@gantry/shared/protocol/progress";
import type { StepperInput } from "./stepper.ts";

type Outcome = StepperInput["outcome"];

function outcomeOf(status: RequestSummary["status"], live: ProgressState | null): Outcome {
  const terminal = live?.terminal?.outcome.status;
  if (terminal === "succeeded") return "succeeded";
  if (terminal === "failed") return "failed";
  switch (status) {
    case "READY":
      return "succeeded";
    case "FAILED":
      return "failed";
    case "PROVISIONING":
      return "running";
    case "APPROVED":
      // the agent may have started before the read model caught up
      return live && (live.currentStage !== null || live.stages.length > 0) ? "running" : "waiting";
    case "PENDING":
    case "REJECTED":
    case "CANCELLED":
      return "waiting";
  }
}

/**
 * Merges what the page loaded (summary and stage history) with the live stream. The stream wins
 * where it knows more; the loaded data covers a stream that has not connected yet.
 */
export function stepperInputFrom(
  request: Pick<RequestSummary, "status" | "createdAt" | "stage">,
  stages: readonly StageProgress[],
  live: ProgressState | null,
): StepperInput {
  const stageTimes: Partial<Record<ProvisioningStage, string>> = {};
  for (const s of stages) stageTimes[s.stage] = s.startedAt;
  for (const s of live?.stages ?? []) stageTimes[s.stage] = s.startedAt;
  const outcome = outcomeOf(request.status, live);
  let currentStage = live?.currentStage ?? request.stage;
  // the run ends with the VM it built: a READY stage frame comes a moment before the outcome that
  // carries the VM's address, and until then the stepper, the badge and the VM card hold back together
  if (currentStage === "READY" && outcome !== "succeeded") {
    currentStage = "WAITING_FOR_NETWORK";
    delete stageTimes.READY;
  }
  return {
    createdAt: request.createdAt,
    stageTimes,
    currentStage,
    percent: live?.percent ?? null,
    outcome,
  };
}
