import type { VmActionFailureCode } from "@gantry/shared/jobs/vm-action-job";

/**
 * An expected end of an action found by our own checks (the VM is not ours, a disk would shrink, a
 * power cycle nobody agreed to). Thrown inside a handler, returned as a value at its edge.
 */
export class ActionStop extends Error {
  override readonly name = "ActionStop";
  readonly code: VmActionFailureCode;
  readonly userMessage: string;

  constructor(init: { code: VmActionFailureCode; userMessage: string; detail: string }) {
    super(init.detail);
    this.code = init.code;
    this.userMessage = init.userMessage;
  }
}

/** Why an action's signal was aborted: the edge cancelled it, or its deadline passed. */
export class ActionDeadline extends Error {
  override readonly name = "ActionDeadline";
}
