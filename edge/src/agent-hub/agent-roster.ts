/** An agent of the site as the hub last heard from it. */
export interface RosterAgent {
  agentId: string;
  name: string;
  version: string | null;
  /** jobs it said it can run at once (hello, then every renewal) */
  capacity: number;
  /** shutting down: finishes what it runs, takes nothing new */
  draining: boolean;
  /** ms since epoch */
  lastSeenAt: number | null;
  /** the last alert about two live connections of this agent, if any */
  duplicateAlert: DuplicateAlert | null;
}

/** Two connections of one agent credential were live at once (agent-frames.ts says when that is). */
export interface DuplicateAlert {
  /** ms since epoch: when the alert was raised */
  alertAt: number;
  /** the last refused connection: when, and from where */
  refusedAt: number;
  refusedFrom: string;
}

/** Refused connections not yet alerted on: raised once the live connection proves itself again. */
export interface PendingRefusals {
  count: number;
  refusedAt: number;
  refusedFrom: string;
  /** when the last alert was raised, to space them out */
  lastAlertAt: number | null;
}

// the `agents_seen` table (hub-storage.ts): its rows never leave this file
type SeenRow = {
  agent_id: string;
  name: string;
  version: string | null;
  capacity: number;
  draining: number;
  connected_at: number | null;
  last_seen_at: number | null;
  revoked: number;
  presence_at: number | null;
  refused_count: number;
  refused_at: number | null;
  refused_from: string | null;
  alert_at: number | null;
};

const toAgent = (row: SeenRow): RosterAgent => ({
  agentId: row.agent_id,
  name: row.name,
  version: row.version,
  capacity: row.capacity,
  draining: row.draining === 1,
  lastSeenAt: row.last_seen_at,
  duplicateAlert:
    row.alert_at !== null && row.refused_at !== null
      ? { alertAt: row.alert_at, refusedAt: row.refused_at, refusedFrom: row.refused_from ?? "unknown" }
      : null,
});

/**
 * The agents a site's hub has seen, in its SQLite: capacity and draining as each last said, when it was
 * last heard from, whether it is revoked, and when its presence was last written to D1. The durable
 * facts behind the sockets, which come and go. Synchronous, like every SQL call of the hub.
 */
export class AgentRoster {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** A hello: the agent (re)joins with what it says about itself. */
  welcome(input: {
    agentId: string;
    name: string;
    version: string;
    capacity: number;
    draining: boolean;
    now: number;
  }): void {
    this.#sql.exec(
      `INSERT INTO agents_seen (agent_id, name, version, capacity, draining, connected_at, last_seen_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
       ON CONFLICT (agent_id) DO UPDATE SET name = ?2, version = ?3, capacity = ?4, draining = ?5,
         connected_at = ?6, last_seen_at = ?6`,
      input.agentId,
      input.name,
      input.version,
      input.capacity,
      input.draining ? 1 : 0,
      input.now,
    );
  }

  /** A renewal is also the agent's heartbeat, restating its capacity. */
  heartbeat(input: { agentId: string; capacity: number; draining: boolean; now: number }): void {
    this.#sql.exec(
      "UPDATE agents_seen SET capacity = ?2, draining = ?3, last_seen_at = ?4 WHERE agent_id = ?1",
      input.agentId,
      input.capacity,
      input.draining ? 1 : 0,
      input.now,
    );
  }

  /** The agent's last socket closed. */
  lastSeen(agentId: string, now: number): void {
    this.#sql.exec("UPDATE agents_seen SET last_seen_at = ?2 WHERE agent_id = ?1", agentId, now);
  }

  /** Refused from now on, even before it ever connected to this hub. */
  revoke(agentId: string): void {
    this.#sql.exec(
      `INSERT INTO agents_seen (agent_id, name, revoked) VALUES (?1, ?1, 1)
       ON CONFLICT (agent_id) DO UPDATE SET revoked = 1`,
      agentId,
    );
  }

  /** When the agent was last heard from: its hello or its latest renewal (null: never). */
  lastHeard(agentId: string): number | null {
    const row = this.#sql
      .exec<Pick<SeenRow, "last_seen_at">>("SELECT last_seen_at FROM agents_seen WHERE agent_id = ?", agentId)
      .toArray()[0];
    return row?.last_seen_at ?? null;
  }

  /** A connection of the agent was refused because another one was live. */
  refusedConnection(agentId: string, input: { at: number; from: string }): void {
    this.#sql.exec(
      `UPDATE agents_seen SET refused_count = refused_count + 1, refused_at = ?2, refused_from = ?3
       WHERE agent_id = ?1`,
      agentId,
      input.at,
      input.from.slice(0, 64),
    );
  }

  /** Refusals since the last alert, or null when there are none. */
  pendingRefusals(agentId: string): PendingRefusals | null {
    const row = this.#sql
      .exec<Pick<SeenRow, "refused_count" | "refused_at" | "refused_from" | "alert_at">>(
        "SELECT refused_count, refused_at, refused_from, alert_at FROM agents_seen WHERE agent_id = ?",
        agentId,
      )
      .toArray()[0];
    if (!row || row.refused_count === 0 || row.refused_at === null) return null;
    return {
      count: row.refused_count,
      refusedAt: row.refused_at,
      refusedFrom: row.refused_from ?? "unknown",
      lastAlertAt: row.alert_at,
    };
  }

  /** The refusals were alerted on (the count starts again; when and from where stay for the page). */
  alerted(agentId: string, now: number): void {
    this.#sql.exec(
      "UPDATE agents_seen SET refused_count = 0, alert_at = ?2 WHERE agent_id = ?1",
      agentId,
      now,
    );
  }

  /** The refusals were the agent's own restart, not a second copy: nothing to alert on. */
  forgetRefusals(agentId: string): void {
    this.#sql.exec("UPDATE agents_seen SET refused_count = 0 WHERE agent_id = ?1", agentId);
  }

  isRevoked(agentId: string): boolean {
    const row = this.#sql
      .exec<Pick<SeenRow, "revoked">>("SELECT revoked FROM agents_seen WHERE agent_id = ?", agentId)
      .toArray()[0];
    return row?.revoked === 1;
  }

  /** Whether the agent's D1 presence was written less than `freshMs` ago. */
  presenceFresh(agentId: string, input: { now: number; freshMs: number }): boolean {
    const row = this.#sql
      .exec<Pick<SeenRow, "presence_at">>("SELECT presence_at FROM agents_seen WHERE agent_id = ?", agentId)
      .toArray()[0];
    return Boolean(row?.presence_at && input.now - row.presence_at < input.freshMs);
  }

  /** Notes that the agent's presence is being written to D1 now. */
  presenceWritten(agentId: string, now: number): void {
    this.#sql.exec("UPDATE agents_seen SET presence_at = ?2 WHERE agent_id = ?1", agentId, now);
  }

  /** Every agent ever seen, revoked ones included, by id: what dispatch weighs connected sockets with. */
  byId(): Map<string, RosterAgent> {
    const rows = this.#sql.exec<SeenRow>("SELECT * FROM agents_seen").toArray();
    return new Map(rows.map((r) => [r.agent_id, toAgent(r)]));
  }

  /** The agents not revoked, by name: what the agents page lists. */
  listed(): RosterAgent[] {
    return this.#sql
      .exec<SeenRow>("SELECT * FROM agents_seen WHERE revoked = 0 ORDER BY name")
      .toArray()
      .map(toAgent);
  }
}
