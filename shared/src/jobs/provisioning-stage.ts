import { z } from "zod";

/** Stage transitions of a provisioning run, in order. Shared by edge, agent and web. */
export const PROVISIONING_STAGES = [
  "CLONING",
  "CONFIGURING",
  "POWERING_ON",
  "WAITING_FOR_NETWORK",
  "READY",
] as const;
export const ProvisioningStage = z.enum(PROVISIONING_STAGES);
export type ProvisioningStage = z.infer<typeof ProvisioningStage>;

export const stageIndex = (stage: ProvisioningStage): number => PROVISIONING_STAGES.indexOf(stage);
