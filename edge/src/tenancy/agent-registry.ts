/**
 * Agent presence in D1, written by the site's hub on connect and disconnect only (never per frame).
 * The connection id makes a late close of an old socket harmless to a newer connection.
 */
/** Called once the agent said hello, so a socket that never did (doctor's probe) changes nothing. */
export async function markConnected(
  db: D1Database,
  input: { agentId: string; connectionId: string; now: number },
  version: string,
): Promise<void> {
  await db
    .prepare(
      "UPDATE agents SET connected = 1, connection_id = ?2, last_seen_at = ?3, version = ?4 WHERE id = ?1",
    )
    .bind(input.agentId, input.connectionId, input.now, version)
    .run();
}

export async function markDisconnected(
  db: D1Database,
  input: { agentId: string; connectionId: string; now: number },
): Promise<void> {
  await db
    .prepare("UPDATE agents SET connected = 0, last_seen_at = ?3 WHERE id = ?1 AND connection_id = ?2")
    .bind(input.agentId, input.connectionId, input.now)
    .run();
}

/**
 * A connected agent's presence is refreshed this often (one D1 write per agent, not per frame), so a
 * row left "connected" by a hub that died without a close event goes stale instead of lying forever.
 */
export const PRESENCE_REFRESH_MS = 5 * 60_000;
const PRESENCE_STALE_MS = 2 * PRESENCE_REFRESH_MS + 60_000;

export async function refreshPresence(
  db: D1Database,
  input: { agentId: string; connectionId: string; now: number },
): Promise<void> {
  await db
    .prepare("UPDATE agents SET last_seen_at = ?3 WHERE id = ?1 AND connection_id = ?2 AND connected = 1")
    .bind(input.agentId, input.connectionId, input.now)
    .run();
}

/** Agents with an open socket to their hub (and a fresh presence), for /healthz. */
export async function countConnectedAgents(db: D1Database, now = Date.now()): Promise<number> {
  const row = await db
    .prepare(
      "SELECT count(*) AS n FROM agents WHERE connected = 1 AND revoked_at IS NULL AND last_seen_at > ?",
    )
    .bind(now - PRESENCE_STALE_MS)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
