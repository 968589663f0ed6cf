import { describe, expect, it } from "vitest";
import type { DomainEvent } from "./catalog.ts";
import { decodeEvent, encodeEvent } from "./catalog.ts";

const submittedV1 = {
  requestId: "r1",
  requester: { id: "u1", name: "Alice", email: "alice@acme.test" },
  projectId: "p1",
  name: "web-01",
  size: "L",
  justification: "needed for the load tests",
};

describe("event catalog", () => {
  it("upcasts a v1 VmRequestSubmitted by resolving its size to a spec", () => {
    const decoded = decodeEvent({ type: "VmRequestSubmitted", schemaVersion: 1, payload: submittedV1 });
    expect(decoded.ok && decoded.value.type === "VmRequestSubmitted" && decoded.value.data.spec).toEqual({
      cpu: 8,
      memoryGb: 16,
      diskGb: 200,
    });
  });

  it("round-trips an event through encode and decode", () => {
    const event: DomainEvent = { type: "VmRequestApproved", data: { requestId: "r1", jobId: "job-r1" } };
    const stored = encodeEvent(event);
    const decoded = decodeEvent({ ...stored, payload: JSON.parse(stored.payload) });
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it("reports an unknown event type as a value", () => {
    expect(decodeEvent({ type: "VmTeleported", schemaVersion: 1, payload: {} })).toEqual({
      ok: false,
      error: { code: "UNKNOWN_EVENT_TYPE", type: "VmTeleported" },
    });
  });

  it("reports a schema version newer than this code knows", () => {
    const decoded = decodeEvent({ type: "VmRequestApproved", schemaVersion: 9, payload: {} });
    expect(decoded.ok ? null : decoded.error.code).toBe("UNKNOWN_SCHEMA_VERSION");
  });

  it("reports a payload that does not match its schema, naming the field", () => {
    const decoded = decodeEvent({
      type: "VmRequestApproved",
      schemaVersion: 1,
      payload: { requestId: "r1" },
    });
    expect(decoded.ok ? [] : decoded.error).toMatchObject({ code: "INVALID_PAYLOAD" });
    expect(decoded.ok ? "" : JSON.stringify(decoded.error)).toContain("jobId");
  });
});
