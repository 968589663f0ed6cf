import { z } from "zod";
import { ProvisionedVm, ProvisioningFailure } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";

/**
 * What the agent hub hands the RequestProgress object as frames arrive (Worker/DO RPC, not the wire).
 * Stage, succeeded and failed updates are already recorded as events in D1 when published;
 * percent updates are ephemeral and never persisted.
 */
export const ProgressUpdate = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("stage"),
    requestId: z.string(),
    stage: ProvisioningStage,
    at: z.string().datetime(),
  }),
  z.object({
    kind: z.literal("percent"),
    requestId: z.string(),
    stage: ProvisioningStage,
    percent: z.number().min(0).max(100),
    at: z.string().datetime(),
  }),
  z.object({
    kind: z.literal("succeeded"),
    requestId: z.string(),
    vm: ProvisionedVm,
    at: z.string().datetime(),
  }),
  z.object({
    kind: z.literal("failed"),
    requestId: z.string(),
    failure: ProvisioningFailure,
    at: z.string().datetime(),
  }),
]);
export type ProgressUpdate = z.infer<typeof ProgressUpdate>;
