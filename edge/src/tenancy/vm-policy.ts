import { DEFAULT_GUEST_TIMEOUT_S, DEFAULT_SNAPSHOT_CAP } from "@gantry/shared/domain/vm-actions";
import { z } from "zod";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { tenantSnapshotCap } from "./tenants.ts";

/** How a tenant's VMs may be acted on; from the deployment's vars and the tenant's own settings. */
export interface VmPolicy {
  /** snapshots a VM may hold */
  snapshotCap: number;
  /** what shutdown and restart wait before falling back, unless the command says otherwise */
  guestTimeoutSeconds: number;
  /** how long an action may take beyond its guest timeout before the edge gives up (TIMED_OUT) */
  actionBudgetSeconds: number;
}

/** The deployment's optional vars (wrangler.toml [vars] or secrets); bad values fall back to defaults. */
const VmVars = z.object({
  VM_SNAPSHOT_CAP: z.coerce
    .number()
    .int()
    .min(0)
    .max(32)
    .catch(DEFAULT_SNAPSHOT_CAP)
    .default(DEFAULT_SNAPSHOT_CAP),
  VM_GUEST_TIMEOUT_S: z.coerce
    .number()
    .int()
    .min(10)
    .max(900)
    .catch(DEFAULT_GUEST_TIMEOUT_S)
    .default(DEFAULT_GUEST_TIMEOUT_S),
  VM_ACTION_BUDGET_S: z.coerce.number().int().min(60).max(86_400).catch(600).default(600),
});

/** The policy for a tenant: its own snapshot cap if it set one, else the deployment's, else 3. */
export async function vmPolicyFor(env: object, db: SqlDatabase, tenantId: string): Promise<VmPolicy> {
  const vars = VmVars.parse(env);
  const cap = await tenantSnapshotCap(db, tenantId);
  return {
    snapshotCap: cap ?? vars.VM_SNAPSHOT_CAP,
    guestTimeoutSeconds: vars.VM_GUEST_TIMEOUT_S,
    actionBudgetSeconds: vars.VM_ACTION_BUDGET_S,
  };
}

/** The deployment's budget for an action (the lease scheduler's enforcement actions wait at least this long). */
export const actionBudgetSeconds = (env: object): number => VmVars.parse(env).VM_ACTION_BUDGET_S;
