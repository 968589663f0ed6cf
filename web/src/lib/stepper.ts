import { PROVISIONING_STAGES, type ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";

export type StepKey = "CREATED" | ProvisioningStage;
export type StepState = "done" | "current" | "failed" | "pending";

export interface Step {
  key: StepKey;
  label: string;
  state: StepState;
  /** Completion time for done steps, start time for the current or failed one. */
  at: string | null;
  /** Clone percent, only on the current CLONING step. */
  percent: number | null;
}

/** What the stepper needs to know, whatever feed it came from. */
export interface StepperInput {
  createdAt: string;
  /** When each stage was entered. */
  stageTimes: Partial<Record<ProvisioningStage, string>>;
  currentStage: ProvisioningStage | null;
  percent: number | null;
  outcome: "waiting" | "running" | "succeeded" | "failed";
}

export const STEP_LABELS: Record<StepKey, string> = {
  CREATED: "Created",
  CLONING: "Cloning",
  CONFIGURING: "Configuring",
  POWERING_ON: "Powering on",
  WAITING_FOR_NETWORK: "Waiting for network",
  READY: "Ready",
};

/** The index of the stage the run has reached; -1 before cloning starts. */
function reachedIndex(input: StepperInput): number {
  let reached = input.currentStage === null ? -1 : PROVISIONING_STAGES.indexOf(input.currentStage);
  PROVISIONING_STAGES.forEach((stage, i) => {
    if (input.stageTimes[stage] !== undefined && i > reached) reached = i;
  });
  return reached;
}

/** Derives the six steps (Created → … → Ready) from the progress facts. */
export function deriveSteps(input: StepperInput): Step[] {
  const created: Step = {
    key: "CREATED",
    label: STEP_LABELS.CREATED,
    state: "done",
    at: input.createdAt,
    percent: null,
  };
  const reached = reachedIndex(input);
  const lastReady = PROVISIONING_STAGES.length - 1;
  // READY is a point in time, not work in progress: reaching it completes the run
  const succeeded = input.outcome === "succeeded" || reached === lastReady;
  const activeIndex = succeeded
    ? PROVISIONING_STAGES.length
    : input.outcome === "waiting"
      ? -1
      : Math.max(reached, 0);

  const stages = PROVISIONING_STAGES.map((stage, i): Step => {
    const label = STEP_LABELS[stage];
    const next = PROVISIONING_STAGES[i + 1];
    const completedAt =
      (next === undefined ? undefined : input.stageTimes[next]) ?? input.stageTimes[stage] ?? null;
    if (i < activeIndex) return { key: stage, label, state: "done", at: completedAt, percent: null };
    if (i === activeIndex) {
      const at = input.stageTimes[stage] ?? null;
      if (input.outcome === "failed") return { key: stage, label, state: "failed", at, percent: null };
      const percent = stage === "CLONING" && input.percent !== null ? clampPercent(input.percent) : null;
      return { key: stage, label, state: "current", at, percent };
    }
    return { key: stage, label, state: "pending", at: null, percent: null };
  });
  return [created, ...stages];
}

const clampPercent = (n: number) => Math.min(100, Math.max(0, Math.round(n)));

/**
 * One sentence for the stepper's live region. It changes per stage, not per percent, so screen readers
 * hear each step once; the percent stays readable on the progress bar. `readyText` is the end, said
 * to whoever watches ("Your VM is ready." to the requester).
 */
export function describeProgress(steps: readonly Step[], readyText = "The VM is ready."): string {
  const failed = steps.find((s) => s.state === "failed");
  if (failed) return `Provisioning failed during ${failed.label.toLowerCase()}.`;
  const current = steps.find((s) => s.state === "current");
  if (current) return `${current.label} in progress.`;
  const last = steps[steps.length - 1];
  if (last && last.state === "done") return readyText;
  return "Waiting to start.";
}
