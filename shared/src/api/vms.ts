import { z } from "zod";
import { pageInput } from "./paging.ts";
import type { RequestSummary } from "./requests.ts";

export const ListVmsInput = pageInput().strict().prefault({});
export type ListVmsInput = z.input<typeof ListVmsInput>;

/** A VM of the tenant: the request that asked for it, seen from the VM's side. */
export type VmListItem = RequestSummary & { vmStatus: "PROVISIONING" | "READY" | "FAILED" };

/**
 * A half-built VM that a failed provisioning could not remove: it sits in vCenter until someone deletes
 * it by hand, so admins see it until one of them clears it.
 */
export interface VmLeftover {
  requestId: string;
  /** the VM's name in vCenter */
  vmName: string;
  projectId: string;
  siteName: string;
  requester: { id: string; name: string };
  failedAt: string;
  failureCode: string;
  /** the agent's technical detail: the fault, the step, the VM's moref */
  detail: string;
}

export const ClearLeftoverInput = z
  .object({
    requestId: z.string().min(1).max(100),
    // blank says nothing: stored as no note
    note: z
      .string()
      .trim()
      .max(500)
      .nullable()
      .default(null)
      .transform((note) => (note === "" ? null : note)),
  })
  .strict();
export type ClearLeftoverInput = z.input<typeof ClearLeftoverInput>;
