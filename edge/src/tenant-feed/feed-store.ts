import {
  CHANGE_FEED_PROTOCOL_VERSION,
  type ChangeFrame,
  parseFeedCursor,
  RequestChange,
  SiteChange,
  VmChange,
} from "@gantry/shared/protocol/change-feed";
import { z } from "zod";

/** Changes kept for resuming subscribers: a few minutes of a busy tenant; older cursors get `sync`. */
export const FEED_BUFFER_CHANGES = 200;

const Meta = z.object({
  epoch: z.string(),
  last_seq: z.number().int().min(0),
  tenant_id: z.string().nullable(),
});
type Meta = z.infer<typeof Meta>;

const EntryRow = z.discriminatedUnion("kind", [
  z.object({
    seq: z.number().int(),
    kind: z.literal("request"),
    request_id: z.string(),
    requester_id: z.string(),
    status: z.string(),
    version: z.number().int(),
    at: z.string(),
  }),
  z.object({ seq: z.number().int(), kind: z.literal("site"), site_id: z.string(), at: z.string() }),
  // a VM's change reuses the request columns: its id (the request's), its owner, status and stream version
  z.object({
    seq: z.number().int(),
    kind: z.literal("vm"),
    request_id: z.string(),
    requester_id: z.string(),
    status: z.string(),
    version: z.number().int(),
    at: z.string(),
  }),
]);
type EntryRow = z.infer<typeof EntryRow>;

const newEpoch = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

const v = CHANGE_FEED_PROTOCOL_VERSION;

/** The frame a stored entry replays as; null when this code cannot read it. */
function frameOf(epoch: string, raw: unknown): ChangeFrame | null {
  const row = EntryRow.safeParse(raw);
  if (!row.success) return null;
  const entry: EntryRow = row.data;
  if (entry.kind === "site") {
    const site = SiteChange.safeParse({ siteId: entry.site_id, at: entry.at });
    return site.success ? { v, epoch, seq: entry.seq, type: "site", site: site.data } : null;
  }
  if (entry.kind === "vm") {
    const vm = VmChange.safeParse({
      vmId: entry.request_id,
      ownerId: entry.requester_id,
      status: entry.status,
      version: entry.version,
      at: entry.at,
    });
    return vm.success ? { v, epoch, seq: entry.seq, type: "vm", vm: vm.data } : null;
  }
  const change = RequestChange.safeParse({
    requestId: entry.request_id,
    requesterId: entry.requester_id,
    status: entry.status,
    version: entry.version,
    at: entry.at,
  });
  return change.success ? { v, epoch, seq: entry.seq, type: "change", change: change.data } : null;
}

