import type { ProvisioningFailureCode } from "@gantry/shared/jobs/provision-vm-job";

/**
 * An expected end of a run found by our own checks (a foreign VM with our name, a missing
 * template, a path outside the allowlist). Thrown inside the handler, returned as a value at its edge.
 */
export class ProvisioningStop extends Error {
  override readonly name = "ProvisioningStop";
  readonly code: ProvisioningFailureCode;
  readonly userMessage: string;
  readonly retriable: boolean;

  constructor(init: {
    code: ProvisioningFailureCode;
    userMessage: string;
    detail: string;
    retriable?: boolean;
  }) {
    super(init.detail);
    this.code = init.code;
    this.userMessage = init.userMessage;
    this.retriable = init.retriable ?? false;
  }
}

/** The job runner's self-fencing error (`ctx.assertLease()`); matched by name, it is not ours. */
export const isLeaseLost = (err: unknown): boolean => err instanceof Error && err.name === "LeaseLostError";
