import { decodeEvent } from "@gantry/shared/events/catalog";
import { EventMetadata } from "@gantry/shared/events/event-metadata";
import { logEvent } from "../log.ts";
import { EventDecodeError } from "./event-store-errors.ts";
import type { StoredEvent } from "./stored-event.ts";

export interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  payload: string;
  metadata: string;
  occurred_at: string;
}

export const EVENT_COLUMNS =
  "position, stream_id, version, event_id, type, schema_version, payload, metadata, occurred_at";

/**
 * Parses a row with the shared schemas, upcasting older payloads. Returns null for an event type or
 * schema version this code does not know yet (written by a newer deploy): readers skip those.
 * @throws EventDecodeError when a known event no longer matches its schema
 */
export function decodeRow(row: EventRow): StoredEvent | null {
  const decoded = decodeEvent({
    type: row.type,
    schemaVersion: row.schema_version,
    payload: JSON.parse(row.payload),
  });
  if (!decoded.ok) {
    if (decoded.error.code !== "INVALID_PAYLOAD") {
      logEvent("warn", "skipping event unknown to this deploy", { position: row.position, ...decoded.error });
      return null;
    }
    throw new EventDecodeError(
      `event ${row.position} (${row.type}) does not parse: ${decoded.error.issues.join("; ")}`,
    );
  }
  const metadata = EventMetadata.safeParse(JSON.parse(row.metadata));
  if (!metadata.success) throw new EventDecodeError(`event ${row.position} has invalid metadata`);
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    event: decoded.value,
    metadata: metadata.data,
    occurredAt: row.occurred_at,
  };
}
