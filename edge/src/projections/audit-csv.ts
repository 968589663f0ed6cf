import type { AuditEntry } from "@gantry/shared/api/audit";

/** The audit export's columns, in order (the header row). */
export const AUDIT_CSV_HEADER = [
  "time",
  "actor_kind",
  "actor_id",
  "actor_name",
  "token_id",
  "action",
  "subject",
  "request_id",
  "summary",
] as const;

// a spreadsheet runs a cell that starts with one of these as a formula (CSV injection)
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: a value a spreadsheet would read as a formula gets a leading `'` (OWASP's advice), and
 * every cell is quoted with its quotes doubled (RFC 4180), so commas and line breaks stay inside it.
 */
export function csvCell(value: string | null): string {
  const text = value ?? "";
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export const csvRecord = (cells: readonly (string | null)[]): string => `${cells.map(csvCell).join(",")}\r\n`;

export const auditCsvRecord = (e: AuditEntry): string =>
  csvRecord([
    e.at,
    e.actor.kind,
    e.actor.id,
    e.actor.name,
    e.actor.tokenId,
    e.action,
    `${e.subject.kind}:${e.subject.id}`,
    e.requestId,
    e.summary,
  ]);
