-- The append-only event log. The only writer is edge/src/event-store/append-to-stream.ts.
--
-- Row economy (D1 bills and benchmarks rows written, index entries included): each event costs two
-- writes, the row and its UNIQUE(stream_id, version) entry. There is deliberately no UNIQUE(event_id):
-- an idempotent retry collides on (stream_id, version) and the writer then compares event ids.
-- `position` is the rowid, so global order costs nothing; rowids are never reused because events are
-- never deleted (the triggers below refuse it), so AUTOINCREMENT is not needed.
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
  tenant_id TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  occurred_at TEXT NOT NULL,
  UNIQUE (stream_id, version)
);

-- Optimistic concurrency without interactive transactions: a version that is not exactly the stream's
-- next one (stale or skipping ahead) aborts the whole batch, projections and outbox rows included.
-- Trigger bodies stay one statement each (remote D1 has mis-split multi-statement bodies).
CREATE TRIGGER events_expected_version
BEFORE INSERT ON events
WHEN NEW.version <> (SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE stream_id = NEW.stream_id)
BEGIN
  SELECT RAISE(ABORT, 'gantry:expected_version_mismatch');
END;

CREATE TRIGGER events_refuse_update
BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'gantry:events_are_append_only');
END;

CREATE TRIGGER events_refuse_delete
BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'gantry:events_are_append_only');
END;
