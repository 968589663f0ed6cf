import type { Role } from "@gantry/shared/api/session";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The D1 `sessions` table (migration 0010): every browser session, by the hash of its cookie. Only this
// module reads or writes it.

/** A session never outlives this, however often the IdP renews it. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** How a session began: the local dev login (no IdP to ask again), or an OIDC sign-in. */
export type SessionSource = "dev" | "oidc";

/** Why a session ended, as stored and logged. */
export type EndReason =
  | "logout"
  | "signed-out-everywhere"
  | "ended-by-admin"
  | "idp-refused"
  | "idp-grant-expired"
  | "role-changed";

export interface SessionIdentity {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
  name: string;
}

export interface SessionRecord extends SessionIdentity {
  idHash: string;
  source: SessionSource;
  createdAt: number;
  expiresAt: number;
  /** when to ask the IdP again; null: never (dev login) */
  revalidateAt: number | null;
  /** what the IdP granted: past it, only a successful renewal lets the session on; null for the dev login */
  idpExpiresAt: number | null;
  /** sealed (refresh-token-box.ts); null when the IdP gave none */
  refreshToken: string | null;
  renewingUntil: number | null;
  endedAt: number | null;
}

interface Row {
  id_hash: string;
  tenant_id: string;
  user_id: string;
  email: string;
  name: string;
  role: Role;
  source: SessionSource;
  created_at: number;
  expires_at: number;
  revalidate_at: number | null;
  idp_expires_at: number | null;
  refresh_token: string | null;
  renewing_until: number | null;
  ended_at: number | null;
}

const toRecord = (r: Row): SessionRecord => ({
  idHash: r.id_hash,
  tenantId: r.tenant_id,
  userId: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  source: r.source,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revalidateAt: r.revalidate_at,
  idpExpiresAt: r.idp_expires_at,
  refreshToken: r.refresh_token,
  renewingUntil: r.renewing_until,
  endedAt: r.ended_at,
});

export async function insertSession(db: SqlDatabase, s: Omit<SessionRecord, "renewingUntil" | "endedAt">) {
  await db
    .prepare(
      `INSERT INTO sessions (id_hash, tenant_id, user_id, email, name, role, source, created_at, expires_at,
         revalidate_at, idp_expires_at, refresh_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      s.idHash,
      s.tenantId,
      s.userId,
      s.email,
      s.name,
      s.role,
      s.source,
      s.createdAt,
      s.expiresAt,
      s.revalidateAt,
      s.idpExpiresAt,
      s.refreshToken,
    )
    .run();
}

export async function findSession(db: SqlDatabase, idHash: string): Promise<SessionRecord | null> {
  const row = await db.prepare("SELECT * FROM sessions WHERE id_hash = ?").bind(idHash).first<Row>();
  return row ? toRecord(row) : null;
}

/**
 * Takes the right to renew a live session until `until`: true for exactly one caller across isolates
 * (a refresh token used twice may end the whole grant at the IdP).
 */
export async function claimRenewal(
  db: SqlDatabase,
  input: { idHash: string; now: number; until: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE sessions SET renewing_until = ?3
       WHERE id_hash = ?1 AND ended_at IS NULL AND (renewing_until IS NULL OR renewing_until <= ?2)`,
    )
    .bind(input.idHash, input.now, input.until)
    .run();
  return result.meta.changes === 1;
}

/** What the IdP said on renewal; the renewal lease is released. */
export async function recordRenewal(
  db: SqlDatabase,
  input: SessionIdentity & {
    idHash: string;
    revalidateAt: number;
    idpExpiresAt: number;
    refreshToken: string | null;
  },
): Promise<void> {
  await db
    .prepare(
      `UPDATE sessions SET email = ?2, name = ?3, role = ?4, revalidate_at = ?5, idp_expires_at = ?6,
         refresh_token = COALESCE(?7, refresh_token), renewing_until = NULL
       WHERE id_hash = ?1 AND ended_at IS NULL`,
    )
    .bind(
      input.idHash,
      input.email,
      input.name,
      input.role,
      input.revalidateAt,
      input.idpExpiresAt,
      input.refreshToken,
    )
    .run();
}

