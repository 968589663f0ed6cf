import type { VmFacts } from "@gantry/shared/domain/vm-facts";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import { describe, expect, it } from "vitest";
import type { MarkedVm } from "./drift-collector.ts";
import { DriftReporter } from "./drift-reporter.ts";

const facts = {
  name: "app-api01",
  powerState: "poweredOn" as const,
  cpu: 2,
  memoryMb: 4096,
  diskGb: 50,
  ipAddress: "10.0.0.1",
  hostname: "api01",
};
const seen = (requestId: string, overrides: Partial<VmFacts> = {}): MarkedVm => ({
  kind: "seen",
  requestId,
  vmwareId: `vm-${requestId}`,
  facts: { ...facts, ...overrides },
});

/**
 * A reporter whose sends the test keeps (frame id → observations), each acked at once unless told not
 * to. `flush` is what the watch does after each wait: one more cycle (which confirms what was observed
 * before it), then a flush; `startCycle`, `endCycle` and `flushNow` take those steps one at a time.
 */
function setup(options: { ack: boolean; now?: () => Date } = { ack: true }) {
  const reporter = new DriftReporter(options.now ?? (() => new Date("2026-03-02T09:00:00.000Z")));
  const frames = new Map<string, VmObservation[]>();
  let connected = true;
  let cycle = 0;
  const startCycle = () => {
    cycle += 1;
    reporter.cycleStarted(cycle);
    return cycle;
  };
  const endCycle = () => reporter.cycleDone(cycle);
  const flushNow = () =>
    reporter.flush((observations) => {
      if (!connected) return null;
      const id = `f${frames.size + 1}`;
      frames.set(id, observations);
      if (options.ack) queueMicrotask(() => reporter.acked(id));
      return id;
    });
  const flush = () => {
    startCycle();
    endCycle();
    flushNow();
  };
  const sent = () => [...frames.values()].flat();
  return {
    reporter,
    frames,
    flush,
    flushNow,
    startCycle,
    endCycle,
    sent,
    disconnect: () => (connected = false),
    reconnect: () => (connected = true),
  };
}

