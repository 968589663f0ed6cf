import type { SessionRecord } from "./sessions.ts";

/**
 * Session rows this isolate read in the last few seconds, so a page that fires a burst of requests costs
 * one D1 read, not one per request. The price is bounded: an end or renewal made by another isolate is
 * seen here at most TTL_MS later; one made by this isolate is seen at once (it forgets the row).
 */
export const SESSION_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 1_000;

const entries = new Map<string, { record: SessionRecord; readAt: number }>();

export function cachedSession(idHash: string, now: number): SessionRecord | null {
  const hit = entries.get(idHash);
  if (!hit) return null;
  if (now - hit.readAt < SESSION_CACHE_TTL_MS) return hit.record;
  entries.delete(idHash);
  return null;
}

export function cacheSession(record: SessionRecord, now: number): void {
  // a Map iterates in insertion order: the oldest entry goes first
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  entries.set(record.idHash, { record, readAt: now });
}

export function forgetSession(idHash: string): void {
  entries.delete(idHash);
}

/** After a person's sessions were ended here (sign out everywhere, an admin's word). */
export function forgetSessionsOf(input: { tenantId: string; userId: string }): void {
  for (const [idHash, { record }] of entries) {
    if (record.tenantId === input.tenantId && record.userId === input.userId) entries.delete(idHash);
  }
}
