import { type MoRef, refOf, type SoapSession, taskFault } from "./soap-session.ts";
import type { Node } from "./xml-tree.ts";

const TASK_PATHS = ["info.state", "info.error", "info.result", "info.progress"];
const VM_PATHS = ["guest.ipAddress", "guest.toolsRunningStatus", "runtime.powerState"];

export interface TaskTrace {
  /** info.state values in the order WaitForUpdatesEx reported them. */
  states: string[];
  progress: number[];
  state: string;
  result?: MoRef;
  fault?: string;
  rounds: number;
}

/** Follows a task through WaitForUpdatesEx on a private collector until it succeeds or fails. */
export async function watchTask(session: SoapSession, task: MoRef, timeoutMs = 10_000): Promise<TaskTrace> {
  const trace: TaskTrace = { states: [], progress: [], state: "", rounds: 0 };
  await follow(session, task, TASK_PATHS, timeoutMs, (change) => {
    switch (change.name) {
      case "info.state":
        trace.state = change.val?.text ?? "";
        trace.states.push(trace.state);
        break;
      case "info.progress":
        if (change.val) trace.progress.push(Number(change.val.text));
        break;
      case "info.result": {
        const result = refOf(change.val);
        if (result) trace.result = result;
        break;
      }
      case "info.error": {
        const fault = taskFault(change.val);
        if (fault) trace.fault = fault;
        break;
      }
    }
    trace.rounds++;
    return trace.state === "success" || trace.state === "error";
  });
  return trace;
}

export type VmState = Record<string, string>;

/** Follows a VM's guest.ipAddress, guest.toolsRunningStatus and runtime.powerState until `done`. */
export async function watchVm(
  session: SoapSession,
  vm: MoRef,
  done: (state: VmState) => boolean,
  timeoutMs = 10_000,
): Promise<VmState> {
  const state: VmState = {};
  await follow(
    session,
    vm,
    VM_PATHS,
    timeoutMs,
    (change) => {
      state[change.name] = change.val?.text ?? "";
      return false;
    },
    () => done(state),
  );
  return state;
}

/**
 * WaitForUpdatesEx loop on a private collector (never the shared default one). `onChange` may end
 * the loop early; `check` runs after each batch.
 */
async function follow(
  session: SoapSession,
  obj: MoRef,
  paths: string[],
  timeoutMs: number,
  onChange: (change: { name: string; val?: Node }) => boolean,
  check: () => boolean = () => false,
): Promise<void> {
  const collector = await session.createCollector();
  try {
    await session.createFilter(collector, obj, paths);
    const deadline = Date.now() + timeoutMs;
    let version = "";
    while (Date.now() < deadline) {
      const wait = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const update = await session.waitForUpdates(collector, version, wait);
      version = update.version;
      let finished = false;
      for (const change of update.changes) finished = onChange(change) || finished;
      if (finished || check()) return;
    }
    throw new Error(`${obj.type} ${obj.value}: no final state within ${timeoutMs} ms`);
  } finally {
    await session.ok("DestroyPropertyCollector", collector).catch(() => undefined);
  }
}
