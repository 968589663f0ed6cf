import type { VmPolicy } from "../tenancy/vm-policy.ts";

/** The deadline of an action asked for at `now`: its guest timeout (if it has one) plus the budget. */
export function actionDeadline(
  policy: VmPolicy,
  input: { now: Date; timeoutSeconds?: number | undefined },
): string {
  const seconds = (input.timeoutSeconds ?? 0) + policy.actionBudgetSeconds;
  return new Date(input.now.getTime() + seconds * 1000).toISOString();
}
