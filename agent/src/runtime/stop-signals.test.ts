import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { StopSignals } from "./stop-signals.ts";

function harness() {
  const source = new EventEmitter();
  const steps: string[] = [];
  const signals = new StopSignals(
    {
      graceful: (signal) => steps.push(`graceful ${signal}`),
      now: (signal) => steps.push(`now ${signal}`),
      exit: () => steps.push("exit"),
    },
    source,
  );
  return { source, steps, signals };
}

describe("StopSignals", () => {
  it("escalates from graceful to now to exit, counting SIGTERM and SIGINT alike", () => {
    const h = harness();
    h.signals.listen();
    h.source.emit("SIGTERM", "SIGTERM");
    expect(h.steps).toEqual(["graceful SIGTERM"]);
    h.source.emit("SIGINT", "SIGINT");
    h.source.emit("SIGTERM", "SIGTERM");
    expect(h.steps).toEqual(["graceful SIGTERM", "now SIGINT", "exit"]);
  });

  it("hears nothing before listen and after close", () => {
    const h = harness();
    h.source.emit("SIGTERM", "SIGTERM");
    h.signals.listen();
    h.signals.close();
    h.source.emit("SIGTERM", "SIGTERM");
    expect(h.steps).toEqual([]);
    expect(h.source.listenerCount("SIGTERM") + h.source.listenerCount("SIGINT")).toBe(0);
  });
});