describe("DriftReporter", () => {
  it("sends each change of a VM's drift facts once, and nothing for an address that changed", async () => {
    const { reporter, flush, sent } = setup();
    reporter.observe(seen("r1"));
    flush();
    await Promise.resolve();
    reporter.observe(seen("r1", { ipAddress: "10.0.0.2" }));
    flush();
    reporter.observe(seen("r1", { cpu: 4 }));
    flush();
    expect(sent().map((o) => (o.kind === "seen" ? o.facts.cpu : null))).toEqual([2, 4]);
  });

  it("sends a change and its undoing: the edge may have believed either", async () => {
    const { reporter, flush, sent } = setup();
    reporter.observe(seen("r1"));
    flush();
    await Promise.resolve();
    reporter.observe(seen("r1", { powerState: "poweredOff" }));
    reporter.observe(seen("r1", { powerState: "poweredOn" }));
    flush();
    expect(sent().map((o) => (o.kind === "seen" ? o.facts.powerState : null))).toEqual([
      "poweredOn",
      "poweredOn",
    ]);
  });

  it("holds a VM a job works on, and sends what it is once the watch has caught up with the job's end", () => {
    const { reporter, flush, flushNow, startCycle, endCycle, sent } = setup();
    reporter.hold("r1");
    reporter.observe(seen("r1", { powerState: "poweredOff" }));
    reporter.observe(seen("r2"));
    flush();
    expect(sent().map((o) => o.requestId)).toEqual(["r2"]);
    // the job ended during a wait cycle: that wait may not have seen the job's last changes yet
    reporter.release("r1", startCycle());
    endCycle();
    flushNow();
    expect(sent().map((o) => o.requestId)).toEqual(["r2"]);
    reporter.observe(seen("r1"));
    flush();
    expect(sent().map((o) => [o.requestId, o.kind === "seen" ? o.facts.powerState : ""])).toEqual([
      ["r2", "poweredOn"],
      ["r1", "poweredOn"],
    ]);
  });

  it("sends nothing more of a VM while a frame about it is on its way", () => {
    const { reporter, flush, sent } = setup({ ack: false });
    reporter.observe(seen("r1"));
    flush();
    reporter.observe(seen("r1", { cpu: 8 }));
    flush();
    expect(sent()).toHaveLength(1);
    expect(reporter.acked("f1")).toBe(true);
    flush();
    expect(sent().map((o) => (o.kind === "seen" ? o.facts.cpu : null))).toEqual([2, 8]);
  });

  it("sends a refused frame again, unless a newer observation of the VM replaced it", () => {
    const { reporter, flush, sent } = setup({ ack: false });
    reporter.observe(seen("r1"));
    reporter.observe(seen("r2"));
    flush();
    reporter.observe(seen("r2", { name: "renamed" }));
    expect(reporter.refused("f1")).toBe(true);
    flush();
    const second = sent().slice(2);
    expect(second.map((o) => [o.requestId, o.kind === "seen" ? o.facts.name : ""])).toEqual([
      ["r2", "renamed"],
      ["r1", "app-api01"],
    ]);
    expect(reporter.refused("unknown-frame")).toBe(false);
  });

  it("splits a large report into frames of at most 100", () => {
    const { reporter, frames, flush } = setup();
    for (let i = 0; i < 250; i++) reporter.observe(seen(`r${i}`));
    flush();
    expect([...frames.values()].map((f) => f.length)).toEqual([100, 100, 50]);
    expect(reporter.pending).toBe(0);
  });

  it("keeps what it could not send, and reports every VM again on a new connection", () => {
    const { reporter, flush, sent, disconnect, reconnect } = setup({ ack: false });
    reporter.observe(seen("r1"));
    flush();
    disconnect();
    reporter.observe(seen("r2"));
    flush();
    expect([sent().length, reporter.pending]).toEqual([1, 1]);
    // the frame about r1 never got its ack: lost with the connection
    reconnect();
    reporter.reportAll([seen("r1"), seen("r2"), { kind: "gone", requestId: "r3", vmwareId: "vm-r3" }]);
    flush();
    expect(sent()[0]?.requestId).toBe("r1");
    expect(
      sent()
        .slice(1)
        .map((o) => `${o.requestId} ${o.kind}`)
        .sort(),
    ).toEqual(["r1 seen", "r2 seen", "r3 gone"]);
  });

  it("sends an observation only once a later cycle left it unchanged, stamped with that cycle's start", () => {
    let clock = Date.parse("2026-03-02T09:00:00.000Z");
    const { reporter, frames, flushNow, startCycle, endCycle } = setup({
      ack: false,
      now: () => new Date(clock),
    });
    // an answer that arrived at 09:00:00 but was built earlier: the VM still off while another agent's
    // job powered it on; the next cycle's answer brings the change, and the stale view never goes out
    reporter.observe(seen("r1", { powerState: "poweredOff" }));
    clock += 1000;
    startCycle();
    reporter.observe(seen("r1", { powerState: "poweredOn" }));
    endCycle();
    flushNow();
    expect(frames.size).toBe(0);
    clock += 1000;
    startCycle();
    clock += 5000;
    endCycle();
    flushNow();
    expect(
      [...frames.values()].map((f) => f.map((o) => [o.at, o.kind === "seen" && o.facts.powerState])),
    ).toEqual([[["2026-03-02T09:00:02.000Z", "poweredOn"]]]);
    // refused by a busy edge: sent again after the next cycle, still true then, stamped so
    expect(reporter.refused("f1")).toBe(true);
    clock += 1000;
    startCycle();
    endCycle();
    flushNow();
    expect([...frames.values()].map((f) => f.map((o) => o.at))).toEqual([
      ["2026-03-02T09:00:02.000Z"],
      ["2026-03-02T09:00:08.000Z"],
    ]);
  });

  it("asks for a confirming cycle only for what could go once confirmed: not for a VM a job holds", () => {
    const { reporter, flush } = setup();
    reporter.hold("r1");
    reporter.observe(seen("r1", { powerState: "poweredOff" }));
    expect(reporter.awaitingConfirmation).toBe(false);
    reporter.observe(seen("r2", { powerState: "poweredOff" }));
    expect(reporter.awaitingConfirmation).toBe(true);
    flush();
    expect(reporter.awaitingConfirmation).toBe(false);
  });
});
