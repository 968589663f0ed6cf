import type { ApiToken, TokenScope } from "@gantry/shared/api/tokens";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The D1 `api_tokens` table (migration 0023): personal API tokens by the SHA-256 of their secret. Only
// this module reads or writes it.

/** A use records "last used" at most this often per token, so a busy script costs no write per call. */
export const LAST_USED_GRANULARITY_MS = 60_000;

export interface ApiTokenRecord {
  tokenId: string;
  tenantId: string;
  ownerId: string;
  ownerName: string;
  name: string;
  scopes: TokenScope[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface Row {
  id: string;
  tenant_id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const COLUMNS =
  "id, tenant_id, owner_id, owner_name, name, scopes, created_at, expires_at, last_used_at, revoked_at";

const toRecord = (r: Row): ApiTokenRecord => ({
  tokenId: r.id,
  tenantId: r.tenant_id,
  ownerId: r.owner_id,
  ownerName: r.owner_name,
  name: r.name,
  scopes: JSON.parse(r.scopes) as TokenScope[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The list's view of a token: never its hash. */
export const toApiToken = (r: ApiTokenRecord): ApiToken => ({
  tokenId: r.tokenId,
  name: r.name,
  scopes: r.scopes,
  owner: { id: r.ownerId, name: r.ownerName },
  createdAt: new Date(r.createdAt).toISOString(),
  expiresAt: new Date(r.expiresAt).toISOString(),
  lastUsedAt: iso(r.lastUsedAt),
  revokedAt: iso(r.revokedAt),
});

/** Inserts a token (for the batch of its `ApiTokenCreated` event). */
export const insertApiTokenStatement = (
  db: SqlDatabase,
  t: Omit<ApiTokenRecord, "lastUsedAt" | "revokedAt"> & { secretHash: string },
) =>
  db
    .prepare(
      `INSERT INTO api_tokens (id, tenant_id, owner_id, owner_name, name, scopes, secret_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      t.tokenId,
      t.tenantId,
      t.ownerId,
      t.ownerName,
      t.name,
      JSON.stringify(t.scopes),
      t.secretHash,
      t.createdAt,
      t.expiresAt,
    );

/** The token a secret's hash names, whatever its state (the caller decides what revoked or expired means). */
export async function findApiTokenByHash(
  db: SqlDatabase,
  secretHash: string,
): Promise<ApiTokenRecord | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE secret_hash = ?`)
    .bind(secretHash)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** One token of a tenant; another tenant's id answers like a missing one. */
export async function findApiToken(
  db: SqlDatabase,
  input: { tenantId: string; tokenId: string },
): Promise<ApiTokenRecord | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE tenant_id = ? AND id = ?`)
    .bind(input.tenantId, input.tokenId)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** A person's tokens (or, without `ownerId`, the whole tenant's), newest first. */
export async function listApiTokens(
  db: SqlDatabase,
  input: { tenantId: string; ownerId?: string },
): Promise<ApiTokenRecord[]> {
  const owner = input.ownerId === undefined ? "" : " AND owner_id = ?";
  const binds = input.ownerId === undefined ? [input.tenantId] : [input.tenantId, input.ownerId];
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM api_tokens WHERE tenant_id = ?${owner} ORDER BY created_at DESC LIMIT 500`,
    )
    .bind(...binds)
    .all<Row>();
  return results.map(toRecord);
}

/** Revokes a live token (for the batch of its `ApiTokenRevoked` event); a revoked one stays as it was. */
export const revokeApiTokenStatement = (
  db: SqlDatabase,
  input: { tenantId: string; tokenId: string; now: number; by: string },
) =>
  db
    .prepare(
      "UPDATE api_tokens SET revoked_at = ?3, revoked_by = ?4 WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL",
    )
    .bind(input.tenantId, input.tokenId, input.now, input.by);

/**
 * Notes a use, at most once per {@link LAST_USED_GRANULARITY_MS} (the caller skips the call when the row it
 * read is fresh; the condition keeps concurrent isolates from writing twice).
 */
export async function touchApiToken(db: SqlDatabase, input: { tokenId: string; now: number }): Promise<void> {
  await db
    .prepare(
      "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at <= ?3)",
    )
    .bind(input.tokenId, input.now, input.now - LAST_USED_GRANULARITY_MS)
    .run();
}

export const lastUseIsStale = (t: ApiTokenRecord, now: number): boolean =>
  t.lastUsedAt === null || t.lastUsedAt <= now - LAST_USED_GRANULARITY_MS;
