import { describe, expect, it } from "vitest";
import { makeInputKeys, newIdempotencyKey } from "./idempotency-key.ts";

describe("newIdempotencyKey", () => {
  it("is fresh every time", () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});

describe("makeInputKeys", () => {
  it("gives the same input the same key and a changed input a new one", () => {
    const keyFor = makeInputKeys();
    const first = keyFor({ name: "web-01" });
    expect(keyFor({ name: "web-01" })).toBe(first);
    const second = keyFor({ name: "web-02" });
    expect(second).not.toBe(first);
    expect(keyFor({ name: "web-02" })).toBe(second);
  });

  it("keeps one key per form: two forms never share one", () => {
    expect(makeInputKeys()({ name: "web-01" })).not.toBe(makeInputKeys()({ name: "web-01" }));
  });
});
