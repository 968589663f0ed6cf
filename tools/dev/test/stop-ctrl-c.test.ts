import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { DevRun } from "./dev-run.ts";

const runs: DevRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.dispose()));
});
const start = async () => {
  const run = await DevRun.start();
  runs.push(run);
  return run;
};

// Ctrl-C reaches every process of the terminal's foreground group at once; whatever the stack is doing
// then, it must end with nothing left, its ports free and no crash trace
describe("npm run dev stopped with Ctrl-C", () => {
  it("while VCSIM starts", async () => {
    const run = await start();
    await run.line(/^Starting VCSIM/);
    run.ctrlC();
    await run.expectCleanStop();
    expect(run.output).not.toMatch(/^Gantry is running/m);
  });

  it("1 s after it started", async () => {
    const run = await start();
    // the moment is the point of the test: a developer who notices a wrong flag at once
    await sleep(1000 - (Date.now() - run.startedAt));
    run.ctrlC();
    await run.expectCleanStop();
  });

  it("while the edge starts", async () => {
    const run = await start();
    await run.line(/^Starting the edge/);
    run.ctrlC();
    await run.expectCleanStop();
    expect(run.output).not.toMatch(/^Gantry is running/m);
  });

  it("while the agent enrolls and connects", async () => {
    const run = await start();
    await run.line(/^Starting local-agent-1/);
    run.ctrlC();
    await run.expectCleanStop();
    expect(run.output).not.toMatch(/^Gantry is running/m);
  });

  it("0.3 s after it printed ready: the agent drains first, then the edge stops, then VCSIM", async () => {
    const run = await start();
    await run.line(/^Press Ctrl-C to stop/);
    await sleep(300);
    run.ctrlC();
    await run.expectCleanStop();
    const order = run.lines.filter((l) => /^Stopping (local-agent-1|the edge|VCSIM)/.test(l));
    expect(order).toEqual(["Stopping local-agent-1…", "Stopping the edge…", "Stopping VCSIM…"]);
    const drained = run.lines.findIndex((l) => l.includes('"msg":"agent stopped"'));
    expect(drained).toBeGreaterThan(-1);
    expect(drained).toBeLessThan(run.lines.indexOf("Stopping the edge…"));
  });
});
