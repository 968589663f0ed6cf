// Storage of one AgentHub (DO SQLite): the schema of every table, and the counters and meta tables. Each
// other table has one owner: jobs → JobQueue, agents_seen → AgentRoster, inventory_parts and
// inventory_current → InventoryCache.
// Versioned by our own table because PRAGMA user_version is unavailable; each entry runs once, in order,
// inside blockConcurrencyWhile.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE jobs (
     job_id TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     site_id TEXT NOT NULL,
     request_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     spec TEXT NOT NULL,
     -- queued -> offered -> leased -> done; offered/leased fall back to queued on expiry
     state TEXT NOT NULL,
     agent_id TEXT,
     -- fencing token: incremented on every grant, carried by every later frame of the job
     epoch INTEGER NOT NULL DEFAULT 0,
     attempt INTEGER NOT NULL DEFAULT 0,
     last_seq INTEGER NOT NULL DEFAULT 0,
     offer_expires_at INTEGER,
     lease_expires_at INTEGER,
     declined_by TEXT,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     outcome TEXT,
     enqueued_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX jobs_state ON jobs (state, enqueued_at);
   CREATE INDEX jobs_agent ON jobs (agent_id, state);
   CREATE TABLE agents_seen (
     agent_id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     version TEXT,
     capacity INTEGER NOT NULL DEFAULT 0,
     draining INTEGER NOT NULL DEFAULT 0,
     connected_at INTEGER,
     last_seen_at INTEGER,
     revoked INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE inventory (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     report TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     received_at INTEGER NOT NULL
   );
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // stages applied so far (JSON array), so a re-run after a lost lease does not report them twice
  "ALTER TABLE jobs ADD COLUMN stages TEXT NOT NULL DEFAULT '[]'",
  // when this hub last wrote the agent's presence to D1 (refreshed every few minutes while connected)
  "ALTER TABLE agents_seen ADD COLUMN presence_at INTEGER",
  // 1 while a stopped job's CANCELLED outcome, which no agent will report, is not in the D1 log yet
  "ALTER TABLE jobs ADD COLUMN outcome_pending INTEGER NOT NULL DEFAULT 0",
  // connections refused because another one of the same agent was live (agent-roster.ts), and the alert
  `ALTER TABLE agents_seen ADD COLUMN refused_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE agents_seen ADD COLUMN refused_at INTEGER;
   ALTER TABLE agents_seen ADD COLUMN refused_from TEXT;
   ALTER TABLE agents_seen ADD COLUMN alert_at INTEGER;`,
  // every job has a deadline: its first grant starts the hub's clock on it (AGENT_JOB_MAX_DURATION_MS);
  // a stop (an admin's, or the deadline's) says why, and by when its agent must have answered
  `ALTER TABLE jobs ADD COLUMN first_granted_at INTEGER;
   ALTER TABLE jobs ADD COLUMN stop_reason TEXT;
   ALTER TABLE jobs ADD COLUMN stop_deadline INTEGER;`,
  // the inventory travels in parts (protocol 2): each report's parts are kept apart until all of them
  // arrived, then the report becomes current by hub time; a protocol-1 report is a report of one part
  `CREATE TABLE inventory_parts (
     report_id TEXT NOT NULL,
     idx INTEGER NOT NULL,
     total INTEGER NOT NULL,
     agent_id TEXT NOT NULL,
     body TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (report_id, idx)
   );
   CREATE INDEX inventory_parts_agent ON inventory_parts (agent_id, report_id);
   CREATE TABLE inventory_current (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     report_id TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     received_at INTEGER NOT NULL
   );
   INSERT INTO inventory_parts (report_id, idx, total, agent_id, body, received_at)
     SELECT 'migrated', 0, 1, agent_id, report, received_at FROM inventory WHERE id = 1;
   INSERT INTO inventory_current (id, report_id, agent_id, received_at)
     SELECT 1, 'migrated', agent_id, received_at FROM inventory WHERE id = 1;
   DROP TABLE inventory;`,
  // stopped jobs whose outcome is still to be written: every dispatch asks, and the jobs table keeps
  // every job the site ever ran, so the few pending ones are found through this partial index
  "CREATE INDEX jobs_outcome_pending ON jobs (job_id) WHERE outcome_pending = 1",
  // a provisioning job's stages after the first (JSON array of shared ReachedStage), held here while it
  // runs instead of a D1 event each: its outcome carries them into the log
  "ALTER TABLE jobs ADD COLUMN stages_reached TEXT NOT NULL DEFAULT '[]'",
];

export function migrateHubStorage(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
  const done = sql.exec<{ v: number | null }>("SELECT max(version) AS v FROM schema_migrations").one().v ?? 0;
  MIGRATIONS.forEach((statement, i) => {
    const version = i + 1;
    if (version <= done) return;
    sql.exec(statement);
    sql.exec("INSERT INTO schema_migrations (version) VALUES (?)", version);
  });
}

export const bumpCounter = (sql: SqlStorage, name: string, by = 1) =>
  sql.exec(
    "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = value + ?2",
    name,
    by,
  );

export const readMeta = (sql: SqlStorage, key: string): string | null =>
  sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;

export const writeMeta = (sql: SqlStorage, key: string, value: string) =>
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
    key,
    value,
  );

export const readCounters = (sql: SqlStorage): Record<string, number> =>
  Object.fromEntries(
    sql
      .exec<{ name: string; value: number }>("SELECT name, value FROM counters")
      .toArray()
      .map((c) => [c.name, c.value]),
  );
