import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { EdgeClient } from "./edge-client.ts";

/** The earlier implementation's refresh: `requests.get` every 3 s while a request is open. */
export const POLL_INTERVAL_MS = 3000;

/** What a poller saw: when it first saw each stage and READY (performance.now() ms). */
export interface PollerView {
  stages: Map<ProvisioningStage, number>;
  ready: number | null;
  polls: number;
}

/**
 * A real poller of one request: a first poll after a random phase (screens open at any moment),
 * then one every 3 s until the request is READY or FAILED, or `signal` aborts.
 */
export async function pollUntilDone(
  client: EdgeClient,
  input: { requestId: string; signal: AbortSignal },
): Promise<PollerView> {
  const view: PollerView = { stages: new Map(), ready: null, polls: 0 };
  let next = performance.now() + Math.random() * POLL_INTERVAL_MS;
  while (!input.signal.aborted) {
    await sleep(next - performance.now(), input.signal);
    if (input.signal.aborted) break;
    next += POLL_INTERVAL_MS;
    view.polls += 1;
    const request = await client.get(input.requestId).catch(() => null);
    const at = performance.now();
    if (!request) continue;
    if (request.stage !== null && !view.stages.has(request.stage)) view.stages.set(request.stage, at);
    if (request.status === "READY") {
      view.ready = at;
      break;
    }
    if (request.status === "FAILED") break;
  }
  return view;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
