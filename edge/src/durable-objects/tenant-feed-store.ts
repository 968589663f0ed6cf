import {
  parseFeedCursor,
  REQUEST_CHANGES_PROTOCOL_VERSION,
  RequestChange,
  type RequestChangeFrame,
} from "@gantry/shared/protocol/request-changes";
import { z } from "zod";

/** Changes kept for resuming subscribers: a few minutes of a busy tenant; older cursors get `sync`. */
export const FEED_BUFFER_CHANGES = 200;

const Meta = z.object({
  epoch: z.string(),
  last_seq: z.number().int().min(0),
  tenant_id: z.string().nullable(),
});
type Meta = z.infer<typeof Meta>;

const ChangeRow = z.object({
  seq: z.number().int(),
  request_id: z.string(),
  requester_id: z.string(),
  status: z.string(),
  version: z.number().int(),
  at: z.string(),
});

const newEpoch = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

const v = REQUEST_CHANGES_PROTOCOL_VERSION;

/**
 * The TenantFeed object's SQLite: the tenant it serves, its epoch and last seq, and a bounded replay
 * buffer of changes. Every method is synchronous (SQL calls only), so each runs as one implicit
 * transaction and no other event interleaves.
 */
export class TenantFeedStore {
  readonly #sql: SqlStorage;
  #meta: Meta | null = null;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Idempotent; a fresh (or wiped) object starts a new epoch, so old cursors get a `sync` frame. */
  #ensure(): Meta {
    if (this.#meta) return this.#meta;
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS feed_meta (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL, last_seq INTEGER NOT NULL, tenant_id TEXT)",
    );
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS feed_changes (seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL,
         requester_id TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL)`,
    );
    this.#sql.exec("CREATE INDEX IF NOT EXISTS feed_changes_request ON feed_changes (request_id, version)");
    this.#sql.exec("INSERT OR IGNORE INTO feed_meta (id, epoch, last_seq) VALUES (1, ?, 0)", newEpoch());
    const row = this.#sql.exec("SELECT epoch, last_seq, tenant_id FROM feed_meta WHERE id = 1").toArray()[0];
    this.#meta = Meta.parse(row);
    return this.#meta;
  }

  get lastSeq(): number {
    return this.#ensure().last_seq;
  }

  /** The first tenant the object sees is the only one it ever serves. */
  pinTenant(tenantId: string): boolean {
    const meta = this.#ensure();
    if (meta.tenant_id === null) {
      this.#sql.exec("UPDATE feed_meta SET tenant_id = ? WHERE id = 1", tenantId);
      this.#meta = { ...meta, tenant_id: tenantId };
      return true;
    }
    return meta.tenant_id === tenantId;
  }

  /**
   * Buffers a change and returns its frame; null when the buffer already has this or a newer version of
   * the request (a repeated notification, or one that arrived after a later one).
   */
  append(change: RequestChange): RequestChangeFrame | null {
    const meta = this.#ensure();
    const newest = this.#sql
      .exec<{ version: number | null }>(
        "SELECT max(version) AS version FROM feed_changes WHERE request_id = ?",
        change.requestId,
      )
      .toArray()[0]?.version;
    if (newest != null && newest >= change.version) return null;
    const seq = meta.last_seq + 1;
    this.#sql.exec(
      "INSERT INTO feed_changes (seq, request_id, requester_id, status, version, at) VALUES (?, ?, ?, ?, ?, ?)",
      seq,
      change.requestId,
      change.requesterId,
      change.status,
      change.version,
      change.at,
    );
    this.#sql.exec("UPDATE feed_meta SET last_seq = ? WHERE id = 1", seq);
    this.#sql.exec("DELETE FROM feed_changes WHERE seq <= ?", seq - FEED_BUFFER_CHANGES);
    this.#meta = { ...meta, last_seq: seq };
    return { v, epoch: meta.epoch, seq, type: "change", change };
  }

  /**
   * The first frames of a subscriber. A cursor of this epoch that the buffer still covers gets exactly
   * the changes after it that the viewer may see (possibly none); anything else — no cursor, another
   * epoch, a seq from the future or one the buffer no longer reaches — gets one `sync` frame.
   */
  framesFor(input: { after: string | null; viewerId: string; seesAll: boolean }): RequestChangeFrame[] {
    const meta = this.#ensure();
    const sync: RequestChangeFrame = { v, epoch: meta.epoch, seq: meta.last_seq, type: "sync" };
    const cursor = parseFeedCursor(input.after);
    if (!cursor || cursor.epoch !== meta.epoch || cursor.seq > meta.last_seq) return [sync];
    const oldest = this.#sql
      .exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM feed_changes")
      .toArray()[0]?.seq;
    if (oldest != null && cursor.seq < oldest - 1) return [sync];
    const rows = input.seesAll
      ? this.#sql.exec("SELECT * FROM feed_changes WHERE seq > ? ORDER BY seq", cursor.seq)
      : this.#sql.exec(
          "SELECT * FROM feed_changes WHERE seq > ? AND requester_id = ? ORDER BY seq",
          cursor.seq,
          input.viewerId,
        );
    const frames: RequestChangeFrame[] = [];
    for (const raw of rows.toArray()) {
      const row = ChangeRow.safeParse(raw);
      const change = row.success
        ? RequestChange.safeParse({
            requestId: row.data.request_id,
            requesterId: row.data.requester_id,
            status: row.data.status,
            version: row.data.version,
            at: row.data.at,
          })
        : null;
      // a row this code cannot read is a gap: start the subscriber over rather than skip it silently
      if (!row.success || !change?.success) return [sync];
      frames.push({ v, epoch: meta.epoch, seq: row.data.seq, type: "change", change: change.data });
    }
    return frames;
  }
}
