import { describe, expect, it } from "vitest";
import { listSearch, readListParams } from "./list-params.ts";

describe("readListParams", () => {
  it("reads page, size and status", () => {
    expect(readListParams(new URLSearchParams("page=3&size=25&status=READY"), 10)).toEqual({
      page: 3,
      pageSize: 25,
      status: "READY",
    });
  });

  it("falls back to defaults for odd values", () => {
    expect(readListParams(new URLSearchParams("page=-2&size=13&status=nope"), 25)).toEqual({
      page: 1,
      pageSize: 25,
      status: null,
    });
  });
});

describe("listSearch", () => {
  it("leaves defaults out", () => {
    expect(listSearch({ page: 1, pageSize: 10, status: null }, 10)).toBe("");
    expect(listSearch({ page: 2, pageSize: 50, status: "PENDING" }, 10)).toBe(
      "?status=PENDING&size=50&page=2",
    );
  });
});
