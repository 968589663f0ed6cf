import { z } from "zod";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import { FailureReport, StageReport, SuccessReport } from "./job-report.ts";

const RequestRef = { requestId: z.string() };

/**
 * What the agent hub hands the RequestProgress object as frames arrive (Worker/DO RPC, not the wire):
 * a job's update for one request. Stage, succeeded and failed updates are already recorded as events in
 * D1 when published; percent updates are ephemeral and never persisted.
 */
export const ProgressUpdate = z.discriminatedUnion("kind", [
  StageReport.extend(RequestRef),
  z.object({
    kind: z.literal("percent"),
    ...RequestRef,
    stage: ProvisioningStage,
    percent: z.number().min(0).max(100),
    at: z.string().datetime(),
  }),
  SuccessReport.extend(RequestRef),
  FailureReport.extend(RequestRef),
]);
export type ProgressUpdate = z.infer<typeof ProgressUpdate>;
