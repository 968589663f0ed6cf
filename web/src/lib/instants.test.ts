import { describe, expect, it } from "vitest";
import { splitInstants } from "./instants.ts";

describe("splitInstants", () => {
  it("finds each ISO instant in a sentence and keeps the words around it", () => {
    expect(
      splitInstants("the VM will be deleted at 2026-12-07T07:25:53.000Z unless an admin rescues it"),
    ).toEqual([
      { text: "the VM will be deleted at " },
      { instant: "2026-12-07T07:25:53.000Z" },
      { text: " unless an admin rescues it" },
    ]);
    expect(splitInstants("to 2026-12-08T10:00Z: 2026-12-09T10:00:00Z")).toEqual([
      { text: "to " },
      { instant: "2026-12-08T10:00Z" },
      { text: ": " },
      { instant: "2026-12-09T10:00:00Z" },
    ]);
  });

  it("leaves words without an instant (or with an impossible one) as they are", () => {
    expect(splitInstants("soft enforcement: the VM keeps running")).toEqual([
      { text: "soft enforcement: the VM keeps running" },
    ]);
    expect(splitInstants("at 2026-13-45T99:99Z")).toEqual([{ text: "at 2026-13-45T99:99Z" }]);
    expect(splitInstants("")).toEqual([]);
  });
});
