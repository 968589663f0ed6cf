import type { ProgressFrame, TerminalOutcome } from "@gantry/shared/protocol/progress";

function withoutDetail(outcome: TerminalOutcome): TerminalOutcome {
  if (outcome.status !== "failed") return outcome;
  const { technicalDetail: _dropped, ...rest } = outcome;
  return rest;
}

/**
 * The frame as one viewer may see it: technical failure detail (fault names, paths, task ids) goes to
 * tenant admins only, so members get the same frame without it.
 */
export function renderFor(frame: ProgressFrame, seesTechnicalDetail: boolean): ProgressFrame {
  if (seesTechnicalDetail) return frame;
  if (frame.type === "terminal") return { ...frame, outcome: withoutDetail(frame.outcome) };
  if (frame.type === "snapshot" && frame.state.terminal) {
    const terminal = { ...frame.state.terminal, outcome: withoutDetail(frame.state.terminal.outcome) };
    return { ...frame, state: { ...frame.state, terminal } };
  }
  return frame;
}
