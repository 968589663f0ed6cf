import { describe, expect, it } from "vitest";
import { listSearch, readListParams } from "./list-params.ts";

describe("readListParams", () => {
  it("reads page, size and status", () => {
    expect(readListParams(new URLSearchParams("page=3&size=10&status=READY"))).toEqual({
      page: 3,
      pageSize: 10,
      status: "READY",
    });
  });

  it("falls back to the one default page size, page 1 and no status for odd values", () => {
    expect(readListParams(new URLSearchParams("page=-2&size=13&status=nope"))).toEqual({
      page: 1,
      pageSize: 25,
      status: null,
    });
  });
});

describe("listSearch", () => {
  it("leaves defaults out", () => {
    expect(listSearch({ page: 1, pageSize: 25, status: null })).toBe("");
    expect(listSearch({ page: 2, pageSize: 50, status: "PENDING" })).toBe("?status=PENDING&size=50&page=2");
  });

  it("puts a list's own filters first, leaving empty ones out", () => {
    expect(listSearch({ page: 2, pageSize: 25, status: null }, { project: "proj-web", other: null })).toBe(
      "?project=proj-web&page=2",
    );
  });
});
