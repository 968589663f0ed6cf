import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { type ConnectionState, makeProgressSocket, type SocketHandlers } from "./make-progress-socket.ts";
import { emptyProgressState, type LiveProgress } from "./progress-state.ts";

interface FakeSocket {
  path: string;
  handlers: SocketHandlers;
  sent: string[];
  closed: boolean;
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const states: ConnectionState[] = [];
  const updates: LiveProgress[] = [];
  const keeper = makeProgressSocket({
    requestId: "req-1",
    connect: (path, handlers) => {
      const fake: FakeSocket = { path, handlers, sent: [], closed: false };
      sockets.push(fake);
      return {
        isOpen: () => !fake.closed,
        send: (d) => fake.sent.push(d),
        close: () => {
          fake.closed = true;
        },
      };
    },
    onProgress: (p) => updates.push(p),
    onConnection: (s) => states.push(s),
    random: () => 0.5,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const t = timers.find((x) => x === h);
      if (t) t.cleared = true;
    },
  });
  const last = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error("no socket");
    return s;
  };
  const send = (frame: ProgressFrame) => last().handlers.onMessage(JSON.stringify(frame));
  const runRetry = () => {
    const t = timers.find((x) => !x.cleared && x.ms < 25_000);
    if (!t) throw new Error("no retry scheduled");
    t.cleared = true;
    t.fn();
  };
  return { keeper, sockets, timers, states, updates, last, send, runRetry };
}

const snapshot: ProgressFrame = {
  v: 1,
  seq: 2,
  type: "snapshot",
  epoch: "ep0001",
  requestId: "req-1",
  serverTime: "2026-11-22T10:00:00Z",
  state: emptyProgressState(),
};
const stage = (seq: number): ProgressFrame => ({
  v: 1,
  seq,
  type: "stage",
  stage: "CLONING",
  at: "2026-11-22T10:00:01Z",
  eta: null,
  tooLong: false,
});

describe("makeProgressSocket", () => {
  it("connects without a cursor and applies frames in order", () => {
    const h = harness();
    expect(h.last().path).toBe("/progress/req-1/connect");
    h.last().handlers.onOpen();
    h.send(snapshot);
    h.send(stage(3));
    expect(h.updates.at(-1)?.state.currentStage).toBe("CLONING");
    expect(h.states).toEqual(["connecting", "open"]);
  });

  it("resumes after the last applied frame when the socket drops", () => {
    const h = harness();
    h.send(snapshot);
    h.send(stage(3));
    h.last().handlers.onClose(1006);
    expect(h.states.at(-1)).toBe("reconnecting");
    h.runRetry();
    expect(h.last().path).toBe("/progress/req-1/connect?after=ep0001.3");
  });

  it("asks for a snapshot when it notices a gap", () => {
    const h = harness();
    h.send(snapshot);
    h.send(stage(5));
    expect(h.last().sent).toEqual([JSON.stringify({ v: 1, type: "resync" })]);
    expect(h.updates).toHaveLength(1);
  });

  it("skips frames it cannot parse", () => {
    const h = harness();
    h.last().handlers.onMessage("pong");
    h.last().handlers.onMessage("{not json");
    h.last().handlers.onMessage(JSON.stringify({ v: 1, seq: 1, type: "mystery" }));
    expect(h.updates).toHaveLength(0);
  });

  it("stops after the terminal frame and a normal close", () => {
    const h = harness();
    h.send(snapshot);
    h.send({
      v: 1,
      seq: 3,
      type: "terminal",
      at: "2026-11-22T10:01:00Z",
      outcome: {
        status: "succeeded",
        vm: { vmwareId: "vm-1", vmName: "acme-web", hostname: "web", ipAddress: "10.0.0.5" },
        warning: null,
      },
    });
    h.last().handlers.onClose(1000);
    expect(h.states.at(-1)).toBe("complete");
    expect(h.timers.filter((t) => !t.cleared && t.ms < 25_000)).toHaveLength(0);
  });

  it("gives up when the edge refuses the viewer", () => {
    const h = harness();
    h.last().handlers.onClose(1008);
    expect(h.states.at(-1)).toBe("refused");
    expect(h.sockets).toHaveLength(1);
  });

  it("starts over from a snapshot when the object expired", () => {
    const h = harness();
    h.send(snapshot);
    h.last().handlers.onClose(4410);
    h.runRetry();
    expect(h.last().path).toBe("/progress/req-1/connect");
  });

  it("closes the socket and cancels timers on close()", () => {
    const h = harness();
    h.keeper.close();
    expect(h.last().closed).toBe(true);
    expect(h.timers.every((t) => t.cleared)).toBe(true);
  });
});
