import { describe, expect, it } from "vitest";
import { auditSearch, exportHref, readAuditParams } from "./audit-params.ts";

describe("audit page params", () => {
  it("round-trip a filter and cursor through the address", () => {
    const filter = {
      actorId: "user-alice",
      actorKind: "token" as const,
      action: "REQUEST_SUBMITTED" as const,
      projectId: "proj-web",
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-02T00:00:00.000Z",
    };
    const search = new URLSearchParams(auditSearch(filter, 42).slice(1));
    expect(readAuditParams(search)).toEqual({ filter, cursor: 42 });
  });

  it("leave out what is malformed instead of failing the page", () => {
    const search = new URLSearchParams("actorKind=root&action=DROP&from=soon&to=2020-01-01&cursor=-3");
    expect(readAuditParams(search)).toEqual({
      filter: { to: "2020-01-01T00:00:00.000Z" },
      cursor: undefined,
    });
    // a range that ends before it starts keeps its start only
    const backwards = new URLSearchParams("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z");
    expect(readAuditParams(backwards).filter).toEqual({ from: "2026-03-02T00:00:00.000Z" });
  });

  it("link the CSV export with the edge's filter names", () => {
    expect(exportHref({})).toBe("/exports/audit.csv");
    expect(exportHref({ actorId: "a b", action: "REQUEST_APPROVED" })).toBe(
      "/exports/audit.csv?actorId=a+b&action=REQUEST_APPROVED",
    );
  });
});