/** Ends one session; false when it had already ended. */
export async function endSession(
  db: SqlDatabase,
  input: { idHash: string; now: number; reason: EndReason },
): Promise<boolean> {
  const result = await db
    .prepare(
      "UPDATE sessions SET ended_at = ?2, ended_reason = ?3, refresh_token = NULL WHERE id_hash = ?1 AND ended_at IS NULL",
    )
    .bind(input.idHash, input.now, input.reason)
    .run();
  return result.meta.changes === 1;
}

/** How many sessions of a person are live (not ended, not past their hard end). */
export async function countLiveSessions(
  db: SqlDatabase,
  input: { tenantId: string; userId: string; now: number },
): Promise<number> {
  const row = await db
    .prepare(
      "SELECT count(*) AS n FROM sessions WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL AND expires_at > ?",
    )
    .bind(input.tenantId, input.userId, input.now)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Ends every live session of a person in a tenant (for the batch of its audit event). */
export const endSessionsStatement = (
  db: SqlDatabase,
  input: { tenantId: string; userId: string; now: number; reason: EndReason },
) =>
  db
    .prepare(
      `UPDATE sessions SET ended_at = ?3, ended_reason = ?4, refresh_token = NULL
       WHERE tenant_id = ?1 AND user_id = ?2 AND ended_at IS NULL`,
    )
    .bind(input.tenantId, input.userId, input.now, input.reason);

/** A person with live sessions in a tenant, as the admin's list shows them. */
export interface SignedInPerson extends Omit<SessionIdentity, "tenantId"> {
  sessions: number;
  /** ms since epoch of the latest sign-in */
  lastSignInAt: number;
}

/** Who is signed in (sessions neither ended nor past their hard end), most recent sign-in first. */
export async function listSignedIn(
  db: SqlDatabase,
  input: { tenantId: string; now: number },
): Promise<SignedInPerson[]> {
  // the newest session's identity stands for the person (max() picks its row's other columns)
  const { results } = await db
    .prepare(
      `SELECT user_id, email, name, role, count(*) AS sessions, max(created_at) AS last_sign_in_at
       FROM sessions WHERE tenant_id = ? AND ended_at IS NULL AND expires_at > ?
       GROUP BY user_id ORDER BY last_sign_in_at DESC LIMIT 500`,
    )
    .bind(input.tenantId, input.now)
    .all<{
      user_id: string;
      email: string;
      name: string;
      role: Role;
      sessions: number;
      last_sign_in_at: number;
    }>();
  return results.map((r) => ({
    userId: r.user_id,
    email: r.email,
    name: r.name,
    role: r.role,
    sessions: r.sessions,
    lastSignInAt: r.last_sign_in_at,
  }));
}

/** Deletes sessions past their hard end before `before` (the minute sweep keeps a day for inspection). */
export async function deleteSessionsEndedBefore(db: SqlDatabase, before: number): Promise<number> {
  const result = await db.prepare("DELETE FROM sessions WHERE expires_at < ?").bind(before).run();
  return result.meta.changes;
}

/**
 * The identity a person's newest session (live or not) carries: the role the IdP last gave them, for a
 * person who is not in the `users` table (an OIDC sign-in). Null when they never signed in. Read on every
 * request of such a person's API token, so through the person's sessions (migration 0049), not all of them.
 */
export async function latestSessionIdentity(
  db: SqlDatabase,
  input: { tenantId: string; userId: string },
): Promise<Omit<SessionIdentity, "tenantId" | "userId"> | null> {
  return db
    .prepare(
      `SELECT email, name, role FROM sessions INDEXED BY sessions_by_user
       WHERE tenant_id = ? AND user_id = ? ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(input.tenantId, input.userId)
    .first<{ email: string; name: string; role: Role }>();
}
