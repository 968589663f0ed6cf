import { z } from "zod";

/** Newest first; pass the previous page's `nextCursor` to go back in time. */
export const ListAuditInput = z
  .object({
    cursor: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .strict()
  .prefault({});
export type ListAuditInput = z.input<typeof ListAuditInput>;

export type AuditAction =
  | "REQUEST_SUBMITTED"
  | "REQUEST_APPROVED"
  | "REQUEST_REJECTED"
  | "REQUEST_CANCELLED"
  | "PROVISIONING_STOPPED"
  | "LEFTOVER_CLEARED";

export interface AuditEntry {
  position: number;
  at: string;
  actor: { id: string; name: string | null };
  action: AuditAction;
  requestId: string;
  summary: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: number | null;
}
