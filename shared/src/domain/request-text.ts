import { z } from "zod";

/** Free-text rules of a VM request, shared so the web form validates exactly like the server. */
export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 2000;
export const Justification = z
  .string()
  .trim()
  .min(JUSTIFICATION_MIN, `must be at least ${JUSTIFICATION_MIN} characters`)
  .max(JUSTIFICATION_MAX, `must be at most ${JUSTIFICATION_MAX} characters`);

export const CANCEL_REASON_MAX = 500;
export const CancelReason = z
  .string()
  .trim()
  .max(CANCEL_REASON_MAX, `must be at most ${CANCEL_REASON_MAX} characters`);

export const REJECT_REASON_MIN = 10;
export const REJECT_REASON_MAX = 500;
export const RejectReason = z
  .string()
  .trim()
  .min(REJECT_REASON_MIN, `must be at least ${REJECT_REASON_MIN} characters`)
  .max(REJECT_REASON_MAX, `must be at most ${REJECT_REASON_MAX} characters`);
