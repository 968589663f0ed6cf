import { faultFromTaskError, VsphereFault } from "./faults.ts";
import type { RoundTripCounter } from "./round-trips.ts";
import type { MoRef } from "./values.ts";
import type { PropertyWaiter, WatchRequest } from "./wait.ts";
import type { WatchState } from "./watch-state.ts";
import type { XmlElement } from "./xml.ts";

/** The TaskInfo paths a task watch needs (vcsim matches exact paths, not `info` as a whole). */
export const TASK_PATHS = ["info.state", "info.progress", "info.result", "info.error"] as const;

export type TaskState = "queued" | "running" | "success" | "error";

export interface TaskSnapshot {
  readonly state: TaskState | undefined;
  readonly progress: number | undefined;
  readonly result: XmlElement | undefined;
  /** Set when the state is `error`. */
  readonly error: VsphereFault | undefined;
}

const STATES = new Set<string>(["queued", "running", "success", "error"]);

/** A task's info as accumulated by a watch. */
export function taskSnapshot(state: WatchState, task: MoRef): TaskSnapshot {
  const raw = state.get(task, "info.state")?.text;
  const taskState = raw !== undefined && STATES.has(raw) ? (raw as TaskState) : undefined;
  const progressText = state.get(task, "info.progress")?.text;
  const progress = progressText === undefined ? undefined : Number(progressText);
  if (state.gone(task) && taskState !== "success" && taskState !== "error") {
    throw new VsphereFault({
      name: "ManagedObjectNotFound",
      message: `task ${task.value} disappeared before it finished`,
      source: "task",
      retryable: true,
    });
  }
  return {
    state: taskState,
    progress: Number.isFinite(progress) ? progress : undefined,
    result: state.get(task, "info.result"),
    error:
      taskState === "error" ? faultFromTaskError(state.value(task, "info.error"), task.value) : undefined,
  };
}

/** The moref in a task's `info.result` (CloneVM_Task: the new VM). */
export function resultRef(result: XmlElement | undefined): MoRef | undefined {
  return result?.type === undefined ? undefined : { type: result.type, value: result.text };
}

export interface WaitForTaskOptions {
  onProgress?: ((percent: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  counter?: RoundTripCounter | undefined;
  /** Fail with a `WaitTimeout` fault if the task has not ended by then. */
  deadline?: WatchRequest<unknown>["deadline"];
  /** See {@link WatchRequest.patientStart}: for a task whose end is waited for, not its start. */
  patientStart?: boolean;
}

/**
 * Wait until the task succeeds (resolves to `info.result`) or fails (throws its fault).
 * The terminal state is always seen: a watch starts from the task's current state.
 */
export async function waitForTask(
  waiter: PropertyWaiter,
  task: MoRef,
  options: WaitForTaskOptions = {},
): Promise<XmlElement | undefined> {
  let lastProgress: number | undefined;
  const outcome = await waiter.watch({
    spec: { propSet: [{ type: "Task", paths: TASK_PATHS }], objectSet: [{ obj: task }] },
    signal: options.signal,
    counter: options.counter,
    deadline: options.deadline,
    patientStart: options.patientStart,
    check: (state) => {
      const snap = taskSnapshot(state, task);
      if (snap.progress !== undefined && snap.progress !== lastProgress && snap.state === "running") {
        lastProgress = snap.progress;
        options.onProgress?.(snap.progress);
      }
      if (snap.state === "error") throw snap.error;
      return snap.state === "success" ? { result: snap.result } : undefined;
    },
  });
  return outcome.result;
}
