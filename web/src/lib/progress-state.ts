import type { ProgressFrame, ProgressState } from "@gantry/shared/protocol/progress";

/** The browser's copy of a request's live progress. */
export interface LiveProgress {
  epoch: string;
  /** seq of the last durable frame applied */
  seq: number;
  requestId: string;
  state: ProgressState;
  /** server clock minus browser clock, so ETA countdowns use the edge's time */
  clockOffsetMs: number;
}

export type FrameOutcome =
  | { kind: "applied"; progress: LiveProgress }
  | { kind: "ignored" }
  /** a durable frame was missed: ask the edge for a fresh snapshot */
  | { kind: "resync" };

export const emptyProgressState = (): ProgressState => ({
  stages: [],
  currentStage: null,
  percent: null,
  eta: null,
  tooLong: false,
  warnings: [],
  terminal: null,
});

function closeOpenStage(state: ProgressState, at: string): ProgressState["stages"] {
  return state.stages.map((s) => (s.endedAt === null ? { ...s, endedAt: at } : s));
}

/**
 * Applies one parsed frame. Durable frames (stage, slow, terminal) must arrive in seq order:
 * repeats are ignored, a gap asks for a resync. Percent frames only touch the current stage.
 */
export function applyFrame(
  current: LiveProgress | null,
  frame: ProgressFrame,
  receivedAt: Date = new Date(),
): FrameOutcome {
  if (frame.type === "snapshot") {
    return {
      kind: "applied",
      progress: {
        epoch: frame.epoch,
        seq: frame.seq,
        requestId: frame.requestId,
        state: frame.state,
        clockOffsetMs: new Date(frame.serverTime).getTime() - receivedAt.getTime(),
      },
    };
  }
  if (current === null)
    return frame.type === "error" || frame.type === "percent" ? { kind: "ignored" } : { kind: "resync" };

  switch (frame.type) {
    case "error":
      return { kind: "ignored" };
    case "percent": {
      if (frame.stage !== current.state.currentStage || current.state.terminal !== null)
        return { kind: "ignored" };
      return {
        kind: "applied",
        progress: { ...current, state: { ...current.state, percent: frame.percent } },
      };
    }
    case "stage":
    case "slow":
    case "terminal": {
      if (frame.seq <= current.seq) return { kind: "ignored" };
      if (frame.seq > current.seq + 1) return { kind: "resync" };
      return {
        kind: "applied",
        progress: { ...current, seq: frame.seq, state: applyDurable(current.state, frame) },
      };
    }
  }
}

function applyDurable(
  state: ProgressState,
  frame: Extract<ProgressFrame, { type: "stage" | "slow" | "terminal" }>,
): ProgressState {
  switch (frame.type) {
    case "stage":
      return {
        ...state,
        stages: [
          ...closeOpenStage(state, frame.at),
          { stage: frame.stage, startedAt: frame.at, endedAt: null },
        ],
        currentStage: frame.stage,
        percent: null,
        eta: frame.eta,
        tooLong: frame.tooLong,
      };
    case "slow":
      return { ...state, tooLong: true, eta: frame.eta };
    case "terminal":
      return {
        ...state,
        stages: closeOpenStage(state, frame.at),
        percent: null,
        terminal: { at: frame.at, outcome: frame.outcome },
      };
  }
}

/** Seconds until the edge expects the run to finish, by the edge's clock; null without an estimate. */
export function secondsRemaining(progress: LiveProgress, now: Date): number | null {
  const eta = progress.state.eta;
  if (eta === null || progress.state.terminal !== null) return null;
  const serverNow = now.getTime() + progress.clockOffsetMs;
  return Math.max(0, (new Date(eta.finishAt).getTime() - serverNow) / 1000);
}
