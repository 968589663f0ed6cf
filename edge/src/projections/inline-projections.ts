import type { InlineProjection } from "../event-store/inline-projection.ts";
import { auditLogProjection } from "./audit-log-projection.ts";
import { requestApprovalsProjection } from "./request-approvals.ts";
import { requestSummaryProjection } from "./request-summary-projection.ts";
import { stageRunsProjection } from "./stage-runs-projection.ts";
import { vmNamesProjection } from "./vm-names.ts";

/** Every read model kept inside the append batch; the rebuild replays exactly this list. */
export const INLINE_PROJECTIONS: readonly InlineProjection[] = [
  requestSummaryProjection,
  auditLogProjection,
  stageRunsProjection,
  vmNamesProjection,
  requestApprovalsProjection,
];
