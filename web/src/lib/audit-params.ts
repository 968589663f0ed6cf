import type { AuditFilter } from "@gantry/shared/api/audit";
import { AUDIT_ACTIONS } from "@gantry/shared/api/audit";
import { ActorKind } from "@gantry/shared/events/event-metadata";

/** The audit page's URL: its filters and the keyset cursor of the page shown. */
export interface AuditParams {
  filter: AuditFilter;
  cursor: number | undefined;
}

const actions = new Set<string>(AUDIT_ACTIONS);
const instant = (value: string | null): string | undefined => {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** Reads the filters from the address; anything malformed is left out rather than refused. */
export function readAuditParams(search: URLSearchParams): AuditParams {
  const filter: AuditFilter = {};
  const actorId = search.get("actor")?.trim();
  if (actorId) filter.actorId = actorId.slice(0, 255);
  const kind = ActorKind.safeParse(search.get("actorKind"));
  if (kind.success) filter.actorKind = kind.data;
  const action = search.get("action");
  if (action && actions.has(action)) filter.action = action as AuditFilter["action"];
  const projectId = search.get("project")?.trim();
  if (projectId) filter.projectId = projectId.slice(0, 255);
  const from = instant(search.get("from"));
  if (from) filter.from = from;
  const to = instant(search.get("to"));
  if (to && (!from || Date.parse(from) < Date.parse(to))) filter.to = to;
  const cursor = Number(search.get("cursor"));
  return { filter, cursor: Number.isSafeInteger(cursor) && cursor > 0 ? cursor : undefined };
}

/** The address's query for a filter (and a cursor): the page's link and the CSV export's. */
export function auditSearch(filter: AuditFilter, cursor?: number): string {
  const q = new URLSearchParams();
  if (filter.actorId) q.set("actor", filter.actorId);
  if (filter.actorKind) q.set("actorKind", filter.actorKind);
  if (filter.action) q.set("action", filter.action);
  if (filter.projectId) q.set("project", filter.projectId);
  if (filter.from) q.set("from", filter.from);
  if (filter.to) q.set("to", filter.to);
  if (cursor) q.set("cursor", String(cursor));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The CSV route's query: the edge's own filter names. */
export function exportHref(filter: AuditFilter): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) q.set(key, String(value));
  const text = q.toString();
  return `/exports/audit.csv${text ? `?${text}` : ""}`;
}

/** `datetime-local` shows local time without a zone; the filter holds an instant. */
export const toLocalInput = (iso: string | undefined): string => {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
export const fromLocalInput = (value: string): string | undefined =>
  value ? new Date(value).toISOString() : undefined;