/**
 * The TenantFeed object's SQLite: the tenant it serves, its epoch and last seq, and a bounded replay
 * buffer of entries (request and VM changes for everyone allowed, site changes for admins). Every method is
 * synchronous (SQL calls only), so each runs as one implicit transaction and nothing interleaves.
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
      `CREATE TABLE IF NOT EXISTS feed_entries (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, request_id TEXT,
         requester_id TEXT, status TEXT, version INTEGER, site_id TEXT, at TEXT NOT NULL)`,
    );
    this.#sql.exec("CREATE INDEX IF NOT EXISTS feed_entries_request ON feed_entries (request_id, version)");
    this.#sql.exec("INSERT OR IGNORE INTO feed_meta (id, epoch, last_seq) VALUES (1, ?, 0)", newEpoch());
    const row = this.#sql.exec("SELECT epoch, last_seq, tenant_id FROM feed_meta WHERE id = 1").toArray()[0];
    this.#meta = Meta.parse(row);
    return this.#meta;
  }

  get epoch(): string {
    return this.#ensure().epoch;
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
   * Buffers a request change and returns its frame; null when the buffer already has this or a newer
   * version of the request (a repeated notification, or one that arrived after a later one).
   */
  appendChange(change: RequestChange): ChangeFrame | null {
    if (this.#hasVersion("request", change.requestId, change.version)) return null;
    const seq = this.#next();
    this.#sql.exec(
      "INSERT INTO feed_entries (seq, kind, request_id, requester_id, status, version, at) VALUES (?, 'request', ?, ?, ?, ?, ?)",
      seq,
      change.requestId,
      change.requesterId,
      change.status,
      change.version,
      change.at,
    );
    return { v, epoch: this.#ensure().epoch, seq, type: "change", change };
  }

  /** Buffers a VM change; null when the buffer already has this or a newer version of the VM. */
  appendVm(change: VmChange): ChangeFrame | null {
    if (this.#hasVersion("vm", change.vmId, change.version)) return null;
    const seq = this.#next();
    this.#sql.exec(
      "INSERT INTO feed_entries (seq, kind, request_id, requester_id, status, version, at) VALUES (?, 'vm', ?, ?, ?, ?, ?)",
      seq,
      change.vmId,
      change.ownerId,
      change.status,
      change.version,
      change.at,
    );
    return { v, epoch: this.#ensure().epoch, seq, type: "vm", vm: change };
  }

  // a request and its VM share an id but not a stream: versions compare within one kind only
  #hasVersion(kind: "request" | "vm", id: string, version: number): boolean {
    const newest = this.#sql
      .exec<{ version: number | null }>(
        "SELECT max(version) AS version FROM feed_entries WHERE request_id = ? AND kind = ?",
        id,
        kind,
      )
      .toArray()[0]?.version;
    return newest != null && newest >= version;
  }

  /** Buffers a site change (the hub already dropped ones that change nothing visible). */
  appendSite(site: SiteChange): ChangeFrame {
    const seq = this.#next();
    this.#sql.exec(
      "INSERT INTO feed_entries (seq, kind, site_id, at) VALUES (?, 'site', ?, ?)",
      seq,
      site.siteId,
      site.at,
    );
    return { v, epoch: this.#ensure().epoch, seq, type: "site", site };
  }

  /** Takes the next seq and drops what falls out of the buffer. */
  #next(): number {
    const meta = this.#ensure();
    const seq = meta.last_seq + 1;
    this.#sql.exec("UPDATE feed_meta SET last_seq = ? WHERE id = 1", seq);
    this.#sql.exec("DELETE FROM feed_entries WHERE seq <= ?", seq - FEED_BUFFER_CHANGES);
    this.#meta = { ...meta, last_seq: seq };
    return seq;
  }

  /**
   * The first frames of a subscriber. A cursor of this epoch that the buffer still covers gets exactly
   * the entries after it that the viewer may see (possibly none); anything else — no cursor, another
   * epoch, a seq from the future or one the buffer no longer reaches — gets one `sync` frame.
   */
  framesFor(input: { after: string | null; viewerId: string; seesAll: boolean }): ChangeFrame[] {
    const meta = this.#ensure();
    const sync: ChangeFrame = { v, epoch: meta.epoch, seq: meta.last_seq, type: "sync" };
    const cursor = parseFeedCursor(input.after);
    if (!cursor || cursor.epoch !== meta.epoch || cursor.seq > meta.last_seq) return [sync];
    const oldest = this.#sql
      .exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM feed_entries")
      .toArray()[0]?.seq;
    if (oldest != null && cursor.seq < oldest - 1) return [sync];
    const rows = input.seesAll
      ? this.#sql.exec("SELECT * FROM feed_entries WHERE seq > ? ORDER BY seq", cursor.seq)
      : this.#sql.exec(
          "SELECT * FROM feed_entries WHERE seq > ? AND kind IN ('request', 'vm') AND requester_id = ? ORDER BY seq",
          cursor.seq,
          input.viewerId,
        );
    const frames: ChangeFrame[] = [];
    for (const raw of rows.toArray()) {
      const frame = frameOf(meta.epoch, raw);
      // a row this code cannot read is a gap: start the subscriber over rather than skip it silently
      if (!frame) return [sync];
      frames.push(frame);
    }
    return frames;
  }
}
