import type { z } from "zod";
import { pageInput } from "./paging.ts";
import type { RequestSummary } from "./requests.ts";

export const ListVmsInput = pageInput(25).strict().prefault({});
export type ListVmsInput = z.input<typeof ListVmsInput>;

/** A VM of the tenant: the request that asked for it, seen from the VM's side. */
export type VmListItem = RequestSummary & { vmStatus: "PROVISIONING" | "READY" | "FAILED" };
