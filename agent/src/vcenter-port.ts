import type { InventoryReport, VmLiveStatus } from "@gantry/shared/jobs/inventory";
import type { CallError, VcenterTestReport } from "@gantry/shared/protocol/agent";
import type { Result } from "@gantry/shared/result";
import type { JobHandler } from "./jobs/handlers.ts";

/** Everything the agent does with its vCenter, behind one seam so main.ts can pick the real one or the test fake. */
export interface VcenterPort {
  provision: JobHandler;
  /** Reachable, login, and (given a path) template found: one named check each, with a hint on failure. */
  testConnection(options?: { templatePath?: string }): Promise<VcenterTestReport>;
  vmStatus(vmwareId: string, signal?: AbortSignal): Promise<Result<VmLiveStatus, CallError>>;
  inventory(signal?: AbortSignal): Promise<InventoryReport>;
  close(): Promise<void>;
}
