import { describe, expect, it } from "vitest";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { makeNameCheck, type NameCheck, type NameKey } from "./make-name-check.ts";

function setup(answer: (key: NameKey) => Promise<{ available: boolean }>) {
  const timers = fakeTimers();
  const results: Array<[string, NameCheck]> = [];
  const asked: string[] = [];
  const check = makeNameCheck({
    ask: (key) => {
      asked.push(key.name);
      return answer(key);
    },
    delayMs: 300,
    setTimer: timers.setTimer,
    onResult: (key, result) => results.push([key.name, result]),
  });
  return { timers, results, asked, check };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("makeNameCheck", () => {
  it("asks once the typing pauses, for the last name typed only", async () => {
    const { timers, results, asked, check } = setup(async (k) => ({ available: k.name !== "web-01" }));
    check.check({ projectId: "p", name: "web-0" });
    check.check({ projectId: "p", name: "web-01" });
    expect(timers.timers.filter((t) => !t.cleared)).toHaveLength(1);
    timers.runNext();
    await settle();
    expect(asked).toEqual(["web-01"]);
    expect(results.at(-1)).toEqual(["web-01", "taken"]);
  });

  it("drops an answer about a name the person has typed past", async () => {
    let release: (value: { available: boolean }) => void = () => {};
    const { timers, results, check } = setup(() => new Promise((resolve) => (release = resolve)));
    check.check({ projectId: "p", name: "old-name" });
    timers.runNext();
    check.check({ projectId: "p", name: "new-name" });
    release({ available: true });
    await settle();
    expect(results).toEqual([
      ["old-name", "checking"],
      ["new-name", "checking"],
    ]);
  });

  it("reads a failed ask as unknown, and stops on null or close", async () => {
    const { timers, results, check } = setup(() => Promise.reject(new Error("offline")));
    check.check({ projectId: "p", name: "db-01" });
    timers.runNext();
    await settle();
    expect(results.at(-1)).toEqual(["db-01", "unknown"]);
    check.check({ projectId: "p", name: "db-02" });
    check.check(null);
    expect(timers.timers.every((t) => t.cleared)).toBe(true);
    check.check({ projectId: "p", name: "db-03" });
    check.close();
    expect(timers.timers.every((t) => t.cleared)).toBe(true);
  });
});
