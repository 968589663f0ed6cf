import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DevRun } from "./dev-run.ts";

const runs: DevRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.dispose()));
});

const Health = z.object({ agentsConnected: z.number() });
const CONNECTED = /^\[local-agent-1\] .*"msg":"connected to edge"/;

/** The agent's node process: the one the stack runs now. */
function agentProcess(run: DevRun) {
  const [agent, ...more] = run.processes(/agent\/src\/cli\.ts run --config/);
  expect(more).toEqual([]);
  if (!agent) throw new Error(`no agent process under dev.ts:\n${run.output}`);
  return agent;
}

const connections = (run: DevRun) => run.lines.filter((l) => CONNECTED.test(l)).length;

async function reconnected(run: DevRun, count: number) {
  await expect.poll(() => connections(run), { timeout: 120_000, interval: 100 }).toBe(count);
  const health = Health.parse(await (await fetch(`http://127.0.0.1:${run.edgePort}/healthz/details`)).json());
  expect(health.agentsConnected).toBe(1);
}

describe("the local agent under npm run dev", () => {
  it("killed, then drained with SIGTERM: each time the stack stays up and a new agent connects", async () => {
    const run = await DevRun.start();
    runs.push(run);
    await run.line(/^Press Ctrl-C to stop/);
    expect(connections(run)).toBe(1);

    const killed = agentProcess(run);
    process.kill(killed.pid, "SIGKILL");
    await run.line(/^\[local-agent-1\] was ended by SIGKILL; starting it again in 1 s/);
    await reconnected(run, 2);
    expect(agentProcess(run).pid).not.toBe(killed.pid);

    const drained = agentProcess(run);
    process.kill(drained.pid, "SIGTERM");
    // a second exit soon after a restart is a crash loop to the stack: it waits longer each time
    await run.line(/^\[local-agent-1\] exited 0; starting it again in \d+ s/);
    expect(run.output).toMatch(/"msg":"stopping gracefully: no new jobs/);
    await reconnected(run, 3);

    // the edge and VCSIM never went away
    expect(run.output).not.toMatch(/^Stopping/m);
    run.ctrlC();
    await run.expectCleanStop();
    // a stack start and two agent starts: on a loaded 2-core machine each takes tens of seconds
  }, 480_000);
});
